"""The input layout as the workbooks we hand out write it (the template and the workbook handed
back after a rejection): column formats, the ERP-list dropdowns, and our only formulas."""

from __future__ import annotations

from decimal import ROUND_HALF_UP
from typing import Any

from pipeline.adapters.layouts.budget import INPUT_LINE_HEADERS
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.text_fit import label_width
from pipeline.domain.budget import CENT, BudgetLine

LINE_HEADERS = INPUT_LINE_HEADERS
QTY, UNIT_COST, AMOUNT = 4, 6, 7  # columns E, G and H of the line table
TEXT_COLUMNS = (0, 1, 2, 5)  # sub job, cost code, cost type, UOM: 03-300 keeps its zero
SPARE_ROWS = 5000  # dropdowns, formats and the total reach this far below the first line
MONEY = "#,##0.00"
HEADER_LABELS = ("Project Number", "Project Name", "Prepared By", "Budget Total")  # column A


def last_row(first: int, line_count: int = 0) -> int:
    """The last Excel row the total, dropdowns and formats reach: room for lines to add."""
    return first + max(SPARE_ROWS, line_count + 1000) - 1


def total_formula(first: int, last: int) -> str:
    """Budget Total: the sum of the amount column, live, so a changed line updates it."""
    return f"=SUM(H{first}:H{last})"


def amount_formula(row: int) -> str:
    """A line's amount as quantity x unit cost, rounded to the cent as the ERP keeps it: a
    quantity of 333 at 1,833.333 gives 610,499.89, never a sub-cent 610,499.889."""
    return f"=ROUND(E{row}*G{row},2)"


def amount_is_product(line: BudgetLine) -> bool:
    """Whether the amount is quantity x unit cost to the cent, rounded half away from zero
    as Excel's and LibreOffice's ROUND do, so the formula shows the very same amount."""
    if line.unit_qty is None or line.unit_cost is None:
        return False
    product = (line.unit_qty * line.unit_cost).quantize(CENT, rounding=ROUND_HALF_UP)
    return product == line.amount


def set_columns(sheet: Any, formats: dict[str, Any], note_width: int = 0) -> None:
    """Widths and default formats, so a line typed below the others looks like them; each
    column wide enough for its title (the first also for the labels above the table)."""
    for col, least in enumerate((10, 12, 10, 40, 10, 8, 12, 16)):
        width = label_width([LINE_HEADERS[col]], least)
        if col == 0:
            width = label_width(HEADER_LABELS, width)
        style = formats["text"] if col in TEXT_COLUMNS else None
        if col in (UNIT_COST, AMOUNT):
            style = formats["money"]
        sheet.set_column(col, col, width, style)
    if note_width:
        sheet.set_column(len(LINE_HEADERS), len(LINE_HEADERS), note_width)


def add_dropdowns(
    book: Any, sheet: Any, rules: ValidationRules, project: str, rows: tuple[int, int]
) -> None:
    """The *ERP Lists* sheet and the cost code and cost type dropdowns fed by it, and the
    amount column's number check, over the 0-based rows ``rows`` (first, last)."""
    first, last = rows
    lists = rules.lists
    # "03-300 \u2013 Concrete": the reader takes the code before the dash (erp_lists.picked_code)
    codes = lists.code_entries(project) if lists.cost_codes else []
    types = lists.type_entries() if lists.cost_types else []
    if codes or types:
        bold = book.add_format({"bold": True})
        listing = book.add_worksheet("ERP Lists")  # visible: the codes are worth reading
        for col, (title, values) in enumerate((("Cost Codes", codes), ("Cost Types", types))):
            listing.write_string(0, col, title, bold)
            for row, value in enumerate(values, start=1):
                listing.write_string(row, col, value)
            if values:
                letter = "AB"[col]
                sheet.data_validation(
                    first,
                    col + 1,
                    last,
                    col + 1,
                    {
                        "validate": "list",
                        "source": f"='ERP Lists'!${letter}$2:${letter}${len(values) + 1}",
                        # A warning, not a stop: a code typed alone (03-300) is read too.
                        "error_type": "warning",
                        "error_title": title[:-1],
                        "error_message": f"Not a {title[:-1].lower()} as the ERP's list shows "
                        "it: pick one from the list. A code typed alone is read too; keep it "
                        "if it is one.",
                    },
                )
    sheet.data_validation(
        first,
        AMOUNT,
        last,
        AMOUNT,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -9999999999999.99,
            "maximum": 9999999999999.99,
            "error_message": "Type the amount as a number",
        },
    )
