"""The figures of a saved review workbook, read as its writer fingerprinted them
(``layouts.review_figures``): their fingerprint, and, when it is not the one issued, which
cells differ from the review workbook issued (its bytes, kept in the archive).

Both read untrusted files in the parse worker: each sheet is bounded before calamine lays it
out as a grid (the rows issued plus room for an approver's notes, columns A-Z).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import python_calamine

from pipeline.adapters.layouts.review import DECISION_NAMES, LINES_SHEET, META_SHEET
from pipeline.adapters.layouts.review_figures import SheetDigest
from pipeline.adapters.reading.package_guard import inspect_package
from pipeline.adapters.reading.xlsx_parts import defined_names, scan_sheet
from pipeline.config import PackageLimits
from pipeline.domain.problems import cell_ref
from pipeline.domain.review_figures import (
    FIGURES_NAMED,
    FigureChange,
    FigureComparison,
    ReviewFigures,
    SheetFigures,
    Shown,
)
from pipeline.errors import UnreadableWorkbook

# How far a sheet of ours may reach: the rows we wrote plus room for an approver's notes,
# and no further than column Z. Anything beyond is refused, naming the cell.
SPARE_ROWS = 1000
MAX_COLUMNS = 26


@dataclass(frozen=True)
class BoundedSheet:
    """A sheet's cells as calamine reads them, once its XML showed nothing out of bounds; and
    the first cell holding a formula ("" when none does)."""

    rows: list[list[Any]]
    formula: str = ""


def read_bounds(
    sheets: Iterable[str], line_count: int, issued: ReviewFigures | None
) -> dict[str, int]:
    """How many rows of each sheet are read: Lines holds one row a line; the other sheets a
    few per warning at most, or, issued with a fingerprint, the rows issued; each with room
    to spare."""
    bounds = dict.fromkeys(sheets, 4 * (line_count + 1) + SPARE_ROWS)
    bounds[LINES_SHEET] = line_count + 1 + SPARE_ROWS
    for name, figures in (issued.sheets if issued else {}).items():
        bounds[name] = max(bounds.get(name, 0), figures.rows + SPARE_ROWS)
    return bounds


def bounded_sheet(path: Path, book: Any, sheet: str, max_row: int) -> BoundedSheet:
    """The sheet's cells, or UnreadableWorkbook naming a cell far outside the review."""
    scan = scan_sheet(path, sheet, max_row, MAX_COLUMNS)
    if scan.outside:
        raise UnreadableWorkbook(
            f"{path.name}: sheet {sheet!r} has something at {scan.outside}, far outside the "
            f"review (columns A-Z, rows 1-{max_row}); clear it and save the workbook again"
        )
    rows: list[list[Any]] = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return BoundedSheet(rows, scan.formula)


def saved_figures(
    sheet_names: Sequence[str],
    issued: ReviewFigures,
    decision_cells: Mapping[str, str],
    sheet: Callable[[str], BoundedSheet],
) -> ReviewFigures:
    """The fingerprint of a saved workbook's figures: each sheet issued that is still there,
    digested as it was issued (``sheet`` reads one); a sheet that was not issued is named,
    not read."""
    found: dict[str, SheetFigures] = {}
    formulas: list[str] = []
    for name in sheet_names:
        if name == META_SHEET:
            continue
        if name not in issued.sheets:
            found[name] = SheetFigures("", 0)
            continue
        cells = sheet(name)
        digest = SheetDigest(name, decision_cells)
        digest.add_rows(cells.rows)
        found[name] = digest.figures()
        if cells.formula:
            formulas.append(f"{name}!{cells.formula}")
    return ReviewFigures(found, dict(decision_cells), tuple(formulas))


def changed_cells(
    saved: Path,
    issued_copy: Path,
    issued: ReviewFigures,
    sheets: Sequence[str],
    limits: PackageLimits | None = None,
) -> FigureComparison:
    """The cells of ``sheets`` that read otherwise in the saved workbook than in the copy
    issued: the first few named (the first of each sheet among them), all counted. A row
    found elsewhere on its sheet (the rows were sorted) is not a change."""
    inspect_package(saved, limits or PackageLimits())
    try:
        names = defined_names(saved)
        saved_cells = {
            name: f"{sheet}!{ref}" for name, (sheet, ref) in names.items() if name in DECISION_NAMES
        }
        books = (
            python_calamine.CalamineWorkbook.from_path(str(issued_copy)),
            python_calamine.CalamineWorkbook.from_path(str(saved)),
        )
        found: list[list[FigureChange]] = []
        count = 0
        for name in sheets:
            bound = issued.sheets[name].rows + SPARE_ROWS
            was = _Rows(bounded_sheet(issued_copy, books[0], name, bound).rows, name, issued)
            now = _Rows(bounded_sheet(saved, books[1], name, bound).rows, name, saved_cells)
            found.append([])
            count += _compare(was, now, found[-1])
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine and zipfile raise several types for damaged files
        raise UnreadableWorkbook(f"{saved.name}: cannot compare its figures ({exc})") from exc
    firsts = [changes[0] for changes in found if changes]
    rest = [change for changes in found for change in changes[1:]]
    named = set(firsts + rest[: FIGURES_NAMED - len(firsts)])
    return FigureComparison(tuple(c for changes in found for c in changes if c in named), count)


class _Rows:
    """A sheet's rows as raw values and as the fingerprint reads them."""

    def __init__(
        self, rows: list[list[Any]], sheet: str, cells: ReviewFigures | Mapping[str, str]
    ) -> None:
        decision_cells = cells.decision_cells if isinstance(cells, ReviewFigures) else cells
        digest = SheetDigest(sheet, decision_cells)
        self.sheet, self.raw = sheet, rows
        self.texts = [digest.texts(index, row) for index, row in enumerate(rows)]
        self.kept = {tuple(texts) for texts in self.texts if texts}

    def texts_at(self, index: int) -> list[str]:
        return self.texts[index] if index < len(self.texts) else []

    def shown(self, index: int, column: int, text: str) -> Shown:
        """A cell as the note shows it: a number as a number, anything else as its text."""
        value = self.raw[index][column] if text else ""
        return value if isinstance(value, float) else text


def _compare(was: _Rows, now: _Rows, changes: list[FigureChange]) -> int:
    """Add the first few changed cells of one sheet to ``changes``; how many there are."""
    count = 0
    for index in range(max(len(was.texts), len(now.texts))):
        before, after = was.texts_at(index), now.texts_at(index)
        if before == after:
            continue
        if (not before or tuple(before) in now.kept) and (not after or tuple(after) in was.kept):
            continue  # the same rows, in another order
        for column in range(max(len(before), len(after))):
            old = before[column] if column < len(before) else ""
            new = after[column] if column < len(after) else ""
            if old == new:
                continue
            count += 1
            if len(changes) < FIGURES_NAMED:
                changes.append(
                    FigureChange(
                        was.sheet,
                        cell_ref(index + 1, column),
                        was.shown(index, column, old),
                        now.shown(index, column, new),
                    )
                )
    return count
