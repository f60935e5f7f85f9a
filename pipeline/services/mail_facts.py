"""Use case helper: the amounts every email about a version states. Its total and line count
and, when it stands on an earlier version, its net change against that one: the version in
force in the ERP (a budget change, or a re-send of one), else, for a re-send of a budget never
exported, the version that was rejected. One place, so every email says it the same way."""

from __future__ import annotations

from decimal import Decimal

from pipeline.domain.budget import money
from pipeline.domain.lifecycle import Action, Submission
from pipeline.services.context import Services
from pipeline.services.erp_standing import export_in_force

IN_THE_ERP = "in the ERP"

NO_AMOUNTS: dict[str, object] = {
    "total": "",
    "line_count": 0,
    "base_version": 0,
    "base": "",
    "base_in_erp": False,
    "base_total": "",
    "net_change": "",
}


def amounts(app: Services, submission: Submission | None) -> dict[str, object]:
    """``total`` and ``line_count`` of ``submission``; the version it stands on: ``base_version``,
    ``base`` ("version 1 in the ERP", "rejected version 1"; ``base_in_erp`` which),
    ``base_total`` and
    ``net_change`` ("+1,000.00"); those blank (``base_version`` 0) for a first send. None:
    all blank."""
    if submission is None:
        return dict(NO_AMOUNTS)
    facts: dict[str, object] = {
        **NO_AMOUNTS,
        "total": money(Decimal(submission.total)),
        "line_count": submission.line_count,
    }
    found = _base(app, submission)
    if found is None:
        return facts
    base, description = found
    return {
        **facts,
        "base_version": base.version,
        "base": description,
        "base_in_erp": description.endswith(IN_THE_ERP),
        "base_total": money(Decimal(base.total)),
        "net_change": signed(Decimal(submission.total) - Decimal(base.total)),
    }


def signed(amount: Decimal) -> str:
    """A net change as people read it: "+1,000.00", "-250.00", "0.00"."""
    return ("+" if amount > 0 else "") + money(amount)


def _base(app: Services, submission: Submission) -> tuple[Submission, str] | None:
    """The version ``submission`` is compared with, and how it stands; None for a first send.
    Only versions before it count: once exported, a version is not its own base."""
    project = submission.project_number
    earlier = [r for r in app.store.exports(project) if r.version < submission.version]
    in_force = export_in_force(earlier)
    if in_force is not None:
        sent = app.store.submission(project, in_force.version)
        if sent is not None:
            return sent, f"version {sent.version} {IN_THE_ERP}"
    if submission.action is Action.RESEND:
        rejected = app.store.submission(project, submission.version - 1)
        if rejected is not None:
            return rejected, f"rejected version {rejected.version}"
    return None
