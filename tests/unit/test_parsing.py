"""Guarding CSV text against formulas (amounts typed as text: test_amounts)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.erp_profile import guard_text

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize("trigger", TRIGGERS)
def test_guard_text_neutralises_formula_triggers(trigger: str) -> None:
    assert guard_text(f"{trigger}SUM(A1:A9)") == f"'{trigger}SUM(A1:A9)"
    assert guard_text(trigger) == f"'{trigger}"


@given(st.text().filter(lambda t: not t.startswith(TRIGGERS)))
def test_guard_text_leaves_other_text_alone(text: str) -> None:
    assert guard_text(text) == text
