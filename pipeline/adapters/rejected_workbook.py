"""Write the editable workbook handed back after a rejection: the budget in the input layout,
flagged lines marked, and a sheet listing the reasons. Dropping it back in inbox/ re-sends it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.adapters.budget_reader import INPUT_LINE_HEADERS
from pipeline.adapters.xlsx_styles import SAFE_OPTIONS
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.review import Rejection

LINE_HEADERS = (*INPUT_LINE_HEADERS, "Rejection Note")


def write_rejected_workbook(document: BudgetDocument, rejection: Rejection, target: Path) -> None:
    """Write the admin's budget with the rejection marked into ``target``."""
    options = {**SAFE_OPTIONS, "constant_memory": False}
    book = xlsxwriter.Workbook(str(target), options)
    bold = book.add_format({"bold": True})
    money = book.add_format({"num_format": "#,##0.00"})
    flagged_fmt = book.add_format({"bg_color": "#F8CBAD"})
    flagged_money = book.add_format({"bg_color": "#F8CBAD", "num_format": "#,##0.00"})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})

    sheet = book.add_worksheet("Budget")
    header: list[tuple[str, Any]] = [
        ("Project Number", document.project_number),
        ("Project Name", document.project_name),
        ("Prepared By", document.prepared_by),
        ("Budget Total", document.stated_total),
    ]
    for row, (label, value) in enumerate(header):
        sheet.write_string(row, 0, label, bold)
        if value is None:
            continue
        if label == "Budget Total":
            sheet.write_number(row, 1, float(value), money)
        else:
            sheet.write_string(row, 1, str(value))
    table = len(header) + 1
    for col, title in enumerate(LINE_HEADERS):
        sheet.write_string(table, col, title, head)
    notes = {flag.key: flag.note for flag in rejection.flags}
    for index, line in enumerate(document.lines, start=table + 1):
        flagged = line.key in notes
        text, amount = (flagged_fmt, flagged_money) if flagged else (None, money)
        for col, value in enumerate(
            (line.sub_job, line.cost_code, line.cost_type, line.description)
        ):
            sheet.write_string(index, col, value, text)
        _number(sheet, index, 4, line.unit_qty, text)
        sheet.write_string(index, 5, line.uom, text)
        _number(sheet, index, 6, line.unit_cost, amount)
        sheet.write_number(index, 7, float(line.amount), amount)
        sheet.write_string(index, 8, f"REJECTED: {notes[line.key]}" if flagged else "", text)
    sheet.set_column(0, 2, 12)
    sheet.set_column(3, 3, 40)
    sheet.set_column(4, 7, 14)
    sheet.set_column(8, 8, 50)
    sheet.freeze_panes(table + 1, 0)

    reasons = book.add_worksheet("Rejection Reasons")
    reasons.set_column(0, 0, 24)
    reasons.set_column(1, 1, 80)
    reasons.write_string(
        0,
        0,
        f"Version {rejection.version} rejected by {rejection.approver} "
        f"on {rejection.at:%Y-%m-%d %H:%M}",
        bold,
    )
    row = 2
    for reason in rejection.reasons:
        reasons.write_string(row, 0, "Reason", bold)
        reasons.write_string(row, 1, reason)
        row += 1
    for flag in rejection.flags:
        reasons.write_string(row, 0, f"Line {flag.key}", bold)
        reasons.write_string(row, 1, flag.note or "(no note)")
        row += 1
    reasons.write_string(
        row + 1,
        1,
        "Correct the budget on the 'Budget' sheet, then drop this "
        "workbook into inbox/ to re-send it.",
    )
    book.close()


def _number(sheet: Any, row: int, col: int, value: Any, style: Any) -> None:
    if value is None:
        sheet.write_blank(row, col, None, style)
    else:
        sheet.write_number(row, col, float(value), style)
