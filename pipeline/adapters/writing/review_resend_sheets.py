"""The re-send sheets of the review workbook: earlier reasons with their status and the admin's
responses; changed lines, noting those that bring back an amount rejected before."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.adapters.writing.xlsx_styles import printable, write_value
from pipeline.domain.changes import LineChange, ReasonStatus, ReturnedAmount
from pipeline.domain.rejected_amounts import describe_returns
from pipeline.services.ports import ReviewContent


def reasons_sheet(book: Any, styles: dict[str, Any], content: ReviewContent) -> None:
    """Each earlier reason with the admin's Response beside it and whether the re-send looks
    to address it; then the changed lines that bring back an amount rejected before."""
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
    row = 3
    for review in content.resend.reasons:
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
        row += 1
    for sentence in describe_returns(content.resend.returns):
        sheet.write_string(row, 0, sentence, styles["changed"])
        sheet.write_string(row, 3, str(ReasonStatus.CHECK), styles["changed"])
        sheet.write_string(row, 4, "an amount rejected before", styles["changed"])
        row += 1


def changes_sheet(
    book: Any,
    styles: dict[str, Any],
    changes: list[LineChange],
    title: str = "Changes",
    returns: Sequence[ReturnedAmount] = (),
) -> None:
    """Every added, removed and changed line, highlighted, with old and new amounts, and a
    note on each that brings back an amount rejected before."""
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
        "Note",
    )
    sheet.set_column(0, 0, 18)
    sheet.set_column(4, 4, 40)
    sheet.set_column(5, 7, 14)
    sheet.set_column(8, 8, 40)
    returned = {r.key: r for r in returns}
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
        if change.key in returned:
            version = returned[change.key].version
            sheet.write_string(
                row, 8, f"brings back the amount rejected in v{version}", styles["changed"]
            )
    sheet.freeze_panes(1, 0)
