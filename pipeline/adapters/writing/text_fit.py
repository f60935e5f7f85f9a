"""Text that fits its cell, and sheets that print like a report: the one place that sizes rows
and columns for the texts we write, and sets up how a sheet prints.

xlsxwriter cannot measure text, and a row given no height keeps one line's in LibreOffice
(wrapped text then prints over the next row), so heights are estimated from characters per
line, generously: a column's width counts the default font's digits, and the font a reader
has in place of Calibri (DejaVu Sans on a Linux desktop) is wider. Only rows whose text wraps
get a height; a row of short texts keeps the default, so a 200,000-line sheet costs nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

LINE_POINTS = 15.0  # the height of a line of 11-point text
MAX_ROW_POINTS = 409.0  # Excel's highest row
# The characters of 11-point text that fit on a line, per unit of column width: under one,
# for the wider fonts that stand in for Calibri and for a cell's margins.
FILL = 0.78
BOLD = 1.12  # bold text is this much wider
TITLE = 1.4  # a 14-point title
COLUMN_MARGIN = 2.0  # characters of width beyond a label's, for the cell's margins


def lines_needed(text: str, width: float, scale: float = 1.0) -> int:
    """How many lines ``text`` wraps to in a column ``width`` characters wide, word by word
    as a spreadsheet wraps it (a word longer than a line breaks); ``scale``: how much wider
    than 11-point text the font is (``BOLD``, ``TITLE``)."""
    per_line = max(1, int(width * FILL / scale))
    if len(text) <= per_line and "\n" not in text:  # most texts: no need to wrap word by word
        return 1
    count = 0
    for paragraph in text.split("\n"):
        lines, used = 1, 0
        for word in paragraph.split():
            if used and used + 1 + len(word) <= per_line:
                used += 1 + len(word)
                continue
            if used:
                lines += 1
            used = len(word)
            while used > per_line:  # a word longer than the line breaks inside
                lines += 1
                used -= per_line
        count += lines
    return count


def row_height(
    cells: Iterable[tuple[str, float]], scale: float = 1.0, least: int = 1
) -> float | None:
    """The height of a row whose wrapped cells are ``cells`` (text, width in characters) and
    that shows at least ``least`` lines, or None for one line: the row keeps its default."""
    shown = (lines_needed(text, width, scale) for text, width in cells if text)
    most = max([least, *shown])
    if most <= 1:
        return None
    return min(MAX_ROW_POINTS, LINE_POINTS * scale * most + 4)


def fit_row(
    sheet: Any, row: int, cells: Iterable[tuple[str, float]], scale: float = 1.0, least: int = 1
) -> None:
    """Make ``row`` tall enough for its wrapped ``cells`` (text, width) and ``least`` lines;
    call it before the row's cells are written (a sheet in constant_memory mode has flushed
    earlier rows)."""
    height = row_height(cells, scale, least)
    if height is not None:
        sheet.set_row(row, height)


def label_width(labels: Iterable[str], minimum: float = 0.0, scale: float = BOLD) -> float:
    """A column wide enough to show each of ``labels`` (bold, by default) on one line."""
    widest = max((len(label) for label in labels), default=0)
    return max(minimum, round(widest * scale / FILL + COLUMN_MARGIN, 1))


def print_as_report(sheet: Any, title: str, header_rows: tuple[int, int] | None = None) -> Any:
    """Print ``sheet`` as a report: landscape, every column on one page wide, the rows
    ``header_rows`` (first, last; 0-based) repeated on each page, ``title`` and the page
    numbers in the footer. Returns the sheet."""
    sheet.set_landscape()
    sheet.fit_to_pages(1, 0)
    if header_rows is not None:
        sheet.repeat_rows(*header_rows)
    sheet.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.7)
    footer(sheet, title)
    return sheet


def footer(sheet: Any, title: str) -> None:
    """``title`` at the foot of each printed page, left, and "Page 2 of 5" right."""
    shown = title.replace("&", "&&")[:120]  # "&" starts a footer code; Excel keeps 255
    sheet.set_footer(f"&L{shown}&RPage &P of &N")
