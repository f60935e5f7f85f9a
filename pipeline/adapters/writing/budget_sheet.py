"""The workbooks we give admins a version back in (the one rejected, the one in force in the
ERP): the stored version in the input layout on a *Budget* sheet, live (Budget Total a SUM,
amounts quantity x unit cost where they are), with the ERP-list dropdowns and the mark of
the version it holds. Dropping the workbook, or a copy, sends it again.

xlsxwriter writes everything but the lines, in memory; the lines are streamed in as XML
(``sheet_rows``), as the review workbook's are: xlsxwriter's per-cell API took 40 s for a
200,000-line budget, written after every export."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import xlsxwriter

from pipeline.adapters.layouts.version_mark import VERSION_PROPERTY
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.input_layout import (
    LINE_HEADERS,
    MONEY,
    add_dropdowns,
    amount_formula,
    amount_is_product,
    last_row,
    set_columns,
    total_formula,
)
from pipeline.adapters.writing.sheet_rows import column_letters, splice_rows, xml_text
from pipeline.adapters.writing.text_fit import print_as_report, row_height
from pipeline.adapters.writing.xlsx_styles import SAFE_OPTIONS, write_text
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey
from pipeline.domain.version_mark import VersionMark

TABLE_ROW = 5  # 0-based row of the line table's header; the lines start on Excel row 7
FLAGGED = "#F8CBAD"
NOTE_WIDTH = 50
BUDGET_SHEET_INDEX = 1  # the first sheet added
Notes = tuple[str, Mapping[LineKey, str]]  # a column's title, and the note of each line noted


def write_budget_workbook(
    target: Path,
    document: BudgetDocument,
    mark: VersionMark,
    rules: ValidationRules | None = None,
    notes: Notes = ("", {}),
    remark: str = "",
    more: Callable[[Any], None] | None = None,
) -> None:
    """Write ``document``, version ``mark``, into ``target``; ``rules`` gives the ERP lists for
    the dropdowns (none without it); ``notes`` a column of notes beside the lines that have
    one (highlighted); ``remark`` a line of text above the table; ``more`` adds sheets."""
    written = io.BytesIO()
    options = {**SAFE_OPTIONS, "constant_memory": False, "in_memory": True}
    book = xlsxwriter.Workbook(written, options)
    formats = _formats(book)
    title = f"Budget {document.project_number} {document.project_name}, version {mark.version}"
    sheet = print_as_report(book.add_worksheet("Budget"), title, (TABLE_ROW, TABLE_ROW))
    first = TABLE_ROW + 2  # Excel row of the first line
    last = last_row(first, len(document.lines))
    _header(sheet, formats, document, total_formula(first, last))
    if remark:  # not beside a label: the reader would take it for the label's value
        write_text(sheet, TABLE_ROW - 1, 3, remark, formats["remark"])
    note_title, by_line = notes
    headings = (*LINE_HEADERS, note_title) if note_title else LINE_HEADERS
    for col, heading in enumerate(headings):
        sheet.write_string(TABLE_ROW, col, heading, formats["head"])
    set_columns(sheet, formats, note_width=NOTE_WIDTH if note_title else 0)
    sheet.freeze_panes(TABLE_ROW + 1, 0)
    add_dropdowns(
        book, sheet, rules or ValidationRules(), document.project_number, (first - 1, last - 1)
    )
    book.set_custom_property(VERSION_PROPERTY, str(mark))
    if more is not None:
        more(book)
    sheet.activate()
    styles = _numbered(formats)
    book.close()
    letters = column_letters(len(headings))
    rows = _line_rows(document.lines, first, by_line, styles, letters)
    end = f"{letters[-1]}{first + len(document.lines) - 1}" if document.lines else "A1"
    splice_rows(target, BUDGET_SHEET_INDEX, rows, end, written)


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
        "flagged_note": book.add_format(
            {"bg_color": FLAGGED, "num_format": "@", "text_wrap": True, "valign": "top"}
        ),
    }


def _numbered(formats: dict[str, Any]) -> dict[str, int]:
    """The style number of each format the streamed rows use. xlsxwriter numbers a format
    when a cell it writes uses one, and writes only those into the styles; no cell of its
    own uses a flagged line's, so they are numbered here, before the workbook is closed."""
    return {
        name: 0 if fmt is None else int(fmt._get_xf_index())
        for name, fmt in formats.items()
        if name in ("text", "money", "number") or name.startswith("flagged_")
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


def _line_rows(
    lines: Sequence[BudgetLine],
    first: int,
    notes: Mapping[LineKey, str],
    styles: dict[str, int],
    letters: Sequence[str],
) -> Iterator[str]:
    """One ``<row>`` per line from Excel row ``first``: text stays text (inline strings,
    cleaned), numbers stay numbers, and the amount is the formula quantity x unit cost, with
    its value, only where it equals that product to the cent. A note wraps, its row as tall
    as it needs; other rows keep the default height."""
    plain = (styles["text"], styles["money"], styles["number"])
    flagged = (styles["flagged_text"], styles["flagged_money"], styles["flagged_number"])
    for number, line in enumerate(lines, start=first):
        note = notes.get(line.key)
        text, money, qty = plain if note is None else flagged
        n = str(number)
        height = None if note is None else row_height([(note, NOTE_WIDTH)])
        high = "" if height is None else f' ht="{height}" customHeight="1"'
        parts = ['<row r="', n, '"', high, ">"]
        parts += _text("A", n, text, line.sub_job)
        parts += _text("B", n, text, line.cost_code)
        parts += _text("C", n, text, line.cost_type)
        parts += _text("D", n, text, line.description)
        parts += _number("E", n, qty, line.unit_qty)
        parts += _text("F", n, text, line.uom)
        parts += _number("G", n, money, line.unit_cost)
        amount = repr(float(line.amount))
        if amount_is_product(line):
            formula = xml_text(amount_formula(number).removeprefix("="))
            parts += ('<c r="H', n, f'" s="{money}"><f>', formula, "</f><v>", amount, "</v></c>")
        else:
            parts += ('<c r="H', n, f'" s="{money}"><v>', amount, "</v></c>")
        if note is not None:
            parts += _text(letters[len(LINE_HEADERS)], n, styles["flagged_note"], note)
        parts.append("</row>")
        yield "".join(parts)


def _text(letter: str, row: str, style: int, words: str) -> tuple[str, ...]:
    """A text cell, or a blank one that keeps its style (a code typed there stays text)."""
    words = xml_text(words)
    if not words:
        return ('<c r="', letter, row, f'" s="{style}"/>')
    space = ' xml:space="preserve"' if words[:1].isspace() or words[-1:].isspace() else ""
    return (
        '<c r="',
        letter,
        row,
        f'" s="{style}" t="inlineStr"><is><t',
        space,
        ">",
        words,
        "</t></is></c>",
    )


def _number(letter: str, row: str, style: int, value: Any) -> tuple[str, ...]:
    if value is None:
        return ('<c r="', letter, row, f'" s="{style}"/>') if style else ()
    return ('<c r="', letter, row, f'" s="{style}"><v>', repr(float(value)), "</v></c>")
