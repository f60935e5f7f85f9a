"""The re-send sheets of the review workbook: earlier reasons with their status and the admin's
responses; changed lines, noting those that bring back an amount rejected before."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from pipeline.adapters.writing.text_fit import fit_row, label_width, print_as_report
from pipeline.adapters.writing.xlsx_styles import write_text
from pipeline.domain.changes import LineChange, ReasonStatus, ReturnedAmount
from pipeline.domain.local_time import local_time
from pipeline.domain.rejected_amounts import describe_returns
from pipeline.domain.text import clean_text
from pipeline.services.ports import ReviewContent


def reasons_sheet(book: Any, styles: dict[str, Any], content: ReviewContent) -> None:
    """Each earlier reason with the admin's Response beside it and whether the re-send looks
    to address it; then the changed lines that bring back an amount rejected before."""
    assert content.resend is not None
    rejection = content.resend.rejection
    title = (
        f"Version {rejection.version} rejected by {rejection.approver} "
        f"on {local_time(rejection.at, content.time_zone)}"
    )
    sheet = print_as_report(book.add_worksheet("Earlier Reasons"), clean_text(title), (2, 2))
    widths = REASON_WIDTHS
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width, styles["wrap"])
    write_text(sheet, 0, 0, title, styles["title"])
    for col, title in enumerate(("Reason", "Response", "Line", "Status", "Why")):
        sheet.write_string(2, col, title, styles["head"])
    row = 3
    for review in content.resend.reasons:
        addressed = review.status is ReasonStatus.ADDRESSED
        style = styles["wrap"] if addressed else styles["changed_wrap"]
        cells = [
            clean_text(text)
            for text in (
                review.reason,
                review.response,
                str(review.line) if review.line else "",
                str(review.status),
                review.explanation,
            )
        ]
        fit_row(sheet, row, zip(cells, widths, strict=True))
        for col, text in enumerate(cells):
            sheet.write_string(row, col, text, style)
        row += 1
    for sentence in describe_returns(content.resend.returns):
        cells = [clean_text(sentence), "", "", str(ReasonStatus.CHECK), RETURNED]
        fit_row(sheet, row, zip(cells, widths, strict=True))
        for col, text in enumerate(cells):
            sheet.write_string(row, col, text, styles["changed_wrap"])
        row += 1


REASON_WIDTHS = (50, 50, 14, 16, 28)  # Reason, Response, Line, Status, Why
RETURNED = "an amount rejected before"
CHANGES_HEADERS = (
    "Change",
    "Sub Job",
    "Cost Code",
    "Cost Type",
    "Description",
    "Old Qty",
    "New Qty",
    "UoM",
    "Old Unit Cost",
    "New Unit Cost",
    "Old Amount",
    "New Amount",
    "Difference",
    "Note",
)
CHANGES_WIDTHS = (18, 8, 10, 8, 40, 10, 10, 6, 12, 12, 14, 14, 14, 40)


def changes_sheet(
    book: Any,
    styles: dict[str, Any],
    changes: list[LineChange],
    title: str = "Changes",
    returns: Sequence[ReturnedAmount] = (),
) -> None:
    """Every added, removed and changed line, highlighted, with old and new quantity, unit
    cost and amount, and a note on each that brings back an amount rejected before."""
    sheet = print_as_report(book.add_worksheet(title), title, (0, 0))
    widths = [
        label_width([heading], width)
        for heading, width in zip(CHANGES_HEADERS, CHANGES_WIDTHS, strict=True)
    ]
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    returned = {r.key: r for r in returns}
    for col, heading in enumerate(CHANGES_HEADERS):
        sheet.write_string(0, col, heading, styles["head"])
    if not changes:
        sheet.write_string(1, 0, "no line changed")
    changed, money = styles["changed_wrap"], styles["changed_money"]
    for row, change in enumerate(changes, start=1):
        line = change.new or change.old
        assert line is not None
        old, new = change.old, change.new
        note = ""
        if change.key in returned:
            note = f"brings back the amount rejected in v{returned[change.key].version}"
        texts = [
            clean_text(text)
            for text in (
                str(change.kind),
                line.sub_job,
                line.cost_code,
                line.cost_type,
                line.description,
            )
        ]
        # only the description and the note are long enough to wrap
        fit_row(sheet, row, ((texts[4], widths[4]), (note, widths[-1])))
        for col, text in enumerate(texts):
            sheet.write_string(row, col, text, changed)
        figures = (
            (old.unit_qty if old else None, changed),
            (new.unit_qty if new else None, changed),
            (line.uom, changed),
            (old.unit_cost if old else None, money),
            (new.unit_cost if new else None, money),
            (old.amount if old else None, money),
            (new.amount if new else None, money),
            (change.delta, money),
        )
        for col, (value, style) in enumerate(figures, start=5):
            _figure(sheet, row, col, value, style)
        if note:
            sheet.write_string(row, len(CHANGES_HEADERS) - 1, note, changed)
    sheet.freeze_panes(1, 0)


def _figure(sheet: Any, row: int, col: int, value: Decimal | str | None, style: Any) -> None:
    """A number as a number, a unit as text, a missing side blank (keeping the highlight)."""
    if value is None or value == "":
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, Decimal):
        sheet.write_number(row, col, float(value), style)
    else:
        write_text(sheet, row, col, value, style)
