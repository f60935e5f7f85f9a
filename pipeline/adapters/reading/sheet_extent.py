"""Where a worksheet's cells reach, read from its XML before any reader lays it out as a grid.

python-calamine lays a sheet out from A1 to its farthest cell: one value at XFD1048576 makes
that grid 17 billion cells, and the allocation aborts the process (in the parse worker, or in
the daemon itself without isolation). The positions are read here as calamine reads them:
from a cell's ``r`` in either quote, in any attribute order, in either case, and for a cell
without ``r`` from its row and its place in the row.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Every <c> and <row> tag with its attributes; the tag's name and its r, when it has one.
_TAG = re.compile(rb"<(?:\w+:)?(c|row)(?=[\s/>])([^>]*)>")
_R = re.compile(rb"""\sr\s*=\s*["']([A-Za-z]*)([0-9]*)["']""")
# What a sheet needs for its grid to be large: a column of two letters or more, or a row of
# seven digits (in any quote, after any character: xmlns:r="http... does not match), an r
# spaced around its "=", or a cell without r. A sheet with none of these is known to be
# within A-Z and 999,999 rows from three searches, each led by a literal that the regular
# expression engine finds quickly, without looking at each cell in Python.
_UNUSUAL = (
    re.compile(rb"""r(?:=["'](?:[A-Za-z]{2,}[0-9]|[A-Za-z]?[0-9]{7})|\s+=|=\s)"""),
    re.compile(rb"<c(?=[\s/>])(?![^>]*?\sr\s*=)"),
    re.compile(rb":c(?=[\s/>])(?![^>]*?\sr\s*=)"),  # <x:c>, a prefixed cell
)
_SMALL_ROWS, _SMALL_COLUMNS = 999_999, 26
# What one cell of the grid costs while calamine lays it out and hands it to Python (its
# Rust value, then a slot in a Python list): about 42 bytes measured, rounded up.
BYTES_PER_CELL = 48


@dataclass(frozen=True)
class Position:
    """A cell's place: Excel row (from 1) and column (from 1), and its A1 reference."""

    row: int
    column: int

    @property
    def ref(self) -> str:
        """``XFD1048576``."""
        letters, column = "", self.column
        while column > 0:
            column, rest = divmod(column - 1, 26)
            letters = chr(65 + rest) + letters
        return f"{letters}{self.row}"


@dataclass(frozen=True)
class OversizedGrid:
    """A sheet whose grid from A1 would need more cells than the memory limit allows."""

    farthest: Position  # the cell that took the grid over the limit
    rows: int
    columns: int

    @property
    def cells(self) -> int:
        """How many cells the grid from A1 would have."""
        return self.rows * self.columns

    @property
    def mib(self) -> int:
        """About how much memory laying it out would take."""
        return self.cells * BYTES_PER_CELL // 2**20


def positions(xml: bytes) -> Iterator[Position]:
    """Each cell's position, in the sheet's order (a row tag without cells gives none)."""
    row = column = 0
    for match in _TAG.finditer(xml):
        ref = _R.search(match.group(2))
        if match.group(1) == b"row":
            row = int(ref.group(2)) if ref and ref.group(2) else row + 1
            column = 0
            continue
        if ref and ref.group(1) and ref.group(2):
            column = _column_number(ref.group(1))
            yield Position(int(ref.group(2)), column)
        else:  # calamine puts a cell without r in its row, right of the one before
            column += 1
            yield Position(max(row, 1), column)


def first_cell_outside(xml: bytes, max_row: int, max_column: int) -> str:
    """The first cell beyond ``max_row`` x ``max_column`` (columns from 1), or ""."""
    for position in positions(xml):
        if position.row > max_row or position.column > max_column:
            return position.ref
    return ""


def oversized_grid(xml: bytes, max_cells: int) -> OversizedGrid | None:
    """The grid this sheet would be laid out as, if it is over ``max_cells``; else None."""
    if max_cells >= _SMALL_ROWS * _SMALL_COLUMNS and not any(p.search(xml) for p in _UNUSUAL):
        return None
    rows = columns = 0
    for position in positions(xml):
        rows, columns = max(rows, position.row), max(columns, position.column)
        if rows * columns > max_cells:
            return OversizedGrid(position, rows, columns)
    return None


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters.upper():
        number = number * 26 + char - 64
    return number
