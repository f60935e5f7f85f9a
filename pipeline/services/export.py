"""Use case: write the ERP import file of an accepted budget into the outbox, exactly once.

An original budget exports every line; a budget change after an export exports only the
changed amounts, as the ERP's approved changes. A crash after the file is published but
before it is recorded is healed by adopting that file, never by writing a second one.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.config import profile_for_settings
from pipeline.domain.budget import money
from pipeline.domain.changes import delta_lines
from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Action, Event, ProjectBudget
from pipeline.domain.names import change_reference, export_file, project_stem
from pipeline.domain.people import Role
from pipeline.errors import InvalidTransition, UnknownProject
from pipeline.services import notifications
from pipeline.services.actors import acting_person
from pipeline.services.context import Services
from pipeline.services.handed_back import tidy_after
from pipeline.services.ports import ExportJob, ExportRecord


def profile_for(app: Services, project_number: str) -> str:
    """The ERP profile of a job: its own, else the company's."""
    return profile_for_settings(app.settings, project_number)


def export_accepted(app: Services, project_number: str) -> ExportRecord:
    """Export the accepted version once; for an exported one, return its record unchanged."""
    budget = _budget(app, project_number)
    if not budget.to_export:
        done = [r for r in app.store.exports(budget.project_number) if r.version == budget.version]
        if done and budget.in_erp:
            return done[0]
        raise InvalidTransition(f"budget {project_number} is {budget.status}: cannot export")
    job = export_job(app, budget)
    record = _adopt_published(app, budget, job) or _publish(
        app, job, profile_for(app, budget.project_number), _next_seq(app, budget), job.kind
    )
    mail = notifications.exported(app, budget.sender, record, _accepted_by(app, budget))
    with app.store.transaction():
        notifications.enqueue_all(app, mail)
        budget.mark_exported(
            at=app.clock.now(),
            file_sha256=record.sha256,
            detail=f"{record.file_name}: {record.line_count} lines, "
            f"total {money(Decimal(record.total))} ({record.kind})",
        )
        app.store.save_budget(budget)
        app.store.add_export(record)
    tidy_after(app, budget.project_number, budget.version)
    return record


def export_again(app: Services, project_number: str, by: str | None) -> ExportRecord:
    """Write the last export once more, under the next sequence number (recorded).

    Only a budget admin or an accounting approver of the project may ask.
    """
    budget = _budget(app, project_number)
    actor = acting_person(
        app,
        by,
        budget.project_number,
        tuple(Role),
        "a budget admin or an accounting approver",
    )
    exports = [
        r for r in app.store.exports(budget.project_number) if r.kind is not ExportKind.AGAIN
    ]
    if not exports or not budget.exported_before:
        raise InvalidTransition(f"budget {project_number} is {budget.status}: nothing exported")
    last = exports[-1]
    job = export_job(app, budget, version=last.version)
    seq = (
        max(r.seq for r in app.store.exports(budget.project_number) if r.version == last.version)
        + 1
    )
    record = _publish(app, job, last.profile, seq, ExportKind.AGAIN)
    with app.store.transaction():
        app.store.add_export(record)
        app.store.record(
            Event(
                budget.project_number,
                last.version,
                Action.EXPORT_AGAIN,
                actor.name,
                record.at,
                f"{record.file_name}: written again ({job.kind})",
                record.sha256,
                actor.account,
            )
        )
    return record


def render_export(app: Services, project_number: str, profile: str, target: Path) -> Path:
    """The last exported version in another profile, at ``target``, for a person to check."""
    budget = _budget(app, project_number)
    exports = [
        r for r in app.store.exports(budget.project_number) if r.kind is not ExportKind.AGAIN
    ]
    if not exports:
        raise InvalidTransition(f"budget {project_number} was never exported")
    app.exporter(profile, export_job(app, budget, version=exports[-1].version), target)
    return target


def export_job(app: Services, budget: ProjectBudget, version: int | None = None) -> ExportJob:
    """What the ERP file of a version holds: all lines, or the change since the last export."""
    version = version or budget.version
    submission = app.store.submission(budget.project_number, version)
    lines = app.store.lines(budget.project_number, version)
    base = [
        r
        for r in app.store.exports(budget.project_number)
        if r.version < version and r.kind is not ExportKind.AGAIN and r.result.counts
    ]
    kind = ExportKind.ORIGINAL
    if base:
        kind = ExportKind.CHANGE
        lines = delta_lines(app.store.lines(budget.project_number, base[-1].version), lines)
    return ExportJob(
        budget.project_number,
        submission.project_name if submission else "",
        version,
        kind,
        lines,
        app.clock.now(),
    )


def _publish(
    app: Services, job: ExportJob, profile: str, seq: int, kind: ExportKind
) -> ExportRecord:
    spec = app.exporter.profile(profile)
    change = job.kind is ExportKind.CHANGE
    label = spec.change.label if change and spec.change.by_folder else ""
    name = export_file(job.project_number, job.version, seq, change, spec.extension, label)
    total = sum((line.amount for line in job.lines), Decimal("0.00"))
    manifest: dict[str, object] = {
        "project_number": job.project_number,
        "version": job.version,
        "seq": seq,
        "kind": kind,
        "profile": profile,
        "line_count": len(job.lines),
        "total": f"{total:.2f}",
        "created_at": job.at.isoformat(),
        "import_as": spec.workflow.get(job.kind, str(job.kind)),
    }
    if label:  # the person importing must choose it: the manifest tells them how
        manifest["import_option"] = spec.change.import_option
        if spec.change.reference_length:
            manifest["reference"] = change_reference(job.version, seq, spec.change.reference_length)
    sha = app.erp_outbox.publish(
        name,
        lambda temp: app.exporter(profile, job, temp),
        manifest,
        app.settings.export_done_marker,
    )
    return ExportRecord(
        job.project_number,
        job.version,
        name,
        sha,
        len(job.lines),
        f"{total:.2f}",
        job.at,
        seq,
        kind,
        profile,
    )


def _adopt_published(app: Services, budget: ProjectBudget, job: ExportJob) -> ExportRecord | None:
    """A file published before a crash, never recorded: it is the export, not a new one."""
    recorded = {r.file_name for r in app.store.exports(budget.project_number)}
    for manifest in app.erp_outbox.published(
        budget.project_number, project_stem(budget.project_number), budget.version
    ):
        if manifest["file"] not in recorded and manifest.get("kind") != ExportKind.AGAIN:
            if app.settings.export_done_marker:
                app.erp_outbox.mark_done(manifest["file"])  # the crash may have come before it
            return ExportRecord(
                budget.project_number,
                budget.version,
                manifest["file"],
                manifest["sha256"],
                int(manifest["line_count"]),
                str(manifest["total"]),
                job.at,
                int(manifest["seq"]),
                ExportKind(manifest["kind"]),
                str(manifest["profile"]),
            )
    return None


def _accepted_by(app: Services, budget: ProjectBudget) -> str:
    """Who accepted the version being exported (the last accept recorded for it)."""
    accepts = [
        e.actor
        for e in app.store.history(budget.project_number)
        if e.version == budget.version and e.action is Action.ACCEPT
    ]
    return accepts[-1] if accepts else ""


def _next_seq(app: Services, budget: ProjectBudget) -> int:
    seqs = [r.seq for r in app.store.exports(budget.project_number) if r.version == budget.version]
    return max(seqs, default=0) + 1


def _budget(app: Services, project_number: str) -> ProjectBudget:
    budget = app.store.get_budget(project_number)
    if budget is None:
        raise UnknownProject(f"no budget for project {project_number}")
    return budget
