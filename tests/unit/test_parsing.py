"""Reading amounts the way people type them, and guarding CSV text against formulas."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.reading.amounts import parse_amount
from pipeline.domain.erp_profile import guard_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$1,234.50", Decimal("1234.50")),
        ("(500.00)", Decimal("-500.00")),
        ("-500", Decimal("-500")),
        (1234.5, Decimal("1234.5")),
        (42, Decimal("42")),
        (" $ 7 ", Decimal("7")),
        ("abc", None),
        ("", None),
        ("  ", None),
        ("1.2.3", None),
        (True, None),
        (False, None),
        (float("nan"), None),
    ],
)
def test_parse_amount_examples(value: Any, expected: Decimal | None) -> None:
    assert parse_amount(value) == expected


@given(
    st.decimals(
        min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False
    )
)
def test_parse_amount_reads_formatted_money_back(d: Decimal) -> None:
    assert parse_amount(f"${d:,.2f}") == d
    if d < 0:
        assert parse_amount(f"(${-d:,.2f})") == d


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_guard_text_neutralises_formula_triggers(trigger: str) -> None:
    assert guard_text(f"{trigger}SUM(A1:A9)") == f"'{trigger}SUM(A1:A9)"
    assert guard_text(trigger) == f"'{trigger}"


@given(st.text().filter(lambda t: not t.startswith(TRIGGERS)))
def test_guard_text_leaves_other_text_alone(text: str) -> None:
    assert guard_text(text) == text
