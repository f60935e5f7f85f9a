"""Read the approver's answer from a saved review workbook, whether Excel or LibreOffice saved it.

The Decision, Reason and Approver cells are found through their defined names, the flagged
lines through the Lines sheet's ``Line Decision`` and ``Line Note`` columns, the issue the
workbook belongs to through its custom document property and hidden ``_meta`` sheet, and
(given the fingerprint it was issued with) the figures it shows now. The approver's file is
untrusted: it passes the package guard, each sheet read is bounded before the reader lays
it out, and the daemon runs all of this in the limited parse worker.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import python_calamine

from pipeline.adapters.layouts.review import (
    DECISION_NAMES,
    LINES_SHEET,
    META_SHEET,
    REVIEW_PROPERTY,
)
from pipeline.adapters.reading.budget_reader import normalise_label, text_of
from pipeline.adapters.reading.package_guard import inspect_package
from pipeline.adapters.reading.review_figures import (
    BoundedSheet,
    bounded_sheet,
    read_bounds,
    saved_figures,
)
from pipeline.adapters.reading.xlsx_parts import custom_property, defined_names, split_ref
from pipeline.config import PackageLimits
from pipeline.domain.budget import LineKey
from pipeline.domain.review import Decision, LineFlag, ReviewMarks, Verdict
from pipeline.domain.review_figures import ReviewFigures
from pipeline.errors import UnreadableWorkbook
from pipeline.services.review_ports import SavedReview


def read_saved_review(
    path: Path,
    line_count: int,
    limits: PackageLimits | None = None,
    issued: ReviewFigures | None = None,
) -> SavedReview:
    """The decision saved in a review workbook, the marks of its issue and, given the
    fingerprint it was issued with, the fingerprint of the figures it shows now."""
    inspect_package(path, limits or PackageLimits())
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            f"{path.name}: not an .xlsx workbook any more; save it as 'Excel Workbook (*.xlsx)'"
        )
    try:
        names = defined_names(path)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = set(book.sheet_names)
        missing = [name for name in DECISION_NAMES if name not in names]
        if missing:
            raise UnreadableWorkbook(
                f"{path.name}: the defined name(s) {', '.join(missing)} are "
                "gone; use a fresh review workbook"
            )
        bounds = read_bounds(sheets, line_count, issued)
        grids = {
            sheet: bounded_sheet(path, book, sheet, bounds[sheet])
            for sheet in {names[name][0] for name in DECISION_NAMES} | {LINES_SHEET, META_SHEET}
            if sheet in sheets
        }
        values = {
            name: _cell(grids[names[name][0]].rows, names[name][1]) for name in DECISION_NAMES
        }
        flags = _flags(grids[LINES_SHEET].rows) if LINES_SHEET in grids else ()
        marks = _marks(path, grids[META_SHEET].rows if META_SHEET in grids else [])
        figures = _figures(path, book, names, grids, bounds, issued) if issued else None
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine and zipfile raise several types for damaged files
        raise UnreadableWorkbook(f"{path.name}: cannot read the review workbook ({exc})") from exc
    decision = Decision(values["Decision"], values["Reason"], values["Approver"], flags)
    return SavedReview(decision, marks, figures)


def _figures(
    path: Path,
    book: Any,
    names: dict[str, tuple[str, str]],
    grids: dict[str, BoundedSheet],
    bounds: dict[str, int],
    issued: ReviewFigures,
) -> ReviewFigures:
    """The saved figures of every sheet issued, read one at a time beyond those read already
    (a sheet's cells are let go once digested)."""

    def sheet(name: str) -> BoundedSheet:
        return grids[name] if name in grids else bounded_sheet(path, book, name, bounds[name])

    decision_cells = {name: f"{names[name][0]}!{names[name][1]}" for name in DECISION_NAMES}
    return saved_figures(book.sheet_names, issued, decision_cells, sheet)


def _cell(rows: list[list[Any]], ref: str) -> str:
    row, col = split_ref(ref)
    if row - 1 >= len(rows) or col >= len(rows[row - 1]):
        return ""
    value = rows[row - 1][col]
    # Keep the line breaks in the Reason cell: each line is one reason.
    return (
        "\n".join(text_of(part) for part in str(value).splitlines())
        if isinstance(value, str)
        else text_of(value)
    )


def _marks(path: Path, meta: list[list[Any]]) -> ReviewMarks:
    facts = {text_of(row[0]): text_of(row[1]) for row in meta if len(row) >= 2}
    tokens = (custom_property(path, REVIEW_PROPERTY), facts.get("review_id", ""))
    return ReviewMarks(tokens, facts.get("project_number", ""), facts.get("version", ""))


def _flags(rows: list[list[Any]]) -> tuple[LineFlag, ...]:
    if not rows:
        return ()
    header = {normalise_label(v): i for i, v in enumerate(rows[0])}
    try:
        sub, code, kind = header["subjob"], header["costcode"], header["costtype"]
        decision, note = header["linedecision"], header["linenote"]
    except KeyError as exc:
        raise UnreadableWorkbook(f"sheet 'Lines' lost its column {exc}") from None
    flags = []
    for row in rows[1:]:
        cells = [*row, *[""] * (max(decision, note) + 1 - len(row))]
        if Verdict.parse(text_of(cells[decision])) is Verdict.REJECT:
            key = LineKey(text_of(cells[sub]), text_of(cells[code]), text_of(cells[kind]))
            flags.append(LineFlag(key, text_of(cells[note])))
    return tuple(flags)
