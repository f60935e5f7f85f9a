"""Write the approver's review workbook (xlsxwriter): decision cells, the Summary, every line,
for a re-send the earlier reasons and the changed lines, highlighted, and after the ERP
refused the version's file, that refusal at the top. No formulas, only values; the figures
written are fingerprinted as they are written, so a saved copy can be held to them."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.adapters.layouts.review import (
    DECISION_NAMES,
    LINE_HEADERS,
    LINES_SHEET,
    META_SHEET,
    REVIEW_PROPERTY,
)
from pipeline.adapters.layouts.review_figures import SheetDigest
from pipeline.adapters.writing.figures_recorder import FiguresRecorder, streamed_texts
from pipeline.adapters.writing.review_resend_sheets import changes_sheet, reasons_sheet
from pipeline.adapters.writing.review_texts import (
    REVIEW_WIDTH,
    instructions,
    route_facts,
    version_text,
)
from pipeline.adapters.writing.sheet_rows import (
    Cell,
    column_letters,
    row_xml,
    splice_rows,
)
from pipeline.adapters.writing.summary_sheet import summary_sheet
from pipeline.adapters.writing.text_fit import (
    BOLD,
    TITLE,
    fit_row,
    footer,
    label_width,
    print_as_report,
)
from pipeline.adapters.writing.xlsx_styles import (
    PROTECTION,
    SAFE_OPTIONS,
    make_styles,
    write_text,
    write_value,
)
from pipeline.domain.changes import ChangeKind, LineChange
from pipeline.domain.local_time import local_time
from pipeline.domain.rejected_amounts import describe_returns
from pipeline.domain.review import Verdict
from pipeline.domain.review_figures import ReviewFigures
from pipeline.domain.summary_figures import summarise
from pipeline.domain.text import clean_text
from pipeline.services.ports import ReviewContent

IN_MEMORY_ROWS = 5_000


def write_review_workbook(content: ReviewContent, target: Path) -> ReviewFigures:
    """Write the review workbook for one submitted version to ``target``; the fingerprint of
    the figures it shows."""
    shown = (
        content.resend.changes
        if content.resend
        else (content.change.changes if content.change else [])
    )
    # The rows xlsxwriter writes itself are the changes' (every line's are spliced in after):
    # with few, the workbook is assembled in memory and written once, its Lines rows with it.
    rows = sum(len(c.changes) for c in (content.resend, content.change) if c is not None)
    in_memory = io.BytesIO() if rows <= IN_MEMORY_ROWS else None
    book = FiguresRecorder(xlsxwriter.Workbook(in_memory or str(target), _options(rows)))
    styles = make_styles(book)
    warnings = _warnings(content)
    _review_sheet(book, styles, content, warnings)
    summary = content.summary or summarise(content.document.lines)
    summary_sheet(book, styles, summary, content.submission.version, len(warnings))
    changed = {c.key: c for c in shown}
    _lines_sheet(book, styles, content, changed)
    if content.resend:
        reasons_sheet(book, styles, content)
        changes_sheet(book, styles, content.resend.changes, returns=content.resend.returns)
    if content.change:
        title = "Changes since export" if content.resend else "Changes"
        changes_sheet(book, styles, content.change.changes, title, content.change.returns)
    _meta_sheet(book, content, [styles[name] for name in ("money", "changed", "changed_money")])
    for sheet in book.worksheets():  # each printed page says which review it belongs to
        footer(sheet, f"{_title(content)}, version {content.submission.version}: {sheet.name}")
    book.close()
    lines = content.document.lines
    if not lines:
        if in_memory:
            target.write_bytes(in_memory.getvalue())
        return book.figures()
    letters = column_letters(len(LINE_HEADERS))
    splice_rows(
        target,
        LINES_SHEET_INDEX,
        _line_rows(content, changed, styles, letters, book.digest(LINES_SHEET)),
        f"{letters[-1]}{len(lines) + 1}",
        in_memory,
    )
    return book.figures()


LINES_SHEET_INDEX = 3  # Review, Summary, Lines: the order the sheets are added in


def _warnings(content: ReviewContent) -> list[str]:
    """Every warning in one list: the checks' (lists not checked, amounts rounded, flagged
    lines left as they were, a failed import) and the amounts that a rejection turned down
    coming back."""
    returns = [
        *(content.resend.returns if content.resend else []),
        *(content.change.returns if content.change else []),
    ]
    return [str(warning) for warning in content.warnings] + describe_returns(returns)


def _options(rows: int) -> dict[str, bool]:
    """A workbook with few changes is assembled in memory: constant_memory's temporary file
    for every part was a third of a 200-line review workbook's time. One with many keeps
    constant_memory, so that its Changes sheets do not grow the daemon (the Lines sheet is
    streamed in afterwards either way)."""
    if rows <= IN_MEMORY_ROWS:
        return {**SAFE_OPTIONS, "constant_memory": False, "in_memory": True}
    return SAFE_OPTIONS


def _meta_sheet(book: Any, content: ReviewContent, streamed: list[Any]) -> None:
    """What ties the workbook to its issue, kept twice: Excel and LibreOffice both keep a
    hidden sheet and custom document properties when they save. The formats the streamed
    Lines rows refer to are used here once, so xlsxwriter writes them into the styles."""
    meta = book.add_worksheet(META_SHEET)
    for row, (key, value) in enumerate(
        (
            ("project_number", content.submission.project_number),
            ("version", str(content.submission.version)),
            ("review_id", content.token),
        )
    ):
        meta.write_string(row, 0, key)
        meta.write_string(row, 1, value)
    for col, style in enumerate(streamed):
        meta.write_blank(4, col, None, style)
    meta.hide()
    if content.token:
        book.set_custom_property(REVIEW_PROPERTY, content.token)


def _review_sheet(
    book: Any, styles: dict[str, Any], content: ReviewContent, warnings: list[str]
) -> None:
    """Who sent what, the decision cells, what to do and the warnings: everything the
    approver needs on the first page printed; each text on as many lines as it takes."""
    doc, sub = content.document, content.submission
    title = _title(content)
    sheet = print_as_report(book.add_worksheet("Review"), title)
    facts: list[tuple[str, Any]] = [
        ("Project Number", doc.project_number),
        ("Project Name", doc.project_name),
        ("Version", version_text(content)),
        ("Sent by", sub.sender),
        ("Sent at", local_time(sub.at, content.time_zone)),
        ("Source file", sub.file_name),
        ("Lines", len(doc.lines)),
        ("Total of lines", doc.total),
        ("Budget Total (stated)", doc.stated_total if doc.stated_total is not None else ""),
        *route_facts(content),
    ]
    labels = [label for label, _ in facts] + list(DECISION_NAMES)
    widths = (label_width([*labels, "Warnings"], REVIEW_WIDTH[0]), REVIEW_WIDTH[1])
    sheet.set_column(0, 0, widths[0])
    sheet.set_column(1, 1, widths[1])
    fit_row(sheet, 0, [(title, sum(widths))], TITLE)
    sheet.merge_range(0, 0, 0, 1, title, styles["title_wrap"])
    row = 2
    if content.refusal is not None:  # the first thing the approver reads, above everything
        headline = clean_text(content.refusal.headline)
        fit_row(sheet, 1, [(headline, sum(widths))], BOLD)
        sheet.merge_range(1, 0, 1, 1, headline, styles["alert"])
        row = 3
    for label, value in facts:
        sheet.write_string(row, 0, label, styles["label"])
        if isinstance(value, str):
            fit_row(sheet, row, [(clean_text(value), widths[1])])
            write_text(sheet, row, 1, value, styles["wrap"])
        else:
            write_value(sheet, row, 1, value, styles["money"])
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
    for text in instructions(content):
        fit_row(sheet, row, [(text, widths[1])])
        sheet.write_string(row, 1, text, styles["wrap"])
        row += 1
    if warnings:
        row += 1
        sheet.write_string(row, 0, "Warnings", styles["label"])
        for warning in warnings:
            fit_row(sheet, row, [(clean_text(warning), widths[1])])
            write_text(sheet, row, 1, warning, styles["warn"])
            row += 1
    sheet.protect("", PROTECTION)
    sheet.activate()


def _title(content: ReviewContent) -> str:
    doc = content.document
    return clean_text(f"Budget review: {doc.project_number} {doc.project_name}".strip())


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


def _lines_sheet(
    book: Any, styles: dict[str, Any], content: ReviewContent, changes: dict[Any, LineChange]
) -> None:
    """The sheet of every line, empty here but for its header: the rows are streamed into it
    after xlsxwriter closes the workbook (``_line_rows``)."""
    sheet = print_as_report(book.add_worksheet(LINES_SHEET), _title(content), (0, 0))
    widths = (6, 10, 12, 10, 40, 10, 6, 12, 14, 22, 14, 40)
    for col, width in enumerate(map(label_width, ([h] for h in LINE_HEADERS), widths)):
        style = styles["open"] if col >= 10 else styles["money"] if col in (7, 8) else None
        sheet.set_column(col, col, width, style)
    for col, title in enumerate(LINE_HEADERS):
        sheet.write_string(0, col, title, styles["head"])
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


def _line_rows(
    content: ReviewContent,
    changes: dict[Any, LineChange],
    styles: dict[str, Any],
    letters: list[str],
    figures: SheetDigest,
) -> Iterator[str]:
    """The Lines sheet's rows; changed lines highlighted, amounts in the money format; each
    taken into the sheet's figures as the cells will read."""
    money = styles["money"].xf_index
    plain = [0] * 7 + [money, money, 0]
    changed_row = (
        [styles["changed"].xf_index] * 7
        + [styles["changed_money"].xf_index] * 2
        + [styles["changed"].xf_index]
    )
    for number, line in enumerate(content.document.lines, start=2):
        change = changes.get(line.key)
        cells: list[Cell] = [
            line.row,
            line.sub_job,
            line.cost_code,
            line.cost_type,
            line.description,
            None if line.unit_qty is None else float(line.unit_qty),
            line.uom,
            None if line.unit_cost is None else float(line.unit_cost),
            float(line.amount),
            _change_text(change) if change else None,
        ]
        figures.add_texts(number - 1, streamed_texts(cells))
        yield row_xml(number, cells, changed_row if change else plain, letters)


def _change_text(change: LineChange) -> str:
    """``amount changed (+2,000.00)``, then what moved: ``; quantity 100 -> 120``."""
    text = str(change.kind)
    if change.kind is ChangeKind.AMOUNT:
        text = f"amount changed ({change.delta:+,.2f})"
    return "; ".join([text, *change.what_moved()])
