"""Use case: write the ERP import file of an accepted budget into the outbox, exactly once.

An original budget exports every line; a budget change after an export exports only the
changed amounts, as the ERP's approved changes. Each file's name and hashes are recorded
before it is renamed into view: a crash after that is healed by adopting that very file,
never by writing a second one, and nothing else under our names is ever taken for it (see
``own_exports``).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.config import profile_for_settings
from pipeline.domain.budget import money
from pipeline.domain.changes import delta_lines
from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Submission
from pipeline.domain.names import change_reference, export_file
from pipeline.domain.own_exports import Fingerprint
from pipeline.domain.people import Role
from pipeline.errors import ExportError, ExportNameTaken, InvalidTransition, UnknownProject
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.actors import acting_person
from pipeline.services.context import Services, logger
from pipeline.services.current_budget import keep_current
from pipeline.services.hand_backs import tidy_after
from pipeline.services.own_exports import ClearedWay, clear_the_way
from pipeline.services.ports import ExportJob
from pipeline.services.records import ExportIntent, ExportRecord

# How many names in a row may be found taken while their file is written before the export
# gives up for this pass (each is set aside and reported first).
MAX_NAMES_TAKEN = 5


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
    way = clear_the_way(app, budget.project_number, budget.version)
    record = _adopted(app, way) or _publish_next(
        app, job, profile_for(app, budget.project_number), job.kind, way.next_seq
    )
    mail = notifications.exported(app, _submission(app, budget), record, _accepted(app, budget))
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
    crash_point("export_after_commit")
    keep_current(app, budget.project_number)  # without results, this version is in force now
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
    seq = clear_the_way(app, budget.project_number, last.version).next_seq
    record = _publish_next(app, job, last.profile, ExportKind.AGAIN, seq)
    with app.store.transaction():
        app.store.add_export(record)
        app.store.record(
            Event(
                project_number=budget.project_number,
                version=last.version,
                action=Action.EXPORT_AGAIN,
                actor=actor.name,
                at=record.at,
                detail=f"{record.file_name}: written again ({job.kind})",
                file_sha256=record.sha256,
                account=actor.account,
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
        project_number=budget.project_number,
        project_name=submission.project_name if submission else "",
        version=version,
        kind=kind,
        lines=lines,
        at=app.clock.now(),
    )


def _adopted(app: Services, way: ClearedWay) -> ExportRecord | None:
    """Our own file of the version, published before a crash and never recorded: it is the
    export, not a new one (its done-marker too, as the crash may have come before it)."""
    record = way.adoptable
    if record is not None and app.settings.export_done_marker:
        app.erp_outbox.mark_done(record.file_name)
    return record


def _publish_next(
    app: Services, job: ExportJob, profile: str, kind: ExportKind, seq: int
) -> ExportRecord:
    """Publish under ``seq``; when something turns up under that name while the file is
    written, it is set aside and reported like any other, and the next free name is tried."""
    for _ in range(MAX_NAMES_TAKEN):
        try:
            return _publish(app, job, profile, seq, kind)
        except ExportNameTaken as exc:
            logger.warning("%s: %s; the next free number is used", job.project_number, exc)
            seq = clear_the_way(app, job.project_number, job.version).next_seq
    raise ExportError(
        f"{job.project_number}: {MAX_NAMES_TAKEN} names in a row were taken while their ERP "
        "file was written; nothing was exported (the next pass tries again)"
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

    def record(sha256: str) -> ExportRecord:
        return ExportRecord(
            project_number=job.project_number,
            version=job.version,
            file_name=name,
            sha256=sha256,
            line_count=len(job.lines),
            total=f"{total:.2f}",
            at=job.at,
            seq=seq,
            kind=kind,
            profile=profile,
        )

    def intend(fingerprint: Fingerprint) -> None:
        with app.store.transaction():  # committed before anything appears under the name
            app.store.add_export_intent(
                ExportIntent(record(fingerprint.sha256), fingerprint.manifest_sha256)
            )
        crash_point("export_after_intent")

    sha = app.erp_outbox.publish(
        name,
        lambda temp: app.exporter(profile, job, temp),
        manifest,
        app.settings.export_done_marker,
        intend,
    )
    return record(sha)


def _accepted(app: Services, budget: ProjectBudget) -> Event | None:
    """Who accepted the version being exported, and when (the last accept recorded for it)."""
    accepts = [
        e
        for e in app.store.history(budget.project_number)
        if e.version == budget.version and e.action is Action.ACCEPT
    ]
    return accepts[-1] if accepts else None


def _submission(app: Services, budget: ProjectBudget) -> Submission:
    """The version being exported, as it was sent."""
    submission = app.store.submission(budget.project_number, budget.version)
    if submission is None:
        raise InvalidTransition(f"budget {budget.project_number} has no version {budget.version}")
    return submission


def _budget(app: Services, project_number: str) -> ProjectBudget:
    budget = app.store.get_budget(project_number)
    if budget is None:
        raise UnknownProject(f"no budget for project {project_number}")
    return budget
