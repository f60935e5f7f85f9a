"""The figures a review workbook is issued with, taken down while it is written: a stand-in for
xlsxwriter's workbook and its sheets that passes every call on and digests, sheet by sheet,
the values written (``layouts.review_figures``: the reader digests a saved copy the same way);
and the form in which rows streamed as XML, outside xlsxwriter, are digested.

Rows are digested as the writer leaves them; our writers write each sheet's rows in order (in
``constant_memory`` mode xlsxwriter itself drops a cell written to a row it has left), so a
write to a row left behind is a writer's mistake, and raises.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.adapters.layouts.review import DECISION_NAMES, META_SHEET
from pipeline.adapters.layouts.review_figures import (
    NUMBER_FORMAT,
    SheetDigest,
    cell_text,
    decision_cell,
)
from pipeline.adapters.writing.sheet_rows import Cell, sheet_text
from pipeline.domain.review_figures import ReviewFigures

XLSX_MAX_TEXT = 32767  # UTF-16 units: xlsxwriter cuts a longer text there, as Excel would


class FiguresRecorder:
    """xlsxwriter's Workbook, with every sheet but the hidden ``_meta`` one taken down."""

    def __init__(self, book: Any) -> None:
        self._book = book
        self._sheets: dict[str, RecordedSheet] = {}
        self._decision_cells: dict[str, str] = {}

    def add_worksheet(self, name: str) -> Any:
        """A new sheet, recorded (xlsxwriter's own for ``_meta``)."""
        sheet = self._book.add_worksheet(name)
        if name == META_SHEET:
            return sheet
        recorded = RecordedSheet(sheet, SheetDigest(name, self._decision_cells))
        self._sheets[name] = recorded
        return recorded

    def define_name(self, name: str, formula: str) -> Any:
        """Define the name; a decision cell's is left out of every sheet's figures."""
        if name in DECISION_NAMES:
            self._decision_cells[name] = decision_cell(formula)
            for sheet in self._sheets.values():
                sheet.digest.leave_open(self._decision_cells)
        return self._book.define_name(name, formula)

    def digest(self, sheet: str) -> SheetDigest:
        """The digest of a sheet whose rows are written outside xlsxwriter (streamed)."""
        return self._sheets[sheet].digest

    def figures(self) -> ReviewFigures:
        """The fingerprint of everything written: call once every row is in."""
        for sheet in self._sheets.values():
            sheet.flush()
        return ReviewFigures(
            {name: sheet.digest.figures() for name, sheet in self._sheets.items()},
            dict(self._decision_cells),
        )

    def __getattr__(self, name: str) -> Any:
        return getattr(self._book, name)


class RecordedSheet:
    """One of xlsxwriter's worksheets, each cell written also taken into its digest."""

    def __init__(self, sheet: Any, digest: SheetDigest) -> None:
        self._sheet, self.digest = sheet, digest
        self._row = -1
        self._cells: dict[int, object] = {}

    def write_string(self, row: int, col: int, string: str, cell_format: Any = None) -> Any:
        self._take(row, col, _as_written(string))
        return self._sheet.write_string(row, col, string, cell_format)

    def write_number(self, row: int, col: int, number: float, cell_format: Any = None) -> Any:
        self._take(row, col, number)
        return self._sheet.write_number(row, col, number, cell_format)

    def write_blank(self, row: int, col: int, blank: Any, cell_format: Any = None) -> Any:
        self._take(row, col, "")
        return self._sheet.write_blank(row, col, blank, cell_format)

    def write_url(
        self,
        row: int,
        col: int,
        url: str,
        cell_format: Any = None,
        string: str | None = None,
        tip: str | None = None,
    ) -> Any:
        shown = url.removeprefix("internal:") if string is None else string
        self._take(row, col, _as_written(shown))
        return self._sheet.write_url(row, col, url, cell_format, string, tip)

    def merge_range(
        self,
        first_row: int,
        first_col: int,
        last_row: int,
        last_col: int,
        data: Any,
        cell_format: Any = None,
    ) -> Any:
        self._take(first_row, first_col, _as_written(data) if isinstance(data, str) else data)
        return self._sheet.merge_range(first_row, first_col, last_row, last_col, data, cell_format)

    def __getattr__(self, name: str) -> Any:
        if name.startswith(("write", "insert_textbox")):
            # A way of putting something before the approver that is not fingerprinted: the
            # reader would see it and refuse every decision. Record it above first.
            raise AttributeError(f"{name} is not taken into the review's figures")
        return getattr(self._sheet, name)

    def flush(self) -> None:
        """Take the row being written into the digest."""
        if self._cells:
            values: list[object] = [""] * (max(self._cells) + 1)
            for col, value in self._cells.items():
                values[col] = value
            self.digest.add(self._row, values)
            self._cells = {}

    def _take(self, row: int, col: int, value: object) -> None:
        if row != self._row:
            if row < self._row:
                raise ValueError(
                    f"sheet {self.digest.sheet!r}: row {row + 1} written after row {self._row + 1}"
                )
            self.flush()
            self._row = row
        self._cells[col] = value


def streamed_texts(cells: Sequence[Cell]) -> list[str]:
    """A row streamed as XML (``sheet_rows.row_xml``), as a reader will find its cells, in
    the fingerprint's form (``cell_text``). Inline for printable texts and floats, what nearly
    every cell is: this runs for each cell of a 200,000-line sheet."""
    return [
        cell
        if type(cell) is str and cell.isprintable()
        else NUMBER_FORMAT % (cell + 0.0)
        if type(cell) is float
        else _streamed(cell)
        for cell in cells
    ]


def _streamed(cell: Cell) -> str:
    """A text as ``row_xml`` writes it (cleaned), blank for None, a number as ``cell_text``."""
    return sheet_text(cell) if isinstance(cell, str) else cell_text(cell)


def _as_written(text: str) -> str:
    """The text a cell holds once xlsxwriter has written it: cut at 32,767 UTF-16 units."""
    if len(text) <= XLSX_MAX_TEXT // 2:
        return text
    units = text.encode("utf-16-le")
    if len(units) <= 2 * XLSX_MAX_TEXT:
        return text
    return units[: 2 * XLSX_MAX_TEXT].decode("utf-16-le", errors="ignore")
