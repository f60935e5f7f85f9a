"""Use case: write the ERP import file of an accepted budget into the outbox, exactly once."""

from __future__ import annotations

from decimal import Decimal

from pipeline.adapters.folders import atomic_write, project_stem, sha256_file
from pipeline.domain.budget import money
from pipeline.domain.lifecycle import Status
from pipeline.errors import InvalidTransition, UnknownProject
from pipeline.services import notifications
from pipeline.services.context import Services
from pipeline.services.ports import ExportRecord


def export_accepted(app: Services, project_number: str) -> ExportRecord:
    """Export the accepted version; if it was exported already, return that record unchanged.

    The file name is fixed per project and version, so a re-run after a crash rewrites the
    same bytes under the same name and records it once.
    """
    budget = app.store.get_budget(project_number)
    if budget is None:
        raise UnknownProject(f"no budget for project {project_number}")
    existing = app.store.export(project_number, budget.version)
    if existing is not None:
        return existing
    if budget.status is not Status.ACCEPTED:
        raise InvalidTransition(f"budget {project_number} is {budget.status}: cannot export")
    lines = app.store.lines(project_number, budget.version)
    name = f"{project_stem(project_number)}_v{budget.version}_budget{app.exporter.suffix}"
    target = app.settings.outbox / name
    atomic_write(target, lambda temp: app.exporter(project_number, lines, temp))
    now = app.clock.now()
    total = sum((line.amount for line in lines), Decimal("0.00"))
    record = ExportRecord(
        project_number, budget.version, name, sha256_file(target), len(lines), str(total), now
    )
    mail = notifications.exported(app, budget.sender, record)
    with app.store.transaction():
        notifications.enqueue_all(app, mail)
        budget.mark_exported(
            at=now,
            file_sha256=record.sha256,
            detail=f"{name}: {len(lines)} lines, total {money(total)}",
        )
        app.store.save_budget(budget)
        app.store.add_export(record)
    return record
