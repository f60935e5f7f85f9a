"""The columns of the line table that are not read, though they look like part of the
budget: one warning each, on its header cell, so that nothing is dropped without a word.

* ``column.duplicate``: it names a field another column is read for (Amount and Total);
* ``column.misnamed``: its title is nearly a name we read (Qantity);
* ``column.numbers_not_read``: it holds mostly numbers, between or beside the columns read.

And one column that is read, but maybe not as meant: ``column.uom_numbers``, a unit of
measure that holds numbers (a company whose "Unit" is the price, not the unit).
"""

from __future__ import annotations

import re
from typing import Any

from pipeline.adapters.reading.budget_reader import RawBudget
from pipeline.adapters.reading.budget_table import Row, blank
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.problems import Problem, cell_ref

# A number typed as text, as it may look in a budget: 1,234.50, $500, (12), -3.5, 40%.
_NUMBER_TEXT = re.compile(r"^[\s$€£(+-]*\d[\d,.\s]*[)%]?\s*$")


def column_problems(raw: RawBudget) -> list[Problem]:
    """The warnings on the header row, left to right; one per column."""
    table, row = raw.table, raw.header_row
    found: dict[int, Problem] = {}
    for passed in table.passed_over:
        found[passed.col] = make_problem(
            "column.duplicate",
            f"the column {passed.title} is not read: {column_title(passed.field)} is read from "
            f"{passed.read_title} ({cell_ref(row, passed.read_col)})",
            raw.sheet,
            cell_ref(row, passed.col),
            passed.title,
        )
    for near in table.near_names:
        found.setdefault(
            near.col,
            make_problem(
                "column.misnamed",
                f"the column {near.title} is not read: it is not a name we read",
                raw.sheet,
                cell_ref(row, near.col),
                near.title,
                hint_text=f"Did you mean {near.name.text} ({column_title(near.name.field)})? "
                "Rename the column, or add its name to [column_names] in rules/validation.toml",
            ),
        )
    for col in _beside_the_table(raw):
        if col in found:
            continue
        numbers = _numbers_in(raw.rows, col)
        if numbers:
            found[col] = _numbers_not_read(raw, col, numbers)
    uom = table.columns.get("uom")
    # Numbers typed as numbers only: a price is, and a unit's text is then never matched.
    if uom is not None and (numbers := _numbers_in(raw.rows, uom, texts=False)):
        found[uom] = _uom_numbers(raw, uom, numbers)
    return [found[col] for col in sorted(found)]


def _beside_the_table(raw: RawBudget) -> list[int]:
    """The columns not read from the first titled or read column to the last, and the one
    on each side: a titled one, or one with no title next to the read ones."""
    table = raw.table
    read = set(table.columns.values()) | table.ignored
    span = set(table.titles) | set(table.columns.values())
    return [col for col in range(max(min(span) - 1, 0), max(span) + 2) if col not in read]


def _numbers_in(rows: list[Row], col: int, texts: bool = True) -> int:
    """How many of the column's cells on the lines hold a number (with ``texts``, typed as
    text too), if most of those that hold anything do (0 otherwise). One pass over the
    column: it runs for every line."""
    numbers = others = 0
    for _, cells in rows:
        if col >= len(cells):
            continue
        value: Any = cells[col]
        kind = value.__class__
        if kind is float or kind is int:
            numbers += 1
        elif blank(value):
            continue
        elif texts and kind is str and _NUMBER_TEXT.match(value):
            numbers += 1
        else:
            others += 1
    return numbers if numbers > others else 0


def _numbers_not_read(raw: RawBudget, col: int, numbers: int) -> Problem:
    cell = cell_ref(raw.header_row, col)
    letter = cell.rstrip("0123456789")
    title = raw.table.titles.get(col, "")
    counted = f"{numbers:,} number{'s' if numbers != 1 else ''}"
    where = f"the column {title}" if title else f"column {letter}, which has no title,"
    return make_problem(
        "column.numbers_not_read",
        f"{where} holds {counted} on the lines and is not read",
        raw.sheet,
        cell,
        title,
    )


def _uom_numbers(raw: RawBudget, col: int, numbers: int) -> Problem:
    title = raw.table.titles.get(col, "")
    return make_problem(
        "column.uom_numbers",
        f"the column {title} is read as the unit of measure, and {numbers:,} of its cells on "
        "the lines are numbers",
        raw.sheet,
        cell_ref(raw.header_row, col),
        title,
        hint_text=f'If {title} is the unit cost, add "{title}" = "unit_cost" to [column_names] '
        "in rules/validation.toml; a unit of measure is a word such as CY, HR or EA",
    )
