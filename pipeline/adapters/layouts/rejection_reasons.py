"""The *Rejection Reasons* sheet of the workbook handed back: each reason and flagged line with a
Response cell for the admin's answer, written here and read back when the workbook returns."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from pipeline.adapters.writing.text_fit import fit_row, print_as_report
from pipeline.domain.budget import ReasonResponse
from pipeline.domain.local_time import local_time
from pipeline.domain.review import Rejection
from pipeline.domain.text import clean_text

SHEET = "Rejection Reasons"
COLUMNS = ("Line", "Reason", "Response")
HEADER_ROW = 4  # 0-based
WIDTHS = (20, 60, 60)  # Line, Reason, Response
ANSWER_LINES = 3  # room to write a Response in, before the reader widens the row
MAX_RESPONSE = 2000  # characters kept of one response, as of an ERP's message
INSTRUCTIONS = (
    "To re-send: correct the budget on the 'Budget' sheet, or write your answer in the "
    "Response column beside each reason you leave as it is; then drop this workbook into "
    "inbox/.",
    "A flagged line must change or be answered. Re-sending the same numbers needs a "
    "Response beside every reason; the approver reads the responses beside the reasons.",
)


def next_change(current: str) -> str:
    """Where the change after this one starts: not from this workbook, which stays as it
    was rejected, but from the budget in force."""
    return (
        f"Once this budget is in the ERP, current/{current} holds it: start the next change "
        "from that workbook (a copy of it), not from this one."
    )


def reasons_sheet(
    book: Any, rejection: Rejection, current: str = "", time_zone: str = "UTC"
) -> None:
    """Write the sheet: a title, how to answer, then Line | Reason | Response per reason;
    ``current`` names the workbook of the budget in force, to start the next change from;
    the rejection's time is shown in ``time_zone``, the workspace's. Each text wraps in a
    row as tall as it needs; it prints one page wide."""
    title = clean_text(
        f"Version {rejection.version} rejected by {rejection.approver} "
        f"on {local_time(rejection.at, time_zone)}"
    )
    sheet = print_as_report(book.add_worksheet(SHEET), title, (HEADER_ROW, HEADER_ROW))
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    answer = book.add_format(
        {"bg_color": "#FFF2CC", "border": 1, "text_wrap": True, "valign": "top"}
    )
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.write_string(0, 0, title, bold)
    told = [*INSTRUCTIONS, next_change(current)] if current else list(INSTRUCTIONS)
    for row, text in enumerate(told, start=1):  # across the three columns, wrapped
        fit_row(sheet, row, [(text, sum(WIDTHS))])
        sheet.merge_range(row, 0, row, len(WIDTHS) - 1, text, wrap)
    for col, title in enumerate(COLUMNS):
        sheet.write_string(HEADER_ROW, col, title, head)
    rows = [("", reason) for reason in rejection.reasons]
    rows += [(str(flag.key), flag.note or "(no note)") for flag in rejection.flags]
    for row, (line, reason) in enumerate(rows, start=HEADER_ROW + 1):
        # cleaned as every text we show is; the admin's Response is matched by these words
        # read back with the same cleaning (text_of keeps cleaned text as it is)
        cells = [(clean_text(line), WIDTHS[0]), (clean_text(reason), WIDTHS[1])]
        fit_row(sheet, row, cells, least=ANSWER_LINES)
        if line:
            sheet.write_string(row, 0, clean_text(line), wrap)
        sheet.write_string(row, 1, clean_text(reason), wrap)
        sheet.write_blank(row, 2, None, answer)
    sheet.freeze_panes(HEADER_ROW + 1, 0)


def read_responses(
    rows: Sequence[Sequence[Any]], text: Callable[[Any], str]
) -> tuple[ReasonResponse, ...]:
    """The non-blank Responses of the sheet's rows (as calamine gives them), each with the
    Line and Reason beside it; ``text`` turns a cell into the text a person sees. A sheet
    that lost its Reason or Response title gives none."""
    header = next(
        (
            (index, titles)
            for index, titles in enumerate(_titles(row) for row in rows)
            if "reason" in titles and "response" in titles
        ),
        None,
    )
    if header is None:
        return ()
    index, titles = header
    line, reason, response = titles.get("line"), titles["reason"], titles["response"]
    width = max(col for col in (line, reason, response) if col is not None) + 1
    found: list[ReasonResponse] = []
    for row in rows[index + 1 :]:
        cells = [*row, *[""] * (width - len(row))]
        answer = text(cells[response])
        if answer:
            beside = text(cells[line]) if line is not None else ""
            found.append(ReasonResponse(beside, text(cells[reason]), _bounded(answer)))
    return tuple(found)


def _bounded(answer: str) -> str:
    """At most MAX_RESPONSE characters of an answer, saying so when it was cut."""
    if len(answer) <= MAX_RESPONSE:
        return answer
    return f"{answer[:MAX_RESPONSE]}... [cut at {MAX_RESPONSE:,} of {len(answer):,} characters]"


def _titles(row: Sequence[Any]) -> dict[str, int]:
    """A row's text cells as labels (case, spaces and punctuation aside) -> their column."""
    return {
        re.sub(r"[^a-z0-9]", "", value.casefold()): col
        for col, value in enumerate(row)
        if isinstance(value, str)
    }
