"""The line table of real .xlsx budgets in an admin's own layout: the header row found by the
names people give their columns, and the rows that are not lines (headings, total rows)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.budget_table import RowKind
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.domain.column_names import IGNORE
from pipeline.domain.problems import errors
from pipeline.errors import UnreadableWorkbook
from tests.support.workbooks import WorkbookFactory

# An admin's own layout: the names of the issue, the amount last.
OWN_HEADERS = ("Code", "Description", "Type", "Qty", "Unit", "Unit Price", "Total")
CONCRETE = ("03-300", "Ready mix", "M", 100, "CY", 450, 45000)
LABOUR = ("03-300", "Placing crew", "L", 10, "DAY", 3000, 30000)
PAINT = ("09-900", "Painting", "S", "", "", "", 8000)


def _own(factory: WorkbookFactory, *lines: tuple[object, ...]) -> Path:
    return factory(headers=OWN_HEADERS, lines=list(lines), total=None)


def test_a_budget_in_an_admins_own_layout_is_read_with_its_quantities(
    workbook_factory: WorkbookFactory,
) -> None:
    raw = read_budget(_own(workbook_factory, CONCRETE, LABOUR))
    assert raw.columns == {
        "cost_code": 0,
        "description": 1,
        "cost_type": 2,
        "unit_qty": 3,
        "uom": 4,
        "unit_cost": 5,
        "amount": 6,
    }
    document, problems = check_budget(raw, ValidationRules())
    assert problems == []
    assert document is not None
    assert [(line.unit_qty, line.uom, line.unit_cost) for line in document.lines] == [
        (Decimal(100), "CY", Decimal(450)),
        (Decimal(10), "DAY", Decimal(3000)),
    ]


def test_headings_and_total_rows_are_not_lines(workbook_factory: WorkbookFactory) -> None:
    path = _own(
        workbook_factory,
        ("DIVISION 03 \u2013 CONCRETE", "", "", "", "", "", ""),
        CONCRETE,
        LABOUR,
        ("", "Subtotal Concrete", "", "", "", "", 75000),
        ("09", "FINISHES", "", "", "", "", ""),
        PAINT,
        ("Sub-total", "", "", "", "", "", 8000),
        ("", "", "", "", "", "", ""),
        ("GRAND TOTAL", "", "", "", "", "", 83000),
    )
    raw = read_budget(path)
    assert [row for row, _ in raw.rows] == [8, 9, 12]
    assert [(m.row, m.kind, m.label_col) for m in raw.not_lines] == [
        (7, RowKind.HEADING, 0),
        (10, RowKind.TOTAL, 1),
        (11, RowKind.HEADING, 0),
        (13, RowKind.TOTAL, 0),
        (15, RowKind.TOTAL, 0),
    ]
    assert [m.scope for m in raw.not_lines if m.kind is RowKind.TOTAL] == ["sub", "sub", "grand"]
    document, problems = check_budget(raw, ValidationRules())
    assert problems == []
    assert document is not None and str(document.total) == "83000.00"


def test_a_heading_may_sit_in_the_description_column(workbook_factory: WorkbookFactory) -> None:
    raw = read_budget(_own(workbook_factory, ("", "Concrete works", "", "", "", "", ""), CONCRETE))
    assert [(m.kind, m.label) for m in raw.not_lines] == [(RowKind.HEADING, "Concrete works")]


@pytest.mark.parametrize(
    ("row", "why"),
    [
        (("TOTAL-01", "Total station", "E", 1, "EA", 500, 500), "a cost type makes it a line"),
        (("03-300", "Forms", "", 10, "", "", ""), "a quantity is something budgeted"),
        (("03-300", "Forms", "", "", "SF", "", ""), "so is a unit"),
        (("03-300", "Forms", "", "", "", "", 0), "so is an amount, even 0"),
    ],
)
def test_a_row_that_budgets_something_stays_a_line(
    workbook_factory: WorkbookFactory, row: tuple[object, ...], why: str
) -> None:
    raw = read_budget(_own(workbook_factory, row))
    assert [r for r, _ in raw.rows] == [7], why
    assert raw.not_lines == []


def test_a_total_label_beside_the_amount_in_a_column_not_read_makes_a_total_row(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(
        headers=(*OWN_HEADERS[:6], "Notes", "Total"),
        lines=[(*CONCRETE[:6], "", 45000), ("", "", "", "", "", "", "Subtotal", 45000)],
        total=None,
    )
    raw = read_budget(path)
    assert [(m.row, m.kind, m.label_col) for m in raw.not_lines] == [(8, RowKind.TOTAL, 6)]


@pytest.mark.parametrize(
    ("label", "scope"),
    [
        ("Concrete Subtotal", "sub"),
        ("Division 03 Total:", ""),
        ("Project Grand Total", "grand"),
        ("Sub Total", "sub"),
    ],
)
def test_a_total_label_may_end_with_total(
    workbook_factory: WorkbookFactory, label: str, scope: str
) -> None:
    raw = read_budget(_own(workbook_factory, CONCRETE, ("", label, "", "", "", "", 45000)))
    assert [(m.row, m.kind, m.scope) for m in raw.not_lines] == [(8, RowKind.TOTAL, scope)]
    assert [r for r, _ in raw.rows] == [7]


def test_a_note_right_of_the_amount_does_not_make_a_line_a_total_row(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(  # its cost type forgotten: a line, refused for it, not skipped
        headers=(*OWN_HEADERS, "Notes"),
        lines=[(*CONCRETE, ""), ("03-300", "Forms", "", "", "", "", 500, "Total per quote")],
        total=None,
    )
    raw = read_budget(path)
    assert [r for r, _ in raw.rows] == [7, 8] and raw.not_lines == []
    document, problems = check_budget(raw, ValidationRules())
    assert document is None
    assert [(p.rule, p.cell) for p in errors(problems)] == [("cost_type.missing", "C8")]


def test_a_company_name_reads_a_column_ours_do_not(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(
        headers=("Kostenstelle", "Art", "Betrag"), lines=[("01-100", "L", 5)], total=None
    )
    with pytest.raises(UnreadableWorkbook):
        read_budget(path)
    names = ValidationRules().column_names.with_company(
        {"Kostenstelle": "cost_code", "Art": "cost_type", "Betrag": "amount", "Notes": IGNORE}
    )
    assert read_budget(path, names).columns == {"cost_code": 0, "cost_type": 1, "amount": 2}


def test_no_line_table_names_the_row_that_came_closest_and_its_near_names(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(headers=("Code", "Catgory", "Amount"), total=None)
    with pytest.raises(UnreadableWorkbook) as refused:
        read_budget(path)
    assert str(refused.value) == (
        "budget.xlsx, sheet 'Budget': no line table found: a header row needs the columns "
        "Cost Code, Cost Type and Original Budget Amount; row 6 has Cost Code (Code) and "
        "Original Budget Amount (Amount) but no Cost Type; Catgory (B6) is not a name we "
        "read: did you mean Category?; 'budget-erp check --columns' lists the names each "
        "column is read under"
    )
