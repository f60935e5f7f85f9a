"""The line table of a budget sheet: its header row, found by the names of its columns, and
which rows under it are lines. Blank rows are not; nor are headings ("DIVISION 03 -
CONCRETE": text in the code or description column and nothing to budget) and total rows
(a label such as Subtotal, Total or Grand Total), which are kept aside for their checks."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from pipeline.adapters.layouts.budget import COLUMN_TITLES
from pipeline.domain.column_names import REQUIRED_FIELDS, ColumnNames, HeaderReading
from pipeline.domain.near_misses import in_words
from pipeline.domain.problems import cell_ref
from pipeline.errors import UnreadableWorkbook

# A total row's label says Total, Subtotal, Sub-total or Grand Total, first or last in its cell:
# "Subtotal Concrete", "Concrete Subtotal", "Division 03 Total:".
_TOTAL_FIRST = re.compile(r"^(grand|sub)?[\s-]*totals?\b", re.IGNORECASE)
_TOTAL_LAST = re.compile(r"\b(grand\s*|sub[\s-]*)?totals?\s*:?$", re.IGNORECASE)
_LABELS = ("sub_job", "cost_code", "description")  # where a total row's label may be, too
# A heading budgets nothing: none of these is filled (and it has no cost type).
_BUDGETED = ("amount", "unit_qty", "unit_cost", "uom")
_HEADING_TEXT = ("cost_code", "description")

Row = tuple[int, list[Any]]  # (Excel row, the row's cells)


class RowKind(enum.StrEnum):
    """What a row that is not a line is."""

    HEADING = "heading"
    TOTAL = "total"


@dataclass(frozen=True, slots=True, kw_only=True)
class NotALine:
    """A heading or total row under the table's header: not a line, but a boundary between
    groups of lines (and a total row's amount is checked against the lines above it)."""

    row: int  # Excel row
    kind: RowKind
    label: Any  # the cell that names it, as read
    label_col: int
    amount: Any = ""  # a total row's amount cell, as read

    @property
    def scope(self) -> str:
        """``sub``, ``grand`` or ``""``: what a total row's label says it sums."""
        return (total_scope(self.label) or "") if self.kind is RowKind.TOTAL else ""


def total_scope(value: Any) -> str | None:
    """``sub``, ``grand`` or ``""`` when a cell labels a total row; None when it does not."""
    text = value.strip() if value.__class__ is str else ""
    found = _TOTAL_FIRST.match(text) or _TOTAL_LAST.search(text)
    return "".join(filter(str.isalpha, found.group(1) or "")).casefold() if found else None


def find_table(
    cells: list[list[Any]], names: ColumnNames, file: str, sheet: str
) -> tuple[int, HeaderReading]:
    """The index of the table's header row (the first naming a cost code, a cost type and
    an amount) and what it says, or UnreadableWorkbook naming the row that came closest."""
    closest: tuple[int, int] | None = None  # (fields found, row index)
    for index, row in enumerate(cells):
        found = {names.field_of(value) for value in row}
        have = sum(name in found for name in REQUIRED_FIELDS)
        if have == len(REQUIRED_FIELDS):
            titles = {col: title for col, value in enumerate(row) if (title := _title(value))}
            return index, names.read(titles)
        if have and (closest is None or have > closest[0]):
            closest = (have, index)
    message = (
        f"{file}, sheet {sheet!r}: no line table found: a header row needs the columns "
        "Cost Code, Cost Type and Original Budget Amount"
    )
    if closest is not None:
        message += _closest_row(cells[closest[1]], closest[1] + 1, names)
    raise UnreadableWorkbook(
        f"{message}; 'budget-erp check --columns' lists the names each column is read under"
    )


def _closest_row(row: list[Any], excel_row: int, names: ColumnNames) -> str:
    titles = {col: title for col, value in enumerate(row) if (title := _title(value))}
    reading = names.read(titles)
    have = [
        f"{COLUMN_TITLES[name]} ({titles[col]})"
        for name, col in sorted(reading.columns.items(), key=lambda item: item[1])
        if name in REQUIRED_FIELDS
    ]
    lacks = [COLUMN_TITLES[name] for name in REQUIRED_FIELDS if name not in reading.columns]
    text = f"; row {excel_row} has {in_words(have)} but no {in_words(lacks)}"
    for near in reading.near_names:
        text += (
            f"; {near.title} ({cell_ref(excel_row, near.col)}) is not a name we read: "
            f"did you mean {near.name.text}?"
        )
    return text


def _title(value: Any) -> str:
    """A header cell's text, trimmed, one space between words; "" for an empty cell."""
    if value.__class__ is str:
        return " ".join(value.split())
    return "" if value is None else str(value)


def line_rows(
    cells: list[list[Any]], header_index: int, columns: dict[str, int]
) -> tuple[list[Row], list[NotALine]]:
    """The lines under the header row, and the headings and total rows between them. It
    runs for every row: a line with a cost type (nearly all of them) costs one look."""
    used = sorted(columns.values())
    type_col = columns["cost_type"]
    rows: list[Row] = []
    not_lines: list[NotALine] = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        if type_col < len(row) and not blank(row[type_col]):
            rows.append((index + 1, row))  # a line with a cost type is a line
        elif _has_value(row, used):
            other = _not_a_line(index + 1, row, columns)
            if other is None:
                rows.append((index + 1, row))
            else:
                not_lines.append(other)
    return rows, not_lines


def _not_a_line(excel_row: int, row: list[Any], columns: dict[str, int]) -> NotALine | None:
    """A row without a cost type: a total row when a cell left of the amount, or its sub
    job, code or description, says Total, Subtotal or Grand Total (a note right of the amount
    does not make a line a total row); a heading when it has text in the code or description
    column and nothing budgeted; otherwise a line (with its cost type missing)."""
    amount_col = columns["amount"]
    labels = {columns.get(name) for name in _LABELS}
    for col, value in enumerate(row):
        if (col < amount_col or col in labels) and total_scope(value) is not None:
            amount = row[amount_col] if amount_col < len(row) else ""
            return NotALine(
                row=excel_row, kind=RowKind.TOTAL, label=value, label_col=col, amount=amount
            )
    if any(not _blank_in(row, columns.get(name)) for name in _BUDGETED):
        return None
    for name in _HEADING_TEXT:
        text_col = columns.get(name)
        if text_col is not None and not _blank_in(row, text_col):
            return NotALine(
                row=excel_row, kind=RowKind.HEADING, label=row[text_col], label_col=text_col
            )
    return None


def _has_value(row: list[Any], used: list[int]) -> bool:
    """Whether any of these cells shows something."""
    width = len(row)
    return any(not blank(row[col]) for col in used if col < width)


def _blank_in(row: list[Any], col: int | None) -> bool:
    return col is None or col >= len(row) or blank(row[col])


def blank(value: Any) -> bool:
    """Whether a cell, as calamine reads it, shows nothing (an empty cell is ``""``):
    ``text_of(value) == ""``, without building the text."""
    return value.__class__ is str and not value.strip()
