"""Columns beside a budget that are not read, though they look like part of it: one warning
each, on its header cell, and the budget still goes through."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.domain.column_names import IGNORE
from pipeline.domain.problems import Problem, Severity
from tests.support.workbooks import WorkbookFactory

HEADERS = ("Code", "Description", "Type", "Qty", "Unit", "Unit Price", "Total")
LINES = [
    ("03-300", "Ready mix", "M", 100, "CY", 450, 45000),
    ("03-300", "Placing crew", "L", 10, "DAY", 3000, 30000),
    ("09-900", "Painting", "S", "", "", "", 8000),
]


def _warnings(path: Path, rules: ValidationRules | None = None) -> list[Problem]:
    raw = read_budget(path, (rules or ValidationRules()).column_names)
    document, problems = check_budget(raw, rules or ValidationRules())
    assert document is not None, problems
    assert all(p.severity is Severity.WARNING for p in problems)
    return problems


def _with(extra: tuple[str, ...], *columns: tuple[object, ...]) -> dict[str, object]:
    """``make_workbook``'s keywords for LINES with more columns on the right."""
    lines = [
        line + tuple(cells) for line, cells in zip(LINES, zip(*columns, strict=True), strict=True)
    ]
    return {"headers": (*HEADERS, *extra), "lines": lines, "total": None}


def test_a_misnamed_column_is_a_warning_on_its_header_cell(
    workbook_factory: WorkbookFactory,
) -> None:
    [problem] = _warnings(workbook_factory(**_with(("Qantity",), ("1", "2", "3"))))
    assert (problem.rule, problem.where, problem.column) == (
        "column.misnamed",
        "Budget!H6",
        "Qantity",
    )
    assert str(problem) == (
        "Budget!H6: the column Qantity is not read: it is not a name we read. Did you mean "
        "Quantity (Unit Qty)? Rename the column, or add its name to [column_names] in "
        "rules/validation.toml [column.misnamed]"
    )


def test_a_second_column_for_a_field_is_a_warning_naming_the_one_read(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(**_with(("Amount",), (45000, 30000, 8000)))
    [problem] = _warnings(path)
    assert (problem.rule, problem.where) == ("column.duplicate", "Budget!G6")
    assert problem.message == (
        "the column Total is not read: Original Budget Amount is read from Amount (H6)"
    )


def test_numbers_in_a_column_not_read_are_one_warning_with_their_count(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(**_with(("Labor", "Notes"), (5, "1,200.50", "n/a"), ("a", 3, "c")))
    [problem] = _warnings(path)
    assert (problem.rule, problem.where, problem.column) == (
        "column.numbers_not_read",
        "Budget!H6",
        "Labor",
    )
    assert problem.message == "the column Labor holds 2 numbers on the lines and is not read"


def test_numbers_in_an_untitled_column_beside_the_table_are_told_too(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(**_with(("",), (45000, 30000, 8000)))
    [problem] = _warnings(path)
    assert (problem.rule, problem.where) == ("column.numbers_not_read", "Budget!H6")
    assert problem.message == (
        "column H, which has no title, holds 3 numbers on the lines and is not read"
    )


def test_a_column_of_text_or_far_from_the_table_is_no_concern(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(**_with(("Vendor", "", ""), ("Acme", "", ""), ("", "", ""), (1, 2, 3)))
    assert _warnings(path) == []  # column J holds numbers, but two columns away, untitled


def test_a_column_the_company_ignores_is_not_told(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(**_with(("Qantity", "Labor"), (1, 2, 3), (4, 5, 6)))
    assert [p.rule for p in _warnings(path)] == ["column.misnamed", "column.numbers_not_read"]
    rules = ValidationRules()
    ignoring = ValidationRules(
        column_names=rules.column_names.with_company({"Qantity": IGNORE, "Labor": IGNORE})
    )
    assert _warnings(path, ignoring) == []


def test_a_unit_column_of_numbers_is_told_and_read_as_the_price_once_named_so(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(  # Unit is this company's price: read as the unit of measure
        headers=("Code", "Description", "Type", "Qty", "Unit", "Total"),
        lines=[("03-300", "Ready mix", "M", 100, 450, 45000), ("09-900", "Paint", "S", 1, 7, 8)],
        total=None,
    )
    [problem] = _warnings(path)
    assert (problem.rule, problem.where, problem.message) == (
        "column.uom_numbers",
        "Budget!E6",
        "the column Unit is read as the unit of measure, and 2 of its cells on the lines are "
        "numbers",
    )
    assert problem.hint.startswith('If Unit is the unit cost, add "Unit" = "unit_cost"')
    rules = ValidationRules()
    priced = ValidationRules(column_names=rules.column_names.with_company({"Unit": "unit_cost"}))
    raw = read_budget(path, priced.column_names)
    document, problems = check_budget(raw, priced)
    assert [(p.rule, p.cell) for p in problems] == [("amount.unit_mismatch", "F8")]  # 1 x 7
    assert document is None and raw.columns["unit_cost"] == 4


def test_units_typed_as_words_are_no_concern(workbook_factory: WorkbookFactory) -> None:
    assert _warnings(workbook_factory(headers=HEADERS, lines=LINES, total=None)) == []
