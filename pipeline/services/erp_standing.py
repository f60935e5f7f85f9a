"""Use case: where a budget stands with the ERP, for the status page, ``status`` and the daily
mail: the version in force, and once results are in use, what the ERP confirmed, what it has
not answered yet, and what it refused.

"Results in use": ``[export] results`` true, or ``"auto"`` (the default) once any result file
has been applied in the workspace. Before that nothing can be confirmed, and nothing is said.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from pipeline.domain.exports import Confirmation, ExportKind, ExportResult, Refusal
from pipeline.domain.lifecycle import Action, ProjectBudget
from pipeline.services.context import Services
from pipeline.services.records import ExportRecord


@dataclass(frozen=True, kw_only=True)
class ErpStanding:
    """One budget's files as the ERP has them."""

    results_in_use: bool
    in_force: ExportRecord | None  # without results: the last export not refused
    confirmed: ExportRecord | None  # the newest file the ERP said it imported
    unconfirmed: ExportRecord | None  # the newest file sent after it, not answered yet
    refusal: Refusal | None  # the refusal that put the budget back before the approver

    @property
    def confirmation(self) -> str:
        """Of the newest file that counts: refused, sent but not confirmed, or confirmed;
        "" without results in use, or when nothing was sent."""
        if self.refusal is not None:
            return Confirmation.REFUSED
        if not self.results_in_use:
            return ""
        if self.unconfirmed is not None:
            return Confirmation.UNCONFIRMED
        return Confirmation.CONFIRMED if self.confirmed is not None else ""

    def files(self) -> list[ExportRecord]:
        """The files an "in the ERP" column names: with results in use the confirmed one and
        the one sent after it, else the one in force."""
        if not self.results_in_use:
            return [self.in_force] if self.in_force is not None else []
        return [r for r in (self.confirmed, self.unconfirmed) if r is not None]

    def in_erp(self, folder: str = "") -> str:
        """``v1 (P-1001_v1_001.csv): in the ERP (confirmed)``, then the file sent since, if
        any; without results in use ``v1 (P-1001_v1_001.csv)``, as before results. Each file
        name after ``folder`` (``outbox/`` for the command line)."""
        if not self.results_in_use:
            record = self.in_force
            if record is None:
                return ""
            imported = ", imported" if record.result is ExportResult.SUCCESS else ""
            return f"v{record.version} ({folder}{record.file_name}{imported})"
        return "; ".join(
            f"v{record.version} ({folder}{record.file_name}): {label}"
            for record, label in (
                (self.confirmed, Confirmation.CONFIRMED),
                (self.unconfirmed, Confirmation.UNCONFIRMED),
            )
            if record is not None
        )


def results_in_use(app: Services, exports: Iterable[ExportRecord]) -> bool:
    """Whether the ERP's answers are in use: ``[export] results``, or with "auto" whether
    any of ``exports`` (every export of the workspace) has had an answer."""
    setting = app.settings.export_results
    if setting is not None:
        return setting
    return any(record.result is not ExportResult.NONE for record in exports)


def standing(
    app: Services, budget: ProjectBudget, exports: Sequence[ExportRecord], results: bool
) -> ErpStanding:
    """Where ``budget`` stands with the ERP, from its exports (oldest first)."""
    confirmed = next((r for r in reversed(exports) if r.result is ExportResult.SUCCESS), None)
    after = exports[exports.index(confirmed) + 1 :] if confirmed is not None else exports
    unconfirmed = next((r for r in reversed(after) if r.result is ExportResult.NONE), None)
    return ErpStanding(
        results_in_use=results,
        in_force=export_in_force(exports),
        confirmed=confirmed,
        unconfirmed=unconfirmed,
        refusal=refusal_of(app, budget, exports),
    )


def export_in_force(exports: Sequence[ExportRecord]) -> ExportRecord | None:
    """The last version exported and not refused by the ERP, whatever became of later
    changes (pending, rejected or withdrawn); None when none was."""
    counted = [r for r in exports if r.kind is not ExportKind.AGAIN and r.result.counts]
    return max(counted, key=lambda r: (r.version, r.seq)) if counted else None


def refusal_of(
    app: Services, budget: ProjectBudget, exports: Sequence[ExportRecord]
) -> Refusal | None:
    """The refusal a budget is back before its approver for: the newest refused file of its
    version, and when the refusal was applied; None unless the budget is export_failed."""
    if not budget.export_failed:
        return None
    refused = [
        r for r in exports if r.version == budget.version and r.result is ExportResult.FAILURE
    ]
    if not refused:
        return None
    record = refused[-1]
    applied = [
        e.at
        for e in app.store.history(budget.project_number)
        if e.version == budget.version and e.action is Action.FAIL_EXPORT
    ]
    at = applied[-1] if applied else budget.changed_at or record.at
    zone = ZoneInfo(app.settings.time_zone)
    return Refusal(record.version, record.file_name, record.result_message, at.astimezone(zone))
