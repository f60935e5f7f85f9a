"""Checking a budget's lines a run of rows at a time finds exactly what checking them all at
once does: the same problems (cells, messages, order, severity) and the same budget, with
problems on both sides of a run's edge and lines repeated across runs."""

from __future__ import annotations

import tempfile
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.adapters.reading.amounts import NumberFormat, parse_amount
from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules, load_validation_rules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.problems import Problem
from tests.support.workbooks import AUTO, UNIT_HEADERS, Line, make_workbook

RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")
WHOLE = 10**9  # run_rows that takes every line in one run

# Cells drawn from values the rules pass and fail, so that problems land in every run.
# Lookalikes too (a zero-width space, fullwidth letters): kept as one code in every run.
codes = st.sampled_from(
    ["01-100", "03-300", "09-900", "03-300", "77-777", "1-100", "", "99-001", "03\u200b-300"]
)
kinds = st.sampled_from(["L", "M", "S", "O", "m", "ZZ", "", "E", "\uff2d", "L\u200b", "\u0141"])
numbers: st.SearchStrategy[Any] = st.one_of(
    st.decimals(
        min_value=-5000, max_value=5000, places=3, allow_nan=False, allow_infinity=False
    ).map(float),
    st.sampled_from(["twelve", "(500.00)", "$1,234.50", None, 1e14, 0.0, -0.0, 12.345]),
)
lines = st.tuples(
    st.sampled_from(["", "A1"]),
    codes,
    kinds,
    st.sampled_from(["Work", "=SUM(A1)", "x" * 61, "Painting subcontract", "\u202eWork"]),
    numbers,
    st.sampled_from([None, 2, 2.5, "two"]),
    st.sampled_from(["", "EA", "m2"]),
    st.sampled_from([None, 10, 10.125, "ten"]),
)


def _checked(path: Path, rules: ValidationRules, run_rows: int) -> tuple[Any, list[Problem]]:
    document, problems = check_budget(read_budget(path), rules, run_rows=run_rows)
    return _contents(document), problems


def _contents(document: BudgetDocument | None) -> Any:
    """What a budget holds, its amounts as exact text (1.0 and 1.00 are equal Decimals)."""
    if document is None:
        return None
    return (replace(document, lines=()), [line.as_texts() for line in document.lines])


@settings(max_examples=40, deadline=None)
@given(
    st.lists(lines, min_size=1, max_size=14),
    st.sampled_from([1, 2, 3, 5]),
    st.booleans(),
    st.sampled_from([AUTO, 1.0, "lots"]),
)
def test_runs_of_rows_find_what_the_whole_budget_does(
    budget: list[Line], run_rows: int, rounding: bool, total: Any
) -> None:
    rules = replace(RULES, round_to_cents=rounding)
    path = make_workbook(
        Path(tempfile.mkdtemp()) / "budget.xlsx", lines=budget, headers=UNIT_HEADERS, total=total
    )

    assert _checked(path, rules, run_rows) == _checked(path, rules, WHOLE)


VALID: list[Line] = [
    ("", "01-100", "L", "General conditions", 100),
    ("", "03-300", "M", "Concrete", 200.5),
    ("", "03-300", "L", "Concrete labour", 300),
    ("", "09-900", "S", "Painting", 400),
    ("", "01-100", "M", "Materials", 500),
]


@pytest.mark.parametrize("run_rows", [1, 2, 3])
def test_a_line_repeated_in_a_later_run_names_the_row_of_the_first(
    tmp_path: Path, run_rows: int
) -> None:
    # Excel rows 8-12 hold VALID; the repeats follow in rows 13 and 14.
    budget = [*VALID, ("", "03-300", "m", "Concrete again", 1), ("", "01-100", "L", "Again", 2)]
    path = make_workbook(tmp_path / "budget.xlsx", lines=budget)

    document, problems = check_budget(read_budget(path), RULES, run_rows=run_rows)

    assert document is None
    assert [(p.rule, p.cell, p.message) for p in problems] == [
        ("line.duplicate", "B13", "duplicate line 03-300 / M: same as row 9"),
        ("line.duplicate", "B14", "duplicate line 01-100 / L: same as row 8"),
    ]
    assert problems == check_budget(read_budget(path), RULES)[1]


def test_a_valid_budget_checked_in_runs_is_the_same_budget(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "budget.xlsx", lines=VALID)

    whole, in_runs = _checked(path, RULES, WHOLE), _checked(path, RULES, 2)

    assert whole[0] is not None
    assert in_runs == whole


UNIQUE_KEYS = [(code, kind) for code in ("01-100", "03-300", "09-900") for kind in "LMSO"]
units = st.sampled_from([0.0, -0.0, 2.5, 1, 1.0, "2.50", "1.0", "-0", None])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.tuples(units, units), min_size=1, max_size=10), st.sampled_from([1, 3, WHOLE]))
def test_equal_numbers_shared_between_lines_keep_each_cells_own_digits(
    units_of_lines: list[tuple[Any, Any]], run_rows: int
) -> None:
    budget = [
        ("", code, kind, "Work", 10, qty, "EA", cost)
        for (code, kind), (qty, cost) in zip(UNIQUE_KEYS, units_of_lines, strict=False)
    ]
    path = make_workbook(
        Path(tempfile.mkdtemp()) / "budget.xlsx", lines=budget, headers=UNIT_HEADERS
    )
    raw = read_budget(path)
    qty_at, cost_at = raw.columns["unit_qty"], raw.columns["unit_cost"]
    expected = [(_exact(cells[qty_at]), _exact(cells[cost_at])) for _, cells in raw.rows]

    document, problems = check_budget(raw, replace(RULES, unit_tolerance=Decimal(10**9)), run_rows)

    assert document is not None, problems
    assert [(_text(line.unit_qty), _text(line.unit_cost)) for line in document.lines] == expected


def _exact(cell: Any) -> str | None:
    return _text(parse_amount(cell, NumberFormat()))


def _text(number: Decimal | None) -> str | None:
    return None if number is None else str(number)
