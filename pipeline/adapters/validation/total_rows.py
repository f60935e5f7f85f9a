"""A budget's own total rows, checked against its lines: a subtotal is the sum of the lines
since the row before it (a heading or another total row), or since the last heading; a
grand total the sum of every line above it. A total row that is none of these is a
``total_row.mismatch`` warning naming both ends. The sums are exact (Decimal), gathered a
run of lines at a time as the lines are checked."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from pipeline.adapters.reading.amounts import NumberFormat, parse_amount
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.reading.budget_table import NotALine, RowKind
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.problems import Problem, cell_ref

# A sum shown to the cent matches within half a cent (a SUM's binary tail is no difference).
HALF_CENT = Decimal("0.005")


@dataclass
class _Group:
    """The lines between two rows that are not lines: their amounts summed as typed and as
    taken (rounded to cents), how many, where, and whether one was not a number."""

    typed: Decimal = Decimal(0)
    taken: Decimal = Decimal(0)
    count: int = 0
    first: int = 0
    last: int = 0
    unknown: bool = False

    def add(self, rows: list[int], typed: list[Any], taken: list[Any]) -> None:
        """Some lines' rows, amounts as typed and as taken (Decimal; None: not a number)."""
        if None in taken or None in typed:
            self.unknown = True
            return
        self.typed = sum(typed, self.typed)
        self.taken = sum(taken, self.taken)
        self.first = self.first or rows[0]
        self.last, self.count = rows[-1], self.count + len(rows)


@dataclass(frozen=True)
class _Span:
    """Some consecutive groups, as a total row may sum them."""

    groups: list[_Group]
    since: str  # "since the heading at B11", "" from the top

    @property
    def count(self) -> int:
        return sum(g.count for g in self.groups)

    @property
    def known(self) -> bool:
        return self.count > 0 and not any(g.unknown for g in self.groups)

    def matches(self, stated: Decimal) -> bool:
        return any(
            abs(stated - sum((getattr(g, kind) for g in self.groups), Decimal(0))) < HALF_CENT
            for kind in ("typed", "taken")
        )

    def words(self) -> str:
        rows = [g for g in self.groups if g.count]
        lines = f"{self.count:,} line{'s' if self.count != 1 else ''}"
        where = (
            f"rows {rows[0].first}-{rows[-1].last}" if self.count > 1 else f"row {rows[0].first}"
        )
        return f"the {lines} {self.since or 'above it'} ({where})"


class TotalRows:
    """The budget's headings and total rows, and its lines' amounts grouped between them."""

    def __init__(self, raw: RawBudget, number_format: NumberFormat) -> None:
        self.marks = raw.not_lines
        self.number_format = number_format  # a total typed as text reads as the lines do
        self.bounds = np.array([mark.row for mark in self.marks], dtype=np.int64)
        self.groups = [_Group() for _ in range(len(self.marks) + 1)]
        self.wanted = any(mark.kind is RowKind.TOTAL for mark in self.marks)

    def add(self, frame: pd.DataFrame) -> None:
        """Sum a run of lines into the groups they fall in (runs come in row order)."""
        if not self.wanted or frame.empty:
            return
        rows = frame["_row"].to_numpy()
        # The lines are in row order, so each group's lines are one slice of the run.
        groups = np.searchsorted(self.bounds, rows)
        starts = [0, *(np.flatnonzero(np.diff(groups)) + 1).tolist(), len(rows)]
        row_list = rows.tolist()
        typed, taken = frame["amount_typed"].tolist(), frame["amount_decimal"].tolist()
        for start, end in itertools.pairwise(starts):
            self.groups[int(groups[start])].add(
                row_list[start:end], typed[start:end], taken[start:end]
            )

    def problems(self, raw: RawBudget) -> list[Problem]:
        """A ``total_row.mismatch`` for each total row that sums none of the spans it may."""
        found = []
        heading = -1  # the index of the last heading
        for index, mark in enumerate(self.marks):
            if mark.kind is RowKind.HEADING:
                heading = index
                continue
            stated = parse_amount(mark.amount, self.number_format) if text_of(mark.amount) else None
            if stated is None:
                continue  # a total row with no amount is only skipped
            local = _Span([self.groups[index]], self._since(raw, index - 1))
            by_heading = _Span(self.groups[heading + 1 : index + 1], self._since(raw, heading))
            everything = _Span(self.groups[: index + 1], "")
            spans = [s for s in (local, by_heading, everything) if s.known]
            if not spans or any(span.matches(stated) for span in spans):
                continue
            named = _named(mark, local, everything) or spans[0]
            found.append(self._mismatch(raw, mark, stated, named))
        return found

    def _since(self, raw: RawBudget, index: int) -> str:
        """Where a span starts: after the row that is not a line at ``index`` (-1: the top)."""
        if index < 0:
            return ""
        mark = self.marks[index]
        if mark.kind is RowKind.HEADING:
            return f"since the heading at {cell_ref(mark.row, mark.label_col)}"
        return f"since the total row at {cell_ref(mark.row, raw.columns['amount'])}"

    def _mismatch(self, raw: RawBudget, mark: NotALine, stated: Decimal, span: _Span) -> Problem:
        summed = sum((g.taken for g in span.groups), Decimal(0))
        return make_problem(
            "total_row.mismatch",
            f"{text_of(mark.label)} {stated:,.2f} differs from the sum of {span.words()}, "
            f"{summed:,.2f}, by {stated - summed:+,.2f}",
            raw.sheet,
            cell_ref(mark.row, raw.columns["amount"]),
            column_title("amount"),
            text_of(mark.amount),
        )


def _named(mark: NotALine, local: _Span, everything: _Span) -> _Span | None:
    """The span a mismatch is told against, when not the nearest: every line above a grand
    total, and above a plain Total with no lines of its own right above it."""
    if everything.known and (mark.scope == "grand" or (mark.scope == "" and not local.known)):
        return everything
    return None
