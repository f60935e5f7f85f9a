"""Use case: a budget's amounts as people read them on the status page, ``status`` and the
daily summary: the total of its current version, and its net change against the version in
force in the ERP below it (the one a change is built on)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from pipeline.domain.budget import money
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.services.context import Services
from pipeline.services.erp_standing import export_in_force
from pipeline.services.records import ExportRecord


@dataclass(frozen=True)
class BudgetAmounts:
    """The current version's total; against the version in force below it, the net change."""

    total: Decimal | None
    below: int | None  # the version in force in the ERP that this one changes, if any
    net_change: Decimal | None  # total minus that version's; None without one

    @property
    def total_text(self) -> str:
        """``1,234.50``; empty when unknown."""
        return money(self.total) if self.total is not None else ""

    @property
    def net_change_text(self) -> str:
        """``+1,200.00``, ``-35.10`` or ``0.00``, as the emails write it; empty for a first
        budget."""
        if self.net_change is None:
            return ""
        return ("+" if self.net_change > 0 else "") + money(self.net_change)


def amounts(
    budget: ProjectBudget,
    total: str | None,
    exports: Sequence[ExportRecord],
    total_of: Callable[[int], str | None],
) -> BudgetAmounts:
    """``budget``'s amounts, from its current version's ``total`` (as stored) and its exports
    (oldest first): the net change is against the version in force before this one, whose
    whole total ``total_of(version)`` gives. Not its ERP file's total: a change file holds
    only the differences."""
    current = _decimal(total)
    below = export_in_force([r for r in exports if r.version < budget.version])
    if below is None:
        return BudgetAmounts(current, None, None)
    earlier = _decimal(total_of(below.version))
    change = current - earlier if current is not None and earlier is not None else None
    return BudgetAmounts(current, below.version, change)


def sent_totals(app: Services, project_number: str) -> Callable[[int], str | None]:
    """``total_of`` for :func:`amounts`: the whole total each version was sent with."""

    def total_of(version: int) -> str | None:
        sent = app.store.submission(project_number, version)
        return sent.total if sent else None

    return total_of


def _decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:  # an old record without a total: say nothing rather than wrong
        return None
