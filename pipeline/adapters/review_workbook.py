"""Write the approver's review workbook (xlsxwriter): decision cells, every line, and for a
re-send the earlier reasons and the changed lines, highlighted. No formulas, only values."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.domain.changes import ChangeKind, LineChange, ReasonStatus
from pipeline.domain.review import Verdict
from pipeline.services.ports import ReviewContent

DECISION_NAMES = ("Decision", "Reason", "Approver")
LINE_HEADERS = (
    "Row",
    "Sub Job",
    "Cost Code",
    "Cost Type",
    "Description",
    "Unit Qty",
    "UOM",
    "Unit Cost",
    "Amount",
    "Change",
    "Line Decision",
    "Line Note",
)
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


def write_review_workbook(content: ReviewContent, target: Path) -> None:
    """Write the review workbook for one submitted version to ``target``."""
    book = xlsxwriter.Workbook(str(target), SAFE_OPTIONS)
    styles = _styles(book)
    changes = {c.key: c for c in content.resend.changes} if content.resend else {}
    _review_sheet(book, styles, content)
    _lines_sheet(book, styles, content, changes)
    if content.resend:
        _reasons_sheet(book, styles, content)
        _changes_sheet(book, styles, content.resend.changes)
    meta = book.add_worksheet("_meta")
    meta.write_string(0, 0, "project_number")
    meta.write_string(0, 1, content.submission.project_number)
    meta.write_string(1, 0, "version")
    meta.write_number(1, 1, content.submission.version)
    meta.hide()
    book.close()


def _printable(sheet: Any, header_rows: int = 0) -> Any:
    """Accountants print: landscape, one page wide, header row repeated."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if header_rows:
        sheet.repeat_rows(0, header_rows - 1)
    return sheet


def _styles(book: Any) -> dict[str, Any]:
    return {
        "title": book.add_format({"bold": True, "font_size": 14}),
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
        "changed_money": book.add_format({"bg_color": "#FCE4D6", "num_format": "#,##0.00"}),
        "warn": book.add_format({"font_color": "#9C5700"}),
        "wrap": book.add_format({"text_wrap": True, "valign": "top"}),
    }


def _review_sheet(book: Any, styles: dict[str, Any], content: ReviewContent) -> None:
    sheet = _printable(book.add_worksheet("Review"))
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 70)
    doc, sub = content.document, content.submission
    sheet.write_string(
        0, 0, f"Budget review: {doc.project_number} {doc.project_name}".strip(), styles["title"]
    )
    facts: list[tuple[str, Any]] = [
        ("Project Number", doc.project_number),
        ("Project Name", doc.project_name),
        ("Version", _version_text(content)),
        ("Sent by", sub.sender),
        ("Sent at", sub.at.strftime("%Y-%m-%d %H:%M %Z").strip()),
        ("Source file", sub.file_name),
        ("Lines", len(doc.lines)),
        ("Total of lines", doc.total),
        ("Budget Total (stated)", doc.stated_total if doc.stated_total is not None else ""),
    ]
    row = 2
    for label, value in facts:
        sheet.write_string(row, 0, label, styles["label"])
        _write_value(sheet, row, 1, value, styles["money"])
        row += 1
    row += 1
    sheet.write_string(row, 0, "Your decision", styles["title"])
    row += 1
    for name in DECISION_NAMES:
        if name == "Reason":
            sheet.set_row(row, 60)
        sheet.write_string(row, 0, name, styles["label"])
        sheet.write_blank(row, 1, None, styles["input"])
        book.define_name(name, f"=Review!$B${row + 1}")
        _decision_validation(sheet, row, name, content.approvers)
        row += 1
    row += 1
    for text in _instructions(content):
        sheet.write_string(row, 1, text, styles["wrap"])
        row += 1
    if content.warnings:
        row += 1
        sheet.write_string(row, 0, "Warnings", styles["label"])
        for warning in content.warnings:
            sheet.write_string(row, 1, str(warning), styles["warn"])
            row += 1
    sheet.protect("", PROTECTION)
    sheet.activate()


def _decision_validation(sheet: Any, row: int, name: str, approvers: list[str]) -> None:
    if name == "Decision":
        sheet.data_validation(
            row,
            1,
            row,
            1,
            {
                "validate": "list",
                "source": [v.value for v in Verdict],
                "input_title": "Decision",
                "input_message": "Accept or Reject",
                "error_title": "Decision",
                "error_message": "Pick Accept or Reject",
            },
        )
    elif name == "Approver" and approvers:
        sheet.data_validation(
            row,
            1,
            row,
            1,
            {
                "validate": "list",
                "source": approvers[:20],
                "error_type": "information",
                "input_title": "Approver",
                "input_message": "Your name or email",
            },
        )


def _instructions(content: ReviewContent) -> list[str]:
    lines = [
        "1. Pick Accept or Reject in the yellow Decision cell.",
        "2. A Reject needs a Reason (one reason per line of the cell).",
        "3. To flag single lines, set Line Decision = Reject on the Lines sheet, with a Line Note.",
        "4. Write your name or email in Approver, then save this file where it is (keep .xlsx).",
    ]
    if content.resend:
        lines.append(
            "This is a re-send: see the sheets 'Earlier Reasons' and 'Changes'; "
            "changed lines are highlighted on 'Lines'."
        )
    return lines


def _version_text(content: ReviewContent) -> str:
    version = content.submission.version
    if not content.resend:
        return f"{version} (first send)" if version == 1 else f"{version}"
    rejection = content.resend.rejection
    return (
        f"{version}, re-sent after version {rejection.version} was rejected by "
        f"{rejection.approver} on {rejection.at:%Y-%m-%d}"
    )


def _lines_sheet(
    book: Any, styles: dict[str, Any], content: ReviewContent, changes: dict[Any, LineChange]
) -> None:
    sheet = _printable(book.add_worksheet("Lines"), 1)
    widths = (6, 10, 12, 10, 40, 10, 6, 12, 14, 22, 14, 40)
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, styles["open"] if col >= 10 else None)
    for col, title in enumerate(LINE_HEADERS):
        sheet.write_string(0, col, title, styles["head"])
    for index, line in enumerate(content.document.lines, start=1):
        change = changes.get(line.key)
        text_style = styles["changed"] if change else None
        money_style = styles["changed_money"] if change else styles["money"]
        sheet.write_number(index, 0, line.row, text_style)
        for col, value in enumerate(
            (line.sub_job, line.cost_code, line.cost_type, line.description), start=1
        ):
            sheet.write_string(index, col, value, text_style)
        _write_value(sheet, index, 5, line.unit_qty, text_style)
        sheet.write_string(index, 6, line.uom, text_style)
        _write_value(sheet, index, 7, line.unit_cost, money_style)
        sheet.write_number(index, 8, float(line.amount), money_style)
        sheet.write_string(index, 9, _change_text(change) if change else "", text_style)
    last = max(len(content.document.lines), 1)
    sheet.data_validation(
        1,
        10,
        last,
        10,
        {
            "validate": "list",
            "source": [v.value for v in Verdict],
            "error_message": "Pick Accept or Reject, or leave blank",
        },
    )
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(LINE_HEADERS) - 1)
    sheet.protect("", PROTECTION)


def _change_text(change: LineChange) -> str:
    if change.kind is ChangeKind.AMOUNT:
        return f"amount changed ({change.delta:+,.2f})"
    return str(change.kind)


def _reasons_sheet(book: Any, styles: dict[str, Any], content: ReviewContent) -> None:
    assert content.resend is not None
    sheet = _printable(book.add_worksheet("Earlier Reasons"))
    rejection = content.resend.rejection
    sheet.set_column(0, 0, 60)
    sheet.set_column(1, 3, 24)
    sheet.write_string(
        0,
        0,
        f"Version {rejection.version} rejected by {rejection.approver} "
        f"on {rejection.at:%Y-%m-%d %H:%M}",
        styles["title"],
    )
    for col, title in enumerate(("Reason", "Line", "Status", "Why")):
        sheet.write_string(2, col, title, styles["head"])
    for row, review in enumerate(content.resend.reasons, start=3):
        style = None if review.status is ReasonStatus.ADDRESSED else styles["changed"]
        sheet.write_string(row, 0, review.reason, style)
        sheet.write_string(row, 1, str(review.line) if review.line else "", style)
        sheet.write_string(row, 2, str(review.status), style)
        sheet.write_string(row, 3, review.explanation, style)


def _changes_sheet(book: Any, styles: dict[str, Any], changes: list[LineChange]) -> None:
    sheet = _printable(book.add_worksheet("Changes"), 1)
    titles = (
        "Change",
        "Sub Job",
        "Cost Code",
        "Cost Type",
        "Description",
        "Old Amount",
        "New Amount",
        "Difference",
    )
    sheet.set_column(0, 0, 18)
    sheet.set_column(4, 4, 40)
    sheet.set_column(5, 7, 14)
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title, styles["head"])
    if not changes:
        sheet.write_string(1, 0, "no line changed")
    for row, change in enumerate(changes, start=1):
        line = change.new or change.old
        assert line is not None
        sheet.write_string(row, 0, str(change.kind), styles["changed"])
        for col, value in enumerate(
            (line.sub_job, line.cost_code, line.cost_type, line.description), start=1
        ):
            sheet.write_string(row, col, value, styles["changed"])
        for col, side in ((5, change.old), (6, change.new)):
            _write_value(sheet, row, col, side.amount if side else None, styles["changed_money"])
        sheet.write_number(row, 7, float(change.delta), styles["changed_money"])
    sheet.freeze_panes(1, 0)


def _write_value(sheet: Any, row: int, col: int, value: Any, money_style: Any) -> None:
    if value is None or value == "":
        sheet.write_blank(row, col, None, money_style)
    elif isinstance(value, int) and not isinstance(value, bool):
        sheet.write_number(row, col, value)
    elif isinstance(value, Decimal | float):
        sheet.write_number(row, col, float(value), money_style)
    elif isinstance(value, datetime):
        sheet.write_string(row, col, value.isoformat(timespec="minutes"))
    else:
        sheet.write_string(row, col, str(value))
