"""The re-send sheets of the review workbook: earlier reasons with their status, changed lines."""

from __future__ import annotations

from typing import Any

from pipeline.adapters.xlsx_styles import printable, write_value
from pipeline.domain.changes import LineChange, ReasonStatus
from pipeline.services.ports import ReviewContent


def reasons_sheet(book: Any, styles: dict[str, Any], content: ReviewContent) -> None:
    """Each earlier reason with the admin's Response beside it and whether the re-send looks
    to address it."""
    assert content.resend is not None
    sheet = printable(book.add_worksheet("Earlier Reasons"))
    rejection = content.resend.rejection
    sheet.set_column(0, 1, 50, styles["wrap"])
    sheet.set_column(2, 4, 24)
    sheet.write_string(
        0,
        0,
        f"Version {rejection.version} rejected by {rejection.approver} "
        f"on {rejection.at:%Y-%m-%d %H:%M}",
        styles["title"],
    )
    for col, title in enumerate(("Reason", "Response", "Line", "Status", "Why")):
        sheet.write_string(2, col, title, styles["head"])
    for row, review in enumerate(content.resend.reasons, start=3):
        style = None if review.status is ReasonStatus.ADDRESSED else styles["changed"]
        cells = (
            review.reason,
            review.response,
            str(review.line) if review.line else "",
            str(review.status),
            review.explanation,
        )
        for col, text in enumerate(cells):
            sheet.write_string(row, col, text, style)


def changes_sheet(
    book: Any, styles: dict[str, Any], changes: list[LineChange], title: str = "Changes"
) -> None:
    """Every added, removed and changed line, highlighted, with old and new amounts."""
    sheet = printable(book.add_worksheet(title), 1)
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
            write_value(sheet, row, col, side.amount if side else None, styles["changed_money"])
        sheet.write_number(row, 7, float(change.delta), styles["changed_money"])
    sheet.freeze_panes(1, 0)
