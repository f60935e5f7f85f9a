"""Amounts that earlier rejections turned down, and the changes that bring one of them back,
so the approver is told instead of seeing only "amount changed"."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.changes import ChangeKind, LineChange, ReturnedAmount, mentions
from pipeline.domain.review import Rejection


@dataclass(frozen=True)
class RejectedVersion:
    """A version that was rejected: its lines and the rejection."""

    lines: Sequence[BudgetLine]
    rejection: Rejection


def turned_down(version: RejectedVersion) -> dict[LineKey, Decimal]:
    """What a rejection turned down: the amounts of its flagged lines, and of the lines of
    every cost code one of its reasons names. A reason naming no code says nothing about
    single amounts, so it turns none down."""
    rejection = version.rejection
    flagged = {flag.key for flag in rejection.flags}
    codes = {line.cost_code for line in version.lines}
    named = {code for code in codes if any(mentions(text, code) for text in rejection.reasons)}
    return {
        line.key: line.amount
        for line in version.lines
        if line.key in flagged or line.cost_code in named
    }


def returned_amounts(
    changes: Sequence[LineChange], rejected: Iterable[RejectedVersion]
) -> list[ReturnedAmount]:
    """The changed lines whose new amount is one a rejection turned down for that line, each
    with the earliest version rejected with it, in the order of ``changes``."""
    moved = {
        change.key: change.new.amount
        for change in changes
        if change.new is not None and change.kind in (ChangeKind.ADDED, ChangeKind.AMOUNT)
    }
    found: dict[LineKey, ReturnedAmount] = {}
    for version in sorted(rejected, key=lambda v: v.rejection.version):
        for key, amount in turned_down(version).items():
            if key not in found and moved.get(key) == amount:
                found[key] = ReturnedAmount(key, amount, version.rejection.version)
    return [found[change.key] for change in changes if change.key in found]


def describe_returns(returns: Sequence[ReturnedAmount]) -> list[str]:
    """One sentence per rejected version, for people:
    ``brings back the amount rejected in v1 for: 03-300 / M, 09-900 / S``."""
    versions = sorted({r.version for r in returns})
    return [
        f"brings back the amount rejected in v{version} for: "
        + ", ".join(str(r.key) for r in returns if r.version == version)
        for version in versions
    ]
