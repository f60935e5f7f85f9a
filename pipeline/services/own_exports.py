"""Use case part: before an ERP file of a version is written, tell our own files under the
version's names from anything else there.

A file whose intent the store recorded with exactly its hashes is ours: it is adopted when a
crash came between its rename and its record. Anything else under one of the version's names
(a planted manifest, a data file, a done-marker) is moved to ``outbox/foreign/``, recorded in
the history and mailed to the project's approvers. The next file takes a number that no file
of that version has had: above every export and intent recorded, every name in the folder,
and every name set aside.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Action, Event
from pipeline.domain.names import FOREIGN
from pipeline.domain.own_exports import Ownership, PublishedName, ownership
from pipeline.domain.people import Role
from pipeline.services import foreign_mail, notifications
from pipeline.services.context import Services, logger
from pipeline.services.records import ExportRecord

OURS = frozenset({Ownership.PUBLISHED, Ownership.TAKEN})


@dataclass(frozen=True)
class ClearedWay:
    """A version's names once what is not ours is set aside: our own files never recorded
    (published, or taken by the ERP), oldest first, and the next free sequence number."""

    unrecorded: list[ExportRecord]
    next_seq: int

    @property
    def adoptable(self) -> ExportRecord | None:
        """The version's own export, written before a crash and never recorded (a copy
        written ``--again`` is not one)."""
        return next((r for r in self.unrecorded if r.kind is not ExportKind.AGAIN), None)


def clear_the_way(app: Services, project_number: str, version: int) -> ClearedWay:
    """Set aside what lies under the version's names in the outbox and is not ours."""
    # The folder first, then the store: an intent is committed before its file appears, so
    # whatever the listing saw of ours, the store read after it knows.
    found = app.erp_outbox.published(project_number, version)
    intents = {i.record.file_name: i for i in app.store.export_intents(project_number, version)}
    exports = [r for r in app.store.exports(project_number) if r.version == version]
    recorded = {r.file_name for r in exports}
    unrecorded = []
    for name in found:
        if name.name in recorded:
            continue
        intent = intents.get(name.name)
        verdict = ownership(name, intent.fingerprint if intent else None)
        if verdict is Ownership.FOREIGN:
            set_aside(app, project_number, version, name)
        elif verdict in OURS and intent is not None:
            unrecorded.append(intent.record)
    used = [
        *(r.seq for r in exports),
        *(i.record.seq for i in intents.values()),
        *(n.seq for n in found),
        *app.erp_outbox.seqs_in_foreign(project_number, version),
    ]
    return ClearedWay(unrecorded, max(used, default=0) + 1)


def set_aside(app: Services, project_number: str, version: int, found: PublishedName) -> None:
    """Report what lies under one of the version's names and is not ours (the history, and
    the approvers' mail, in one transaction), then move it to ``outbox/foreign/``.

    Reported first: a crash before the move reports it again on the next pass, never not
    at all; the mail goes once (its key is the name and its hashes).
    """
    entries = found.entries
    listed = ", ".join(
        f"{e.name} (sha256 {e.sha256 or 'none: not a regular file'})" for e in entries
    )
    event = Event(
        project_number=project_number,
        version=version,
        action=Action.FOREIGN_FILE,
        actor="budget-erp",
        at=app.clock.now(),
        detail=f"not budget-erp's ERP file (no intent recorded with these bytes), "
        f"moved to outbox/{FOREIGN}/: {listed}",
        file_sha256=next((e.sha256 for e in entries if e.sha256), ""),
    )
    approvers = app.identity.people().holders(Role.ACCOUNTING_APPROVER, project_number)
    mail = foreign_mail.foreign_file(app, approvers, project_number, version, found)
    with app.store.transaction():
        app.store.record(event)
        notifications.enqueue_all(app, mail)
    moved = app.erp_outbox.move_to_foreign(found)
    logger.warning(
        "%s: %s under the name of an ERP file of version %d is not ours: moved to outbox/%s",
        project_number,
        ", ".join(e.name for e in entries),
        version,
        ", outbox/".join(moved),
    )
