"""The shape of a budget for its approver: totals by cost type and by division, against an
earlier version (the rejected one, or the one in force in the ERP), and the largest changes."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
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


@dataclass(frozen=True, slots=True)
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
    description: str  # "rejected version 1", "version 2, in force in the ERP"
    lines: Sequence[BudgetLine]


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


@dataclass(frozen=True)
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
    by_type = _groups(lines, before, lambda line: line.cost_type.strip(), names.cost_types)
    by_division = _groups(lines, before, lambda line: division_of(line.cost_code), names.divisions)
    total = _group("Total", "", lines, before)
    also = tuple(NetChange(version, _sum(version.lines), total.amount) for version in earlier[1:])
    if first is None:
        return BudgetSummary(by_type, by_division, total)
    return BudgetSummary(
        by_type, by_division, total, first, largest_changes(first.lines, lines, top), also
    )


def largest_changes(
    before: Sequence[BudgetLine], after: Sequence[BudgetLine], top: int = TOP_CHANGES
) -> tuple[TopChange, ...]:
    """The ``top`` changes of amount, largest in absolute value first (ties in the order of
    the changes list), each with its place on *Lines* and on the changes list."""
    changes = diff_lines(before, after)
    where = {line.key: index for index, line in enumerate(after)}
    moved = [(index, change) for index, change in enumerate(changes) if change.delta]
    moved.sort(key=lambda pair: (-abs(pair[1].delta), pair[0]))
    return tuple(
        TopChange(change, where.get(change.key) if change.new else None, index)
        for index, change in moved[:top]
    )


def _groups(
    lines: Sequence[BudgetLine],
    before: Sequence[BudgetLine] | None,
    key_of: Callable[[BudgetLine], str],
    names: Mapping[str, str],
) -> tuple[GroupTotal, ...]:
    """One total per key found in either version, in key order."""
    now: dict[str, list[BudgetLine]] = {}
    then: dict[str, list[BudgetLine]] = {}
    for line in lines:
        now.setdefault(key_of(line), []).append(line)
    for line in before or ():
        then.setdefault(key_of(line), []).append(line)
    return tuple(
        _group(
            key, names.get(key, ""), now.get(key, []), None if before is None else then.get(key, [])
        )
        for key in sorted(now.keys() | then.keys())
    )


def _group(
    key: str, name: str, lines: Sequence[BudgetLine], before: Sequence[BudgetLine] | None
) -> GroupTotal:
    if before is None:
        return GroupTotal(key, name, len(lines), _sum(lines))
    return GroupTotal(key, name, len(lines), _sum(lines), len(before), _sum(before))


def _sum(lines: Iterable[BudgetLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)
