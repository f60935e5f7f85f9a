"""A blank budget workbook in the contract layout, with dropdowns fed by the ERP lists."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from pipeline.adapters.budget_reader import INPUT_LINE_HEADERS
from pipeline.adapters.rules_files import ValidationRules
from pipeline.adapters.xlsx_styles import SAFE_OPTIONS

LINE_HEADERS = INPUT_LINE_HEADERS
FIRST_LINE = 8  # Excel row of the first budget line
LAST_LINE = 5000  # dropdowns and formats reach this far


def write_template(
    target: Path, rules: ValidationRules, project_number: str = "", project_name: str = ""
) -> None:
    """Write the template; cost codes and types come from rules/ when those lists exist."""
    book = xlsxwriter.Workbook(str(target), {**SAFE_OPTIONS, "constant_memory": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    text = book.add_format({"num_format": "@"})  # codes stay text: 03-300 keeps its zero
    money = book.add_format({"num_format": "#,##0.00"})
    sheet = book.add_worksheet("Budget")
    for row, (label, value) in enumerate(
        (
            ("Project Number", project_number),
            ("Project Name", project_name),
            ("Prepared By", ""),
            ("Budget Total", ""),
        )
    ):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, value, text)
    sheet.write_string(
        4, 3, "Budget Total is optional; when given it must equal the sum of the amounts."
    )
    for col, title in enumerate(LINE_HEADERS):
        sheet.write_string(FIRST_LINE - 2, col, title, head)
    for col, width, style in (
        (0, 10, text),
        (1, 12, text),
        (2, 10, text),
        (3, 40, None),
        (4, 10, None),
        (5, 8, text),
        (6, 12, money),
        (7, 16, money),
    ):
        sheet.set_column(col, col, width, style)
    sheet.freeze_panes(FIRST_LINE - 1, 0)
    codes = sorted(rules.lists.codes_for(project_number)) if rules.lists.cost_codes else []
    types = sorted(rules.lists.cost_types) if rules.lists.cost_types else []
    if codes or types:
        lists = book.add_worksheet("ERP Lists")  # visible: the codes are worth reading
        for col, (title, values) in enumerate((("Cost Codes", codes), ("Cost Types", types))):
            lists.write_string(0, col, title, bold)
            for row, value in enumerate(values, start=1):
                lists.write_string(row, col, value)
            if values:
                letter = "AB"[col]
                sheet.data_validation(
                    FIRST_LINE - 1,
                    col + 1,
                    LAST_LINE - 1,
                    col + 1,
                    {
                        "validate": "list",
                        "source": f"='ERP Lists'!${letter}$2:${letter}${len(values) + 1}",
                        "error_title": title[:-1],
                        "error_message": f"Pick a {title[:-1].lower()} from the ERP's list",
                    },
                )
    sheet.data_validation(
        FIRST_LINE - 1,
        7,
        LAST_LINE - 1,
        7,
        {
            "validate": "decimal",
            "criteria": "between",
            "minimum": -9999999999999.99,
            "maximum": 9999999999999.99,
            "error_message": "Type the amount as a number",
        },
    )
    sheet.activate()
    book.close()
