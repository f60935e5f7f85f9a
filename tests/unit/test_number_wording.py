"""Numbers in words, as a refused number's message spells its readings out."""

from __future__ import annotations

from decimal import Decimal

import pytest

from pipeline.adapters.reading.amounts import NumberFormat, why_unread
from pipeline.adapters.validation.number_wording import spelled, unread_hint, unread_message


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


@pytest.mark.parametrize(
    ("text", "reading"),
    [("1,5e40", "1.5E+40"), ("(-1e99)", "-1E+99 or 1E+99"), ("0,5e-99", "5E-100")],
)
def test_a_reading_past_any_budget_is_written_in_e_notation_and_not_said(
    text: str, reading: str
) -> None:
    number_format = NumberFormat(".")
    unread = why_unread(text, number_format)
    assert unread is not None

    message = unread_message(unread, number_format, "Amount", text)

    assert message.startswith(f"Amount could be {reading}")
    assert "(" not in message.removeprefix(f"Amount could be {reading}")
    assert len(message + (unread_hint(unread, number_format) or "")) < 200
