"""Read the approver's answer from a saved review workbook, whether Excel or LibreOffice saved it.

The Decision, Reason and Approver cells are found through their defined names, the flagged
lines through the Lines sheet's ``Line Decision`` and ``Line Note`` columns.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import python_calamine

from pipeline.adapters.budget_reader import normalise_label, text_of
from pipeline.adapters.review_workbook import DECISION_NAMES
from pipeline.adapters.workbook_guard import PackageLimits, inspect_package
from pipeline.adapters.xlsx_parts import defined_names, split_ref
from pipeline.domain.budget import LineKey
from pipeline.domain.review import Decision, LineFlag, Verdict
from pipeline.errors import UnreadableWorkbook


def read_decision(path: Path) -> Decision:
    """The decision saved in a review workbook; blank fields read as ""."""
    inspect_package(path, PackageLimits())
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            f"{path.name}: not an .xlsx workbook any more; save it as 'Excel Workbook (*.xlsx)'"
        )
    try:
        names = defined_names(path)
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        values = {name: _cell(book, *names[name]) for name in DECISION_NAMES if name in names}
        flags = _flags(book) if "Lines" in book.sheet_names else ()
    except Exception as exc:  # calamine and zipfile raise several types for damaged files
        raise UnreadableWorkbook(f"{path.name}: cannot read the review workbook ({exc})") from exc
    missing = [name for name in DECISION_NAMES if name not in names]
    if missing:
        raise UnreadableWorkbook(
            f"{path.name}: the defined name(s) {', '.join(missing)} are "
            "gone; use a fresh review workbook"
        )
    return Decision(values["Decision"], values["Reason"], values["Approver"], flags)


def _cell(book: Any, sheet: str, ref: str) -> str:
    row, col = split_ref(ref)
    cells = book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    if row - 1 >= len(cells) or col >= len(cells[row - 1]):
        return ""
    value = cells[row - 1][col]
    # Keep the line breaks in the Reason cell: each line is one reason.
    return (
        "\n".join(text_of(part) for part in str(value).splitlines())
        if isinstance(value, str)
        else text_of(value)
    )


def _flags(book: Any) -> tuple[LineFlag, ...]:
    rows = book.get_sheet_by_name("Lines").to_python(skip_empty_area=False)
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
