"""The shape of a budget for its approver: totals by cost type and by division, against an
earlier version (the rejected one, or the one in force in the ERP), and the largest changes."""

from __future__ import annotations

import heapq
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pipeline.domain.budget import BudgetLine
from pipeline.domain.changes import LineChange, diff_lines

ZERO = Decimal("0.00")
TOP_CHANGES = 10
# A cost code's division is its leading segment: "03" of "03-300", "03.300" or "03 300".
_SEGMENT = re.compile(r"[^-.\s/]+")


def division_of(cost_code: str) -> str:
    """The leading segment of a cost code ("03" of "03-300"); a code without separator is
    its own division."""
    found = _SEGMENT.match(cost_code.strip())
    return found.group(0) if found else cost_code.strip()


def division_heading(cost_code: str) -> str | None:
    """The division a row of ``cost_codes.csv`` names, when it is a division's heading: the
    bare division ("03") or the division with zeros after it ("03-000"); else None."""
    code = cost_code.strip()
    division = division_of(code)
    rest = code[len(division) :].lstrip("-./ ")
    if division and (not rest or set(rest) <= {"0", "-", ".", " ", "/"}):
        return division
    return None


def division_names(rows: Iterable[tuple[str, str]]) -> dict[str, str]:
    """The names of divisions from ``(cost_code, description)`` rows: a heading row names its
    division; the bare division wins over ``03-000`` when both are there."""
    names: dict[str, str] = {}
    for code, description in sorted(rows, key=lambda row: len(row[0].strip()), reverse=True):
        division = division_heading(code)
        if division is not None and description.strip():
            names[division] = description.strip()
    return names


@dataclass(frozen=True)
class SummaryNames:
    """What the ERP's lists call the groups: cost types and divisions by their code."""

    cost_types: Mapping[str, str] = field(default_factory=dict)
    divisions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True, kw_only=True)
class GroupTotal:
    """One group of lines (a cost type, a division, or all): its lines and total here and,
    where there is one, in the earlier version."""

    key: str
    name: str
    lines: int
    amount: Decimal
    previous_lines: int | None = None
    previous: Decimal | None = None

    @property
    def difference(self) -> Decimal | None:
        """This version's total minus the earlier one's (None without an earlier version)."""
        return None if self.previous is None else self.amount - self.previous

    @property
    def label(self) -> str:
        """``L Labour``, or the bare key when the lists do not name it."""
        return f"{self.key} {self.name}" if self.name else self.key


@dataclass(frozen=True)
class EarlierVersion:
    """A version to compare with: its lines and how the approver knows it."""

    version: int
    description: str  # "rejected version 1", "version 2, in the ERP"
    lines: Sequence[BudgetLine]
    changes: Sequence[LineChange] | None = None  # diff_lines(lines, this version's), if known


@dataclass(frozen=True, slots=True)
class TopChange:
    """One of the largest changes: where its line is on *Lines* (its index among this
    version's lines; None when removed) and on the changes list."""

    change: LineChange
    line_index: int | None
    change_index: int


@dataclass(frozen=True)
class NetChange:
    """The net change against a further earlier version (the ERP's, for a re-sent change)."""

    earlier: EarlierVersion
    previous: Decimal
    amount: Decimal

    @property
    def difference(self) -> Decimal:
        """This version's total minus that version's."""
        return self.amount - self.previous


@dataclass(frozen=True, kw_only=True)
class BudgetSummary:
    """Totals by cost type and division, the grand total, and against the earlier version
    (when there is one) the differences and the largest changes."""

    by_cost_type: tuple[GroupTotal, ...]
    by_division: tuple[GroupTotal, ...]
    total: GroupTotal
    earlier: EarlierVersion | None = None
    top_changes: tuple[TopChange, ...] = ()
    also: tuple[NetChange, ...] = ()

    @property
    def net_change(self) -> Decimal | None:
        """This version's total minus the earlier one's (None without an earlier version)."""
        return self.total.difference


def summarise(
    lines: Sequence[BudgetLine],
    names: SummaryNames | None = None,
    earlier: Sequence[EarlierVersion] = (),
    top: int = TOP_CHANGES,
) -> BudgetSummary:
    """The summary of ``lines``; the first of ``earlier`` is compared group by group with its
    largest changes, the others only by their net change."""
    names = names or SummaryNames()
    first = earlier[0] if earlier else None
    before = first.lines if first else None
    divisions = _Divisions()
    by_type = _groups(lines, before, lambda line: line.cost_type.strip(), names.cost_types)
    by_division = _groups(lines, before, divisions.of, names.divisions)
    total = GroupTotal(key="Total", name="", lines=len(lines), amount=_sum(lines))
    if before is not None:
        total = replace(total, previous_lines=len(before), previous=_sum(before))
    also = tuple(NetChange(version, _sum(version.lines), total.amount) for version in earlier[1:])
    if first is None:
        return BudgetSummary(by_cost_type=by_type, by_division=by_division, total=total)
    changes = first.changes if first.changes is not None else diff_lines(first.lines, lines)
    return BudgetSummary(
        by_cost_type=by_type,
        by_division=by_division,
        total=total,
        earlier=first,
        top_changes=largest_changes(changes, lines, top),
        also=also,
    )


def largest_changes(
    changes: Sequence[LineChange], after: Sequence[BudgetLine], top: int = TOP_CHANGES
) -> tuple[TopChange, ...]:
    """The ``top`` changes of amount among ``changes`` (``diff_lines`` of the earlier version
    and ``after``), largest in absolute value first (ties in the order of the changes list),
    each with its place on *Lines* and on the changes list."""
    moved = ((index, change) for index, change in enumerate(changes) if change.delta)
    largest = heapq.nsmallest(top, moved, key=lambda pair: (-abs(pair[1].delta), pair[0]))
    wanted = {_identity(change.new) for _, change in largest if change.new is not None}
    where = {
        _identity(line): index for index, line in enumerate(after) if _identity(line) in wanted
    }
    return tuple(
        TopChange(change, where[_identity(change.new)] if change.new else None, index)
        for index, change in largest
    )


def _identity(line: BudgetLine) -> tuple[str, str, str]:
    """The line's key as a plain tuple: cheaper than ``line.key`` over many lines."""
    return (line.sub_job, line.cost_code, line.cost_type)


class _Divisions:
    """``division_of``, worked out once per cost code."""

    def __init__(self) -> None:
        self.known: dict[str, str] = {}

    def of(self, line: BudgetLine) -> str:
        code = line.cost_code
        found = self.known.get(code)
        if found is None:
            found = self.known[code] = division_of(code)
        return found


def _groups(
    lines: Sequence[BudgetLine],
    before: Sequence[BudgetLine] | None,
    key_of: Callable[[BudgetLine], str],
    names: Mapping[str, str],
) -> tuple[GroupTotal, ...]:
    """One total per key found in either version, in key order."""
    now, then = _tally(lines, key_of), _tally(before or (), key_of)

    def group(key: str) -> GroupTotal:
        count, amount = now.get(key, (0, ZERO))
        earlier: tuple[int | None, Decimal | None] = (
            (None, None) if before is None else then.get(key, (0, ZERO))
        )
        return GroupTotal(
            key=key,
            name=names.get(key, ""),
            lines=count,
            amount=amount,
            previous_lines=earlier[0],
            previous=earlier[1],
        )

    return tuple(group(key) for key in sorted(now.keys() | then.keys()))


def _tally(
    lines: Iterable[BudgetLine], key_of: Callable[[BudgetLine], str]
) -> dict[str, tuple[int, Decimal]]:
    """Line count and total amount per key."""
    counts: dict[str, int] = {}
    sums: dict[str, Decimal] = {}
    for line in lines:
        key = key_of(line)
        counts[key] = counts.get(key, 0) + 1
        sums[key] = sums.get(key, ZERO) + line.amount
    return {key: (counts[key], sums[key]) for key in counts}


def _sum(lines: Iterable[BudgetLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)
