"""The *Budget* sheet of the workbooks we give admins a version back in (the one rejected, the
one in force in the ERP): the stored version in the input layout, live (Budget Total a SUM,
amounts quantity x unit cost where they are), with the ERP-list dropdowns and the mark of the
version it holds. Dropping the workbook, or a copy, sends it again."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.adapters.layouts.version_mark import VERSION_PROPERTY
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.input_layout import (
    AMOUNT,
    LINE_HEADERS,
    MONEY,
    QTY,
    UNIT_COST,
    add_dropdowns,
    amount_formula,
    amount_is_product,
    last_row,
    set_columns,
    total_formula,
)
from pipeline.adapters.writing.xlsx_styles import SAFE_OPTIONS, write_text
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey
from pipeline.domain.version_mark import VersionMark

TABLE_ROW = 5  # 0-based row of the line table's header; the lines start on Excel row 7
FLAGGED = "#F8CBAD"


def budget_book(target: Path) -> Any:
    """A workbook to write the sheet into (xlsxwriter's, untyped)."""
    return xlsxwriter.Workbook(str(target), {**SAFE_OPTIONS, "constant_memory": False})


def write_budget_sheet(
    book: Any,
    document: BudgetDocument,
    mark: VersionMark,
    rules: ValidationRules | None = None,
    notes: tuple[str, Mapping[LineKey, str]] = ("", {}),
    remark: str = "",
) -> Any:
    """Write the *Budget* sheet of ``document``, version ``mark``; ``rules`` gives the ERP
    lists for the dropdowns (none without it); ``notes`` is a column title and the note of
    each line that has one (highlighted); ``remark`` a line of text above the table."""
    formats = _formats(book)
    sheet = book.add_worksheet("Budget")
    first = TABLE_ROW + 2  # Excel row of the first line
    last = last_row(first, len(document.lines))
    _header(sheet, formats, document, total_formula(first, last))
    if remark:  # not beside a label: the reader would take it for the label's value
        write_text(sheet, TABLE_ROW - 1, 3, remark, formats["remark"])
    title, by_line = notes
    for col, heading in enumerate((*LINE_HEADERS, title) if title else LINE_HEADERS):
        sheet.write_string(TABLE_ROW, col, heading, formats["head"])
    for index, line in enumerate(document.lines, start=TABLE_ROW + 1):
        _line(sheet, formats, index, line, by_line)
    set_columns(sheet, formats, note_width=50 if title else 0)
    sheet.freeze_panes(TABLE_ROW + 1, 0)
    add_dropdowns(
        book, sheet, rules or ValidationRules(), document.project_number, (first - 1, last - 1)
    )
    book.set_custom_property(VERSION_PROPERTY, str(mark))
    return sheet


def _formats(book: Any) -> dict[str, Any]:
    return {
        "bold": book.add_format({"bold": True}),
        "head": book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1}),
        "remark": book.add_format({"italic": True}),
        "text": book.add_format({"num_format": "@"}),
        "money": book.add_format({"num_format": MONEY}),
        "number": None,
        "flagged_text": book.add_format({"bg_color": FLAGGED, "num_format": "@"}),
        "flagged_money": book.add_format({"bg_color": FLAGGED, "num_format": MONEY}),
        "flagged_number": book.add_format({"bg_color": FLAGGED}),
    }


def _header(sheet: Any, formats: dict[str, Any], document: BudgetDocument, total: str) -> None:
    for row, (label, value) in enumerate(
        (
            ("Project Number", document.project_number),
            ("Project Name", document.project_name),
            ("Prepared By", document.prepared_by),
        )
    ):
        sheet.write_string(row, 0, label, formats["bold"])
        if value:
            write_text(sheet, row, 1, value, formats["text"])
    sheet.write_string(3, 0, "Budget Total", formats["bold"])
    # Live, with its cached value for readers that do not calculate (our intake among them).
    sheet.write_formula(3, 1, total, formats["money"], float(document.total))


def _line(
    sheet: Any, formats: dict[str, Any], index: int, line: BudgetLine, notes: Mapping[Any, str]
) -> None:
    """One line: text stays text, numbers stay numbers, and the amount is the formula
    quantity x unit cost only where it equals that product to the cent."""
    noted = line.key in notes
    prefix = "flagged_" if noted else ""
    text, money, number = (formats[prefix + kind] for kind in ("text", "money", "number"))
    for col, words in zip(
        (0, 1, 2, 3, 5),
        (line.sub_job, line.cost_code, line.cost_type, line.description, line.uom),
        strict=True,
    ):
        write_text(sheet, index, col, words, text)
    for col, value, style in ((QTY, line.unit_qty, number), (UNIT_COST, line.unit_cost, money)):
        if value is None:
            sheet.write_blank(index, col, None, style)
        else:
            sheet.write_number(index, col, float(value), style)
    if amount_is_product(line):
        sheet.write_formula(index, AMOUNT, amount_formula(index + 1), money, float(line.amount))
    else:
        sheet.write_number(index, AMOUNT, float(line.amount), money)
    if noted:
        write_text(sheet, index, len(LINE_HEADERS), notes[line.key], text)
