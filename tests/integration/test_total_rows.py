"""A budget's own subtotal and total rows, checked against its lines with exact sums: a
warning naming both cells when they differ, nothing when they agree; the same however many
lines are checked at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.domain.problems import Problem
from tests.support.workbooks import WorkbookFactory

HEADERS = ("Code", "Description", "Type", "Total")
# Rows from Excel row 7 (no Budget Total in the header block).
DIVISIONS = [
    ("DIVISION 03 \u2013 CONCRETE", "", "", ""),  # 7
    ("03-300", "Ready mix", "M", 45000.5),  # 8
    ("03-300", "Placing crew", "L", 30000),  # 9
    ("", "Subtotal Concrete", "", 75000.5),  # 10
    ("DIVISION 09 \u2013 FINISHES", "", "", ""),  # 11
    ("09-900", "Painting", "S", 8000),  # 12
    ("09-900", "Painting crew", "L", 1000.25),  # 13
    ("", "Subtotal Finishes", "", 9000.25),  # 14
    ("Grand Total", "", "", 84000.75),  # 15
]


def _problems(path: Path, run_rows: int = 20_000) -> list[Problem]:
    document, problems = check_budget(read_budget(path), ValidationRules(), run_rows=run_rows)
    assert document is not None, problems
    return problems


def _rows(changes: dict[int, object]) -> list[tuple[object, ...]]:
    """DIVISIONS with the amounts of some Excel rows changed."""
    return [(*row[:3], changes.get(index, row[3])) for index, row in enumerate(DIVISIONS, start=7)]


@pytest.mark.parametrize("run_rows", [1, 2, 20_000])
def test_subtotals_and_a_grand_total_that_add_up_say_nothing(
    workbook_factory: WorkbookFactory, run_rows: int
) -> None:
    path = workbook_factory(headers=HEADERS, lines=DIVISIONS, total=None)
    assert _problems(path, run_rows) == []


@pytest.mark.parametrize("run_rows", [1, 2, 20_000])
def test_a_subtotal_that_does_not_add_up_names_its_cell_and_its_heading(
    workbook_factory: WorkbookFactory, run_rows: int
) -> None:
    path = workbook_factory(headers=HEADERS, lines=_rows({14: 9500.25}), total=None)
    [problem] = _problems(path, run_rows)
    assert (problem.rule, problem.where, problem.value) == (
        "total_row.mismatch",
        "Budget!D14",
        "9500.25",
    )
    assert problem.message == (
        "Subtotal Finishes 9,500.25 differs from the sum of the 2 lines since the heading at "
        "A11 (rows 12-13), 9,000.25, by +500.00"
    )


def test_a_grand_total_that_does_not_add_up_is_told_against_every_line(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(headers=HEADERS, lines=_rows({15: 84000.76}), total=None)
    [problem] = _problems(path)
    assert (problem.where, problem.message) == (
        "Budget!D15",
        "Grand Total 84,000.76 differs from the sum of the 4 lines above it (rows 8-13), "
        "84,000.75, by +0.01",
    )


def test_subtotals_without_headings_sum_the_lines_since_the_last_total_row(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [
        ("01-100", "Supervision", "L", 100),  # 7
        ("Subtotal", "", "", 100),  # 8
        ("02-200", "Earthwork", "E", 50),  # 9
        ("02-300", "Hauling", "E", 25),  # 10
        ("Subtotal", "", "", 70),  # 11
        ("Total", "", "", 175),  # 12: a plain Total after subtotals is a grand total
    ]
    path = workbook_factory(headers=HEADERS, lines=lines, total=None)
    [problem] = _problems(path)
    assert (problem.where, problem.message) == (
        "Budget!D11",
        "Subtotal 70.00 differs from the sum of the 2 lines since the total row at D8 "
        "(rows 9-10), 75.00, by -5.00",
    )
    lines[5] = ("Total", "", "", 170)
    again = workbook_factory("again.xlsx", headers=HEADERS, lines=lines, total=None)
    [_, grand] = _problems(again)
    assert (grand.where, grand.message) == (
        "Budget!D12",
        "Total 170.00 differs from the sum of the 3 lines above it (rows 7-10), 175.00, by -5.00",
    )


def test_a_total_row_may_sum_the_amounts_as_typed_or_as_rounded(
    workbook_factory: WorkbookFactory,
) -> None:
    thirds = [(f"0{n}-100", "A third", "L", 10 / 3) for n in (1, 2, 3)]
    as_typed = [*thirds, ("Total", "", "", 10.0)]  # what =SUM() shows
    as_rounded = [*thirds, ("Total", "", "", 9.99)]  # what the ERP gets
    for lines in (as_typed, as_rounded):
        path = workbook_factory(headers=HEADERS, lines=lines, total=None)
        assert [p.rule for p in _problems(path)] == ["amount.rounded"] * 3


def test_a_total_row_over_an_amount_that_is_not_a_number_is_not_checked(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(headers=HEADERS, lines=_rows({12: "eight k"}), total=None)
    document, problems = check_budget(read_budget(path), ValidationRules())
    assert document is None
    assert [(p.rule, p.cell) for p in problems] == [("amount.not_numeric", "D12")]


def test_a_total_row_with_no_amount_is_only_skipped(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(headers=HEADERS, lines=_rows({10: "", 14: "", 15: ""}), total=None)
    assert _problems(path) == []
