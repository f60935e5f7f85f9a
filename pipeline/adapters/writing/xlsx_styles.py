"""What every workbook we write shares: options that keep text inert, and styles (sizes and
print setup: ``text_fit``)."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from pipeline.adapters.writing.text_fit import print_as_report
from pipeline.domain.text import clean_text

PROTECTION = {
    "autofilter": True,
    "sort": True,
    "format_columns": True,
    "select_locked_cells": True,
    "select_unlocked_cells": True,
}
# Options that keep text as text: a description starting with "=" must never become a formula.
SAFE_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
    "constant_memory": True,
}


def printable(sheet: Any, header_rows: int = 0) -> Any:
    """Print ``sheet`` as a report (``text_fit.print_as_report``), its name in the footer and
    its first ``header_rows`` rows repeated on every page."""
    rows = (0, header_rows - 1) if header_rows else None
    return print_as_report(sheet, sheet.name, rows)


def make_styles(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
        "title_wrap": book.add_format(
            {"bold": True, "font_size": 14, "text_wrap": True, "valign": "top"}
        ),
        "label": book.add_format({"bold": True, "valign": "top"}),
        "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
        "money": book.add_format({"num_format": "#,##0.00"}),
        "input": book.add_format(
            {
                "locked": False,
                "bg_color": "#FFF2CC",
                "border": 2,
                "text_wrap": True,
                "valign": "top",
            }
        ),
        "open": book.add_format({"locked": False}),
        "changed": book.add_format({"bg_color": "#FCE4D6"}),
        "changed_wrap": book.add_format(
            {"bg_color": "#FCE4D6", "text_wrap": True, "valign": "top"}
        ),
        "changed_money": book.add_format({"bg_color": "#FCE4D6", "num_format": "#,##0.00"}),
        "warn": book.add_format({"font_color": "#9C5700", "text_wrap": True, "valign": "top"}),
        "alert": book.add_format(
            {
                "bold": True,
                "font_color": "#9C0006",
                "bg_color": "#FFC7CE",
                "border": 2,
                "text_wrap": True,
                "valign": "top",
            }
        ),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def write_text(sheet: Any, row: int, col: int, text: str, style: Any = None) -> None:
    """A cell of text from a budget, a person or a list, cleaned as every text we show is
    (``clean_text``: nothing hidden, on one line), so that the approver sees what the ERP
    file holds."""
    sheet.write_string(row, col, clean_text(text), style)


def write_value(sheet: Any, row: int, col: int, value: Any, money_style: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, money_style)
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    elif isinstance(value, Decimal | float):
        sheet.write_number(row, col, float(value), money_style)
    elif isinstance(value, datetime):
        sheet.write_string(row, col, value.isoformat(timespec="minutes"))
    else:
        write_text(sheet, row, col, str(value))
