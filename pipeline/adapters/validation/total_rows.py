"""A budget's own total rows, checked against its lines: a subtotal is the sum of the lines
since the row before it (a heading or another total row), or since the last heading; a
grand total the sum of every line above it. A total row that is none of these is a
``total_row.mismatch`` warning naming its cell and where its lines start (the heading's
cell). The sums are exact (Decimal), gathered a run of lines at a time as they are checked."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from decimal import Decimal

import numpy as np
import pandas as pd

from pipeline.adapters.reading.amounts import NumberFormat, parse_amount
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.reading.budget_table import NotALine, RowKind
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.problems import Problem, cell_ref

# A sum shown to the cent matches within half a cent (a SUM's binary tail is no difference).
HALF_CENT = Decimal("0.005")


@dataclass(kw_only=True)
class _Group:
    """The lines between two rows that are not lines: their amounts as taken (rounded to
    cents) summed, what rounding took off them, how many, where, and whether one was not a
    number."""

    taken: Decimal = Decimal(0)
    rounded_off: Decimal = Decimal(0)  # the amounts as typed, less as taken
    count: int = 0
    first: int = 0
    last: int = 0
    unknown: bool = False


@dataclass(frozen=True, kw_only=True)
class _Span:
    """Some consecutive groups, as a total row may sum them."""

    start: int  # the first group: the lines after the row that is not a line before it
    taken: Decimal
    typed: Decimal
    count: int
    first: int
    last: int
    unknown: bool  # an amount among its lines is not a number

    def matches(self, stated: Decimal) -> bool:
        """The sum of the amounts as typed is what a SUM of them shows; as taken, what the
        ERP gets: either will do."""
        return abs(stated - self.typed) < HALF_CENT or abs(stated - self.taken) < HALF_CENT


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
        found = np.searchsorted(self.bounds, rows)
        unknown = frame["amount_decimal"].isna().to_numpy()
        taken = frame["amount_decimal"].tolist()
        # The lines are in row order, so each group's lines are one slice of the run.
        starts = [0, *(np.flatnonzero(np.diff(found)) + 1).tolist(), len(rows)]
        for start, end in itertools.pairwise(starts):
            group = self.groups[int(found[start])]
            if unknown[start:end].any():
                group.unknown = True
                continue
            group.taken = sum(taken[start:end], group.taken)
            group.first = group.first or int(rows[start])
            group.last, group.count = int(rows[end - 1]), group.count + end - start
        rounded = frame["amount_rounded"].to_numpy().nonzero()[0]
        for index, typed in zip(rounded, frame["amount_typed"].take(rounded), strict=True):
            self.groups[int(found[index])].rounded_off += typed - taken[index]

    def problems(self, raw: RawBudget) -> list[Problem]:
        """A ``total_row.mismatch`` for each total row that sums none of the spans it may:
        the lines right above it, those since the last heading, or all of them. None while
        an amount above it is not a number: that refuses the budget, and there is no sum."""
        found = []
        sums = _Spans(self.groups)
        heading = -1  # the index of the last heading
        for index, mark in enumerate(self.marks):
            if mark.kind is RowKind.HEADING:
                heading = index
                continue
            stated = parse_amount(mark.amount, self.number_format) if text_of(mark.amount) else None
            if stated is None:
                continue  # a total row with no amount is only skipped
            local, by_heading, everything = (
                sums.of(start, index) for start in (index, heading + 1, 0)
            )
            if everything.unknown:
                continue  # an amount that is not a number refuses the budget: no sums
            spans = [s for s in (local, by_heading, everything) if s.count]
            if not spans or any(span.matches(stated) for span in spans):
                continue
            named = _named(mark, local, everything) or spans[0]
            found.append(self._mismatch(raw, mark, stated, named))
        return found

    def _mismatch(self, raw: RawBudget, mark: NotALine, stated: Decimal, span: _Span) -> Problem:
        lines = f"{span.count:,} line{'s' if span.count != 1 else ''}"
        rows = f"rows {span.first}-{span.last}" if span.first != span.last else f"row {span.first}"
        return make_problem(
            "total_row.mismatch",
            f"{text_of(mark.label)} {stated:,.2f} differs from the sum of the {lines} "
            f"{self._since(raw, span.start - 1)} ({rows}), {span.taken:,.2f}, by "
            f"{stated - span.taken:+,.2f}",
            raw.sheet,
            cell_ref(mark.row, raw.columns["amount"]),
            column_title("amount"),
            text_of(mark.amount),
        )

    def _since(self, raw: RawBudget, index: int) -> str:
        """Where a span starts: after the row that is not a line at ``index`` (-1: the top)."""
        if index < 0:
            return "above it"
        mark = self.marks[index]
        if mark.kind is RowKind.HEADING:
            return f"since the heading at {cell_ref(mark.row, mark.label_col)}"
        return f"since the total row at {cell_ref(mark.row, raw.columns['amount'])}"


class _Spans:
    """Running sums over the groups, so that any span of them costs the same: a budget may
    have a subtotal every few lines, each checked against every line above it."""

    def __init__(self, groups: list[_Group]) -> None:
        zero = Decimal(0)
        self.taken, self.rounded_off, self.count, self.unknown = [zero], [zero], [0], [0]
        for group in groups:
            self.taken.append(self.taken[-1] + group.taken)
            self.rounded_off.append(self.rounded_off[-1] + group.rounded_off)
            self.count.append(self.count[-1] + group.count)
            self.unknown.append(self.unknown[-1] + group.unknown)
        # the row of the first line at or after each group, and of the last at or before it
        self.first, self.last = [0] * len(groups), [0] * len(groups)
        first = last = 0
        for index, group in enumerate(groups):
            last = self.last[index] = group.last or last
        for index, group in reversed(list(enumerate(groups))):
            first = self.first[index] = group.first or first

    def of(self, start: int, end: int) -> _Span:
        """The groups ``start`` to ``end``, both included."""
        taken = self.taken[end + 1] - self.taken[start]
        count = self.count[end + 1] - self.count[start]
        unknown = self.unknown[end + 1] - self.unknown[start]
        return _Span(
            start=start,
            taken=taken,
            typed=taken + self.rounded_off[end + 1] - self.rounded_off[start],
            count=count,
            first=self.first[start],
            last=self.last[end],
            unknown=unknown > 0,
        )


def _named(mark: NotALine, local: _Span, everything: _Span) -> _Span | None:
    """The span a mismatch is told against, when not the nearest: every line above a grand
    total, and above a plain Total with no lines of its own right above it."""
    if mark.scope == "grand" or (mark.scope == "" and not local.count):
        return everything
    return None
