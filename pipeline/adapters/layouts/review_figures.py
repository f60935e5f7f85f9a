"""How the cells of a review workbook are fingerprinted, the same for its writer (from the values
it writes) and its reader (from the values calamine reads back from a saved copy).

* A cell is its text in one canonical form: text as it is; a number to 15 significant digits,
  the most Excel and LibreOffice show and what either keeps through a save (``1E5`` and
  ``100000``, an integer and its float, are one figure; 95000.5 and 9500.05 are two); a
  blank, ``""``. Where a number stands makes no difference to whether it is a number: a
  figure typed as text reads the same to the approver.
* Left out: the cells the approver fills, that is the defined names' Decision, Reason and
  Approver, and the Lines sheet's Line Decision and Line Note below its header.
* A sheet's digest is the sha256 of its rows' digests, sorted: sorting or filtering the rows
  changes nothing the approver reads; a figure or text that changes, moves to another row,
  appears or goes changes the digest. Blank rows count for nothing.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from pipeline.adapters.layouts.review import LINE_HEADERS, LINES_SHEET
from pipeline.domain.review_figures import SheetFigures

LINE_DECISION_COLUMNS = (LINE_HEADERS.index("Line Decision"), LINE_HEADERS.index("Line Note"))
NUMBER_FORMAT = "%.15g"  # LibreOffice writes 15 significant digits, Excel 17, xlsxwriter 16
_CELL = re.compile(r"^=?'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def cell_text(value: object) -> str:
    """A cell's value in the fingerprint's canonical form ("" for a blank cell)."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float | Decimal):
        # + 0.0 makes -0.0 the 0 LibreOffice writes for it
        return NUMBER_FORMAT % (float(value) + 0.0)
    isoformat = getattr(value, "isoformat", None)  # a date or time a cell's format made
    return str(isoformat()) if callable(isoformat) else str(value)


def decision_cell(reference: str) -> str:
    """``=Review!$B$14`` (a defined name's formula) as ``Review!B14``; "" if not one cell."""
    match = _CELL.match(reference.strip())
    return f"{match['sheet']}!{match['col']}{match['row']}" if match else ""


class SheetDigest:
    """The fingerprint of one sheet, fed one row at a time, in any order."""

    def __init__(self, sheet: str, decision_cells: Mapping[str, str]) -> None:
        self.sheet = sheet
        self._open: dict[int, list[int]] = {}
        self._open_columns = LINE_DECISION_COLUMNS if sheet == LINES_SHEET else ()
        self._rows: list[str] = []
        self._extent = 0
        self.leave_open(decision_cells)

    def leave_open(self, decision_cells: Mapping[str, str]) -> None:
        """Leave out the decision cells on this sheet (``Review!B14``...)."""
        self._open = {}
        for cell in decision_cells.values():
            position = _position(cell, self.sheet)
            if position is not None:
                self._open.setdefault(position[0], []).append(position[1])

    def texts(self, index: int, values: Sequence[object]) -> list[str]:
        """Row ``index`` (0-based) as the fingerprint reads it: canonical texts, the cells the
        approver fills blanked, no blank cell at its end."""
        # Inline for text and floats, what nearly every cell is: this runs for each cell of a
        # 200,000-line sheet on every save read.
        texts = [
            value
            if type(value) is str
            else NUMBER_FORMAT % (value + 0.0)
            if type(value) is float
            else cell_text(value)
            for value in values
        ]
        return self._left_open(index, texts)

    def add(self, index: int, values: Sequence[object]) -> None:
        """Take row ``index`` (0-based) into the digest."""
        self.add_texts(index, self.texts(index, values))

    def add_texts(self, index: int, texts: list[str]) -> None:
        """Take row ``index`` (0-based), already in canonical texts (``cell_text``), into the
        digest: the fast way for a writer that knows what each cell is."""
        texts = self._left_open(index, texts)
        if texts:
            # The repr of a list of str is unambiguous (no text can pass for two cells) and
            # holds no line break.
            self._rows.append(repr(texts))
            self._extent = max(self._extent, index + 1)

    def _left_open(self, index: int, texts: list[str]) -> list[str]:
        """``texts`` with the cells the approver fills blanked and no blank cell at its end."""
        width = len(texts)
        if index:
            for column in self._open_columns:
                if column < width:
                    texts[column] = ""
        for column in self._open.get(index, ()):
            if column < width:
                texts[column] = ""
        while texts and not texts[-1]:
            texts.pop()
        return texts

    def add_rows(self, rows: Iterable[Sequence[object]]) -> None:
        """Take a whole sheet's rows, from its first, into the digest."""
        for index, values in enumerate(rows):
            self.add(index, values)

    def figures(self) -> SheetFigures:
        """The digest of every row taken, and how far down the sheet they reach."""
        self._rows.sort()
        digest = hashlib.sha256("\n".join(self._rows).encode("utf-8", "surrogatepass"))
        return SheetFigures(digest.hexdigest(), self._extent)


def _position(cell: str, sheet: str) -> tuple[int, int] | None:
    """The 0-based (row, column) of ``Sheet!B14`` when it is on ``sheet``."""
    match = _CELL.match(cell)
    if match is None or match["sheet"] != sheet:
        return None
    column = 0
    for letter in match["col"]:
        column = column * 26 + ord(letter) - 64
    return int(match["row"]) - 1, column - 1
