"""What changed between two versions of a budget, and whether earlier reasons look addressed
or were answered by the admin's Responses."""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from pipeline.domain.budget import BudgetLine, LineKey, ReasonResponse, money
from pipeline.domain.review import LineFlag, Rejection
from pipeline.domain.text import clean_text


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

    def what_moved(self) -> list[str]:
        """A changed line's quantity and unit cost before and after, where they moved:
        ``["quantity 100 -> 120"]`` (empty for an added or removed line)."""
        if self.old is None or self.new is None:
            return []
        pairs = (
            ("quantity", self.old.unit_qty, self.new.unit_qty),
            ("unit cost", self.old.unit_cost, self.new.unit_cost),
        )
        return [
            f"{name} {_figure(before)} -> {_figure(after)}"
            for name, before, after in pairs
            if before != after
        ]


def _figure(value: Decimal | None) -> str:
    return "blank" if value is None else f"{value.normalize():,f}"


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
    ANSWERED = "answered"
    OPEN = "not addressed"
    CHECK = "check by hand"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReasonReview:
    """One earlier rejection reason, how the re-send relates to it, and the admin's Response
    to it ("" when none)."""

    reason: str
    line: LineKey | None
    status: ReasonStatus
    explanation: str
    response: str = ""


@dataclass(frozen=True, slots=True)
class ReturnedAmount:
    """A changed line whose new amount is the one an earlier rejection turned down."""

    key: LineKey
    amount: Decimal
    version: int  # the rejected version that had this amount


@dataclass(frozen=True, kw_only=True)
class ResendAssessment:
    """How a re-send compares with the version that was rejected (``previous``, its lines).
    ``unchanged_flags``: the flagged lines left as they were with no Response; ``returns``:
    changed lines that bring back an amount rejected before."""

    rejection: Rejection
    changes: list[LineChange]
    reasons: list[ReasonReview]
    unchanged_flags: list[LineFlag]
    returns: list[ReturnedAmount] = field(default_factory=list)
    previous: Sequence[BudgetLine] = ()  # the rejected version's lines

    def unanswered(self) -> list[ReasonReview]:
        """The reasons with no Response beside them."""
        return [review for review in self.reasons if not review.response]


def assess_resend(
    previous: Sequence[BudgetLine],
    new: Sequence[BudgetLine],
    rejection: Rejection,
    responses: Sequence[ReasonResponse] = (),
) -> ResendAssessment:
    """Compare a re-send with the rejected version and review each reason and flagged line,
    with the admin's Response to it: a flagged line left unchanged counts as answered by one."""
    changes = diff_lines(previous, new)
    touched = {change.key for change in changes}
    reviews: list[ReasonReview] = []
    unchanged: list[LineFlag] = []
    for flag in rejection.flags:
        answer = response_to(responses, flag.note, flag.key)
        if flag.key in touched:
            reviews.append(_flag_review(flag, changes, answer))
            continue
        status = ReasonStatus.ANSWERED if answer else ReasonStatus.OPEN
        reviews.append(
            ReasonReview(
                reason=flag.note,
                line=flag.key,
                status=status,
                explanation="line unchanged",
                response=answer,
            )
        )
        if not answer:
            unchanged.append(flag)
    codes = {line.cost_code for line in (*previous, *new)}
    touched_codes = {key.cost_code for key in touched}
    for text in rejection.reasons:
        review = _text_review(text, codes, touched_codes)
        answer = response_to(responses, text, None)
        if answer and review.status is not ReasonStatus.ADDRESSED:
            review = replace(review, status=ReasonStatus.ANSWERED)
        reviews.append(replace(review, response=answer))
    return ResendAssessment(
        rejection=rejection,
        changes=changes,
        reasons=reviews,
        unchanged_flags=unchanged,
        previous=previous,
    )


def response_to(responses: Sequence[ReasonResponse], reason: str, line: LineKey | None) -> str:
    """The Response written beside a reason: beside its line for a flagged line, beside the
    same text (spaces and case aside) for a free-text reason; "" when none."""
    if line is not None:
        wanted = _squeezed(str(line))
        found = (r.text for r in responses if _squeezed(r.line) == wanted)
    else:
        text = _spaced(reason)
        found = (r.text for r in responses if not r.line.strip() and _spaced(r.reason) == text)
    return next(found, "")


def _spaced(text: str) -> str:
    # cleaned: the handed-back workbook shows the reason cleaned, and its Response comes
    # back beside that text
    return " ".join(clean_text(text).split()).casefold()


def _squeezed(text: str) -> str:
    return "".join(text.split()).casefold()


def _flag_review(flag: LineFlag, changes: list[LineChange], answer: str) -> ReasonReview:
    change = next(c for c in changes if c.key == flag.key)
    return ReasonReview(
        reason=flag.note,
        line=flag.key,
        status=ReasonStatus.ADDRESSED,
        explanation=f"line {change.kind}",
        response=answer,
    )


def _text_review(text: str, codes: set[str], touched_codes: set[str]) -> ReasonReview:
    """A free-text reason looks addressed when every cost code it names has a changed line."""
    named = sorted(code for code in codes if mentions(text, code))
    if not named:
        return ReasonReview(
            reason=text,
            line=None,
            status=ReasonStatus.CHECK,
            explanation="names no cost code of the budget",
        )
    still = [code for code in named if code not in touched_codes]
    if still:
        return ReasonReview(
            reason=text,
            line=None,
            status=ReasonStatus.OPEN,
            explanation=f"no change on {', '.join(still)}",
        )
    return ReasonReview(
        reason=text,
        line=None,
        status=ReasonStatus.ADDRESSED,
        explanation=f"changed: {', '.join(named)}",
    )


def mentions(text: str, code: str) -> bool:
    """Whether a reason names a cost code (as a whole word: 03-300 is not in 03-3000)."""
    return re.search(rf"(?<![\w-]){re.escape(code)}(?![\w-])", text) is not None


def delta_lines(base: Sequence[BudgetLine], new: Sequence[BudgetLine]) -> list[BudgetLine]:
    """What a budget change adds to the exported version: one line per line key that moved.

    The ERP adds change records to what it has (Intacct: "All lines are additive"; Sage 300:
    approved estimate changes), so each carries the difference: new amount minus exported
    amount, a removed line as the negative of its whole amount. Where either side has a
    quantity, the quantity's difference travels with it (a blank quantity counts as none),
    and the unit is the new one (a removed line's: its own), so drywall 33,480 -> 36,400 SF
    reaches the ERP as +2,920 SF beside the amount. A line whose amount, quantity and unit
    did not move is left out: the ERP has it already. A difference has no unit cost of its
    own; an added line, all new, keeps its unit cost.
    """
    lines: list[BudgetLine] = []
    for change in diff_lines(base, new):
        old, now = change.old, change.new
        quantity = _quantity_delta(old, now)
        unit_moved = (
            quantity is not None and old is not None and now is not None and old.uom != now.uom
        )
        if not change.delta and not quantity and not unit_moved:
            continue
        line = now or old
        assert line is not None
        lines.append(
            BudgetLine(
                row=line.row,
                sub_job=line.sub_job,
                cost_code=line.cost_code,
                cost_type=line.cost_type,
                description=line.description,
                amount=change.delta,
                unit_qty=quantity,
                uom=line.uom,
                unit_cost=now.unit_cost if old is None and now is not None else None,
            )
        )
    return lines


def _quantity_delta(old: BudgetLine | None, new: BudgetLine | None) -> Decimal | None:
    """New quantity minus old, a missing line or blank quantity counting as none; None when
    neither side has a quantity."""
    before = old.unit_qty if old is not None else None
    after = new.unit_qty if new is not None else None
    if before is None and after is None:
        return None
    return (after or Decimal(0)) - (before or Decimal(0))
