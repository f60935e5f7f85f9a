"""What changed between two versions of a budget, and whether earlier reasons look addressed."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipeline.domain.budget import BudgetLine, LineKey, money
from pipeline.domain.review import LineFlag, Rejection


class ChangeKind(enum.StrEnum):
    """How a line differs from the earlier version."""

    ADDED = "added"
    REMOVED = "removed"
    AMOUNT = "amount changed"
    DETAIL = "details changed"


@dataclass(frozen=True, slots=True)
class LineChange:
    """One line that differs between the earlier and the new version."""

    kind: ChangeKind
    key: LineKey
    old: BudgetLine | None
    new: BudgetLine | None

    @property
    def delta(self) -> Decimal:
        """New amount minus old amount (a missing side counts as zero)."""
        old = self.old.amount if self.old else Decimal("0.00")
        new = self.new.amount if self.new else Decimal("0.00")
        return new - old

    def describe(self) -> str:
        """One line for people: ``03-300 / L: 30,000.00 -> 32,000.00 (+2,000.00)``."""
        if self.kind is ChangeKind.ADDED and self.new:
            return f"{self.key}: added, {money(self.new.amount)}"
        if self.kind is ChangeKind.REMOVED and self.old:
            return f"{self.key}: removed, was {money(self.old.amount)}"
        if self.kind is ChangeKind.AMOUNT and self.old and self.new:
            return (
                f"{self.key}: {money(self.old.amount)} -> {money(self.new.amount)} "
                f"({self.delta:+,.2f})"
            )
        return f"{self.key}: description, quantity, unit or unit cost changed"


def diff_lines(old: Iterable[BudgetLine], new: Iterable[BudgetLine]) -> list[LineChange]:
    """Every added, removed and changed line, in the new version's order, removed lines last."""
    before = {line.key: line for line in old}
    after = {line.key: line for line in new}
    changes: list[LineChange] = []
    for key, line in after.items():
        earlier = before.get(key)
        if earlier is None:
            changes.append(LineChange(ChangeKind.ADDED, key, None, line))
        elif earlier.amount != line.amount:
            changes.append(LineChange(ChangeKind.AMOUNT, key, earlier, line))
        elif earlier.content() != line.content():
            changes.append(LineChange(ChangeKind.DETAIL, key, earlier, line))
    changes.extend(
        LineChange(ChangeKind.REMOVED, key, line, None)
        for key, line in before.items()
        if key not in after
    )
    return changes


class ReasonStatus(enum.StrEnum):
    """Whether an earlier reason looks dealt with in the re-send."""

    ADDRESSED = "looks addressed"
    OPEN = "not addressed"
    CHECK = "check by hand"


@dataclass(frozen=True, slots=True)
class ReasonReview:
    """One earlier rejection reason and how the re-send relates to it."""

    reason: str
    line: LineKey | None
    status: ReasonStatus
    explanation: str


@dataclass(frozen=True)
class ResendAssessment:
    """How a re-send compares with the version that was rejected."""

    rejection: Rejection
    changes: list[LineChange]
    reasons: list[ReasonReview]
    unchanged_flags: list[LineFlag]


def assess_resend(
    previous: Sequence[BudgetLine], new: Sequence[BudgetLine], rejection: Rejection
) -> ResendAssessment:
    """Compare a re-send with the rejected version and review each reason and flagged line."""
    changes = diff_lines(previous, new)
    touched = {change.key for change in changes}
    reviews: list[ReasonReview] = []
    unchanged: list[LineFlag] = []
    for flag in rejection.flags:
        if flag.key in touched:
            reviews.append(_flag_review(flag, changes))
        else:
            unchanged.append(flag)
            reviews.append(ReasonReview(flag.note, flag.key, ReasonStatus.OPEN, "line unchanged"))
    codes = {line.cost_code for line in (*previous, *new)}
    touched_codes = {key.cost_code for key in touched}
    reviews.extend(_text_review(text, codes, touched_codes) for text in rejection.reasons)
    return ResendAssessment(rejection, changes, reviews, unchanged)


def _flag_review(flag: LineFlag, changes: list[LineChange]) -> ReasonReview:
    change = next(c for c in changes if c.key == flag.key)
    return ReasonReview(flag.note, flag.key, ReasonStatus.ADDRESSED, f"line {change.kind}")


def _text_review(text: str, codes: set[str], touched_codes: set[str]) -> ReasonReview:
    """A free-text reason looks addressed when every cost code it names has a changed line."""
    named = sorted(code for code in codes if _mentions(text, code))
    if not named:
        return ReasonReview(text, None, ReasonStatus.CHECK, "names no cost code of the budget")
    still = [code for code in named if code not in touched_codes]
    if still:
        return ReasonReview(text, None, ReasonStatus.OPEN, f"no change on {', '.join(still)}")
    return ReasonReview(text, None, ReasonStatus.ADDRESSED, f"changed: {', '.join(named)}")


def _mentions(text: str, code: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


def delta_lines(base: Sequence[BudgetLine], new: Sequence[BudgetLine]) -> list[BudgetLine]:
    """What a budget change adds to the exported version: one line per changed amount.

    A removed line becomes a negative change of its whole amount; lines whose amount did not
    move are left out, as the ERP already has them. Quantities are not carried: a change
    is an amount.
    """
    lines: list[BudgetLine] = []
    for change in diff_lines(base, new):
        if change.kind is ChangeKind.DETAIL or not change.delta:
            continue
        line = change.new or change.old
        assert line is not None
        lines.append(
            BudgetLine(
                line.row,
                line.sub_job,
                line.cost_code,
                line.cost_type,
                line.description,
                change.delta,
                None,
                line.uom,
                None,
            )
        )
    return lines
