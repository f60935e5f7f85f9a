"""Checks outside the line table: the header block, the totals, the sheet's own facts
(error cells, uncalculated formulas, hidden rows and sheets) and lists not provided."""

from __future__ import annotations

from decimal import Decimal

from pipeline.adapters.reading.amounts import NumberFormat, why_unread
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.validation.cell_text import not_ascii_message
from pipeline.adapters.validation.number_wording import unread_problem
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.wording import (
    cell_position,
    column_title,
    make_problem,
    project_number_of,
)
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.identifiers import unfit_characters
from pipeline.domain.problems import Problem, cell_ref
from pipeline.domain.text import printable

HALF_CENT = Decimal("0.005")


def header_problems(raw: RawBudget, rules: ValidationRules) -> list[Problem]:
    """The Project Number's: a hidden character, not plain ASCII once NFKC (a fullwidth P
    is ``P``), missing, or not a job the ERP has open."""
    value, cell = raw.header.get("project_number", ("", ""))
    number = project_number_of(raw)
    title = "Project Number"
    hidden = unfit_characters(str(value).strip()) if isinstance(value, str) else []
    if hidden:
        return [
            make_problem(
                "project_number.hidden_character",
                f"the Project Number holds {', '.join(hidden[:3])}",
                raw.sheet,
                cell,
                title,
                printable(number),
            )
        ]
    if not number.isascii():
        return [
            make_problem(
                "text.not_ascii", not_ascii_message(title, number), raw.sheet, cell, title, number
            )
        ]
    if not number:
        return (
            []
            if cell in raw.facts.errors or cell in raw.facts.uncalculated
            else [
                make_problem(
                    "project_number.missing", "Project Number is missing", raw.sheet, cell, title
                )
            ]
        )
    lists = rules.lists
    if lists.jobs is None:
        return []
    job = lists.job(number)
    if job is None:
        return [
            make_problem(
                "job.unknown",
                f"job {number} is not in the ERP's job list",
                raw.sheet,
                cell,
                title,
                number,
            )
        ]
    if not job.open:
        return [
            make_problem(
                "job.closed", f"job {number} is closed in the ERP", raw.sheet, cell, title, number
            )
        ]
    return []


def sheet_problems(raw: RawBudget) -> list[Problem]:
    """Excel errors and uncalculated formulas in the cells we read; hidden rows and sheets."""
    problems: list[Problem] = []
    read_cells = _cells_read(raw) if raw.facts.errors or raw.facts.uncalculated else {}
    for cell, code in sorted(raw.facts.errors.items(), key=lambda kv: cell_position(kv[0])):
        if cell in read_cells:
            problems.append(
                make_problem(
                    "cell.excel_error",
                    f"the cell shows the error {code}",
                    raw.sheet,
                    cell,
                    column_title(read_cells[cell]),
                    code,
                )
            )
    for cell in sorted(raw.facts.uncalculated, key=cell_position):
        if cell in read_cells:
            problems.append(
                make_problem(
                    "cell.formula_not_calculated",
                    "the formula has no calculated value",
                    raw.sheet,
                    cell,
                    column_title(read_cells[cell]),
                )
            )
    code_col = raw.columns["cost_code"]
    problems += [
        make_problem(
            "row.hidden",
            f"row {row} is hidden but counts as a budget line",
            raw.sheet,
            cell_ref(row, code_col),
            "Cost Code",
        )
        for row, _ in raw.rows
        if row in raw.facts.hidden_rows
    ]
    problems += [
        make_problem("sheet.hidden", f"sheet {name!r} is hidden", name)
        for name in raw.hidden_sheets
    ]
    return problems


def _cells_read(raw: RawBudget) -> dict[str, str]:
    """Every cell the budget is read from (header values and line columns) -> its field."""
    cells = {cell: name for name, (_, cell) in raw.header.items()}
    for row, _ in raw.rows:
        for name, col in raw.columns.items():
            cells[cell_ref(row, col)] = name
    return cells


def total_problems(
    raw: RawBudget,
    document: BudgetDocument,
    number_format: NumberFormat,
    typed_total: Decimal | None = None,
) -> list[Problem]:
    """The stated Budget Total against the lines. Excel shows a SUM of amounts with sub-cent
    digits, so a total that is the sum of the amounts as typed (``typed_total``, when some
    were rounded) is taken too, with a warning naming the sum the ERP gets. A total typed
    as text that is not taken is worded as a line's number is."""
    value, cell = raw.header.get("budget_total", ("", ""))
    stated = document.stated_total
    if stated is None and (unread := why_unread(text_of(value), number_format)):
        title = "Budget Total"
        return [unread_problem(unread, number_format, title, text_of(value), raw.sheet, cell)]
    if stated is None and text_of(value):
        return [
            make_problem(
                "budget_total.not_numeric",
                "Budget Total is not a number",
                raw.sheet,
                cell,
                "Budget Total",
                text_of(value),
            )
        ]
    if stated is None or abs(stated - document.total) < HALF_CENT:
        return []
    if typed_total is not None and abs(stated - typed_total) < HALF_CENT:
        return [
            make_problem(
                "budget_total.rounded",
                f"Budget Total {stated:,.2f} is the sum of the amounts as typed; rounded to "
                f"cents, the lines add up to {document.total:,.2f} "
                f"({document.total - stated:+,.2f})",
                raw.sheet,
                cell,
                "Budget Total",
                text_of(value),
            )
        ]
    return [
        make_problem(
            "budget_total.mismatch",
            f"Budget Total {stated:,.2f} differs from the sum of the lines "
            f"{document.total:,.2f} by {stated - document.total:+,.2f}",
            raw.sheet,
            cell,
            "Budget Total",
            text_of(value),
        )
    ]


def list_notices(rules: ValidationRules) -> list[Problem]:
    return [
        make_problem(
            "list.not_checked", f"not checked against ERP list {name} (rules/{name}.csv is absent)"
        )
        for name in rules.lists.missing
    ]
