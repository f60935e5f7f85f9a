"""Use case part: names we own stay ours. Where a workbook of ours belongs (a review
workbook awaiting its approver, a rejected budget handed back), anything else holding the
name (a symbolic link, a folder, a FIFO) is reported in the history and to the project's
approvers, then moved to ``archive/squatted/``, so that ours can be written back. Nothing
it points to is read or followed. (A regular file under a review's name is read as a
decision first: one that is not the review issued goes the same way, refused: ``decisions``.)

Reported first, as ``own_exports.set_aside`` does: a crash before the move reports it again
on the next pass, never not at all; the mail goes once per name and kind.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.domain.lifecycle import Action, Event
from pipeline.domain.names import SQUATTED
from pipeline.services import foreign_mail, notifications
from pipeline.services.approval_routing import waiting_on
from pipeline.services.context import Services, logger


def reclaim(app: Services, path: Path, project_number: str, version: int, what: str) -> bool:
    """Move aside whatever holds ``path`` that is not a regular file; whether it did.
    ``what`` is what of ours belongs there ("review workbook")."""
    kind = app.folders.squatter(path)
    if not kind:
        return False
    folder = path.parent.relative_to(app.settings.root).as_posix()
    event = Event(
        project_number=project_number,
        version=version,
        action=Action.SQUATTED,
        actor="budget-erp",
        at=app.clock.now(),
        detail=f"{folder}/{path.name} was {kind} where budget-erp's {what} belongs: moved to "
        f"archive/{SQUATTED}/ and ours written back",
    )
    approvers = waiting_on(app, project_number, version)
    mail = foreign_mail.squatted_name(
        app, approvers, (project_number, version), (folder, path.name, kind), what
    )
    with app.store.transaction():
        app.store.record(event)
        notifications.enqueue_all(app, mail)
    target = set_aside(app, path)
    logger.warning(
        "%s: %s/%s was %s where our %s belongs: moved to archive/%s/%s",
        project_number,
        folder,
        path.name,
        kind,
        what,
        SQUATTED,
        target.name,
    )
    return True


def set_aside(app: Services, path: Path) -> Path:
    """Move what holds ``path`` into archive/squatted/ (under its name, or ``name (2)``...),
    never following it; where it went."""
    return app.folders.move_into(path, app.settings.archive / SQUATTED)
