"""Numbers in words, as a refused number's message spells its readings out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.adapters.validation.number_wording import spelled


@pytest.mark.parametrize(
    ("number", "words"),
    [
        ("0", "zero"),
        ("7", "seven"),
        ("19", "nineteen"),
        ("20", "twenty"),
        ("45", "forty-five"),
        ("100", "one hundred"),
        ("1234", "one thousand two hundred thirty-four"),
        ("12345", "twelve thousand three hundred forty-five"),
        ("999999", "nine hundred ninety-nine thousand nine hundred ninety-nine"),
        ("1000001", "one million one"),
        ("2000000000000", "two trillion"),
        ("1.234", "one point two three four"),
        ("0.50", "zero point five zero"),
        ("-12.5", "minus twelve point five"),
        ("1E+3", "one thousand"),
    ],
)
def test_spelled(number: str, words: str) -> None:
    assert spelled(Decimal(number)) == words
