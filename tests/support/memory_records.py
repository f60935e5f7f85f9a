"""Groups of the in-memory store's methods (``memory_store.py``): the ERP exports, the mail
outbox, the audit trail with the hand-backs, the passes, and pruning, each in the order and
with the keys the engines' SQL gives them."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import replace
from datetime import datetime
from typing import Any

from pipeline.domain.exports import ExportResult
from pipeline.domain.lifecycle import Event
from pipeline.domain.notification import MailStatus, Notification, QueuedMail
from pipeline.services.records import ArchiveReferences, ExportIntent, ExportRecord
from tests.support.memory_tables import (
    HandedBack,
    OnTables,
    insert,
    iso_text,
    old,
    prune,
    unique_name,
    utc,
)

# Notes name the bytes they moved to the archive ("... (sha256 3f2a9c01bd4e)"), as the
# engines' pruning reads them: twelve hex digits at least.
_NAMED_SHA = re.compile(r"sha256 ([0-9a-f]{12})")
_LAST_PASS = "last"


class MemoryExports(OnTables):
    """The ERP files about to be written and written, and the ERP's answers."""

    def add_export_intent(self, intent: ExportIntent) -> None:
        r = intent.record
        unique_name(self.tables.intents.values(), r.file_name, lambda i: i.record.file_name)
        insert(self.tables.intents, (r.project_number, r.version, r.seq), intent)

    def export_intents(self, project_number: str, version: int) -> list[ExportIntent]:
        found = [
            intent
            for (project, of_version, _), intent in self.tables.intents.items()
            if (project, of_version) == (project_number, version)
        ]
        return sorted(found, key=lambda intent: intent.record.seq)

    def export_intent_by_file(self, file_name: str) -> ExportIntent | None:
        found = self.tables.intents.values()
        return next((i for i in found if i.record.file_name == file_name), None)

    def add_export(self, record: ExportRecord) -> None:
        r = record
        unique_name(self.tables.exports.values(), r.file_name, lambda e: e.file_name)
        insert(self.tables.exports, (r.project_number, r.version, r.seq), record)

    def exports(self, project_number: str) -> list[ExportRecord]:
        found = [r for r in self.tables.exports.values() if r.project_number == project_number]
        return sorted(found, key=lambda r: (r.version, r.seq))

    def export_by_file(self, file_name: str) -> ExportRecord | None:
        return next((r for r in self.tables.exports.values() if r.file_name == file_name), None)

    def set_export_result(
        self, file_name: str, result: ExportResult, message: str, erp_ids: str
    ) -> None:
        for key, r in self.tables.exports.items():
            if r.file_name == file_name:
                answered = replace(r, result=result, result_message=message, erp_ids=erp_ids)
                self.tables.exports[key] = answered


class MemoryOutbox(OnTables):
    """The mail outbox: queued once by key, its times kept in UTC as the engines keep them."""

    def enqueue(self, notification: Notification) -> bool:
        if notification.key in self.tables.mail:
            return False
        created = utc(notification.created_at)
        queued = replace(notification, created_at=created)
        self.tables.mail[notification.key] = QueuedMail(
            notification=queued, status=MailStatus.QUEUED, attempts=0, next_attempt_at=created
        )
        return True

    def has_notification(self, key: str) -> bool:
        return key in self.tables.mail

    def due_mail(self, now: datetime) -> list[QueuedMail]:
        return _oldest_first(
            q
            for q in self.tables.mail.values()
            if q.status is MailStatus.QUEUED and q.next_attempt_at <= now
        )

    def mail_queue(self, limit: int = 200) -> list[QueuedMail]:
        newest = sorted(self.tables.mail.values(), key=lambda q: q.notification.key)
        newest.sort(key=lambda q: q.notification.created_at, reverse=True)  # stable: keys stay
        return newest[:limit]

    def unsent_mail(self, limit: int = 200) -> list[QueuedMail]:
        unsent = (q for q in self.tables.mail.values() if q.status is not MailStatus.SENT)
        return _oldest_first(unsent)[:limit]

    def mark_sent(self, key: str, at: datetime) -> None:
        self._attempted(key, status=MailStatus.SENT, sent_at=utc(at))

    def mark_retry(self, key: str, error: str, next_attempt_at: datetime) -> None:
        self._attempted(key, last_error=error, next_attempt_at=utc(next_attempt_at))

    def mark_failed(self, key: str, error: str) -> None:
        self._attempted(key, status=MailStatus.FAILED, last_error=error)

    def requeue(self, now: datetime, failed_too: bool = False) -> int:
        statuses = (MailStatus.QUEUED, MailStatus.FAILED) if failed_too else (MailStatus.QUEUED,)
        keys = [key for key, q in self.tables.mail.items() if q.status in statuses]
        for key in keys:
            self.tables.mail[key] = replace(
                self.tables.mail[key], status=MailStatus.QUEUED, next_attempt_at=utc(now)
            )
        return len(keys)

    def _attempted(self, key: str, **outcome: Any) -> None:
        """One more attempt counted, and its outcome (no such message: nothing)."""
        queued = self.tables.mail.get(key)
        if queued is not None:
            self.tables.mail[key] = replace(queued, attempts=queued.attempts + 1, **outcome)


class MemoryAuditTrail(OnTables):
    """The events of each budget, numbered as they come; the files handed back to admins;
    and the passes."""

    def record(self, event: Event) -> None:
        self.tables.events[self.tables.next_id()] = event

    def history(self, project_number: str) -> list[Event]:
        wanted = project_number.lower()
        events = sorted(self.tables.events.items())
        return [event for _, event in events if event.project_number.lower() == wanted]

    def add_hand_backs(self, project_number: str, names: list[str], at: datetime) -> None:
        for name in names:  # handed back again: it counts again
            self.tables.handed_back[name] = HandedBack(project_number, at)

    def hand_backs(self, project_number: str) -> list[str]:
        wanted = project_number.lower()
        found = [
            (iso_text(row.at), name)
            for name, row in self.tables.handed_back.items()
            if row.project_number.lower() == wanted and row.cleared_at is None
        ]
        return [name for _, name in sorted(found)]

    def clear_hand_backs(self, names: list[str], at: datetime) -> None:
        for name in names:
            row = self.tables.handed_back.get(name)
            if row is not None:
                self.tables.handed_back[name] = replace(row, cleared_at=at)

    def note_pass(self, at: datetime) -> None:
        self.tables.passes[_LAST_PASS] = at

    def last_pass(self) -> datetime | None:
        return self.tables.passes.get(_LAST_PASS)

    def decisions_mark(self) -> tuple[int, int]:
        issued = (number for number, _ in self.tables.review_issues.values())
        return max(self.tables.events, default=0), max(issued, default=0)


class MemoryRetention(OnTables):
    """Pruning (``budget-erp prune``), and what the archive must keep."""

    def projects_with_status(self, statuses: Collection[str]) -> set[str]:
        return {key for key, b in self.tables.budgets.items() if b.status in statuses}

    def prune_events(
        self, actions: Collection[str], before: datetime, kept_projects: set[str]
    ) -> int:
        return prune(
            self.tables.events,
            lambda e: e.action in actions and old(e.at, before, e.project_number, kept_projects),
        )

    def prune_sent_mail(self, before: datetime) -> int:
        return prune(
            self.tables.mail,
            lambda q: q.status is MailStatus.SENT and q.sent_at is not None and q.sent_at < before,
        )

    def prune_review_records(self, before: datetime, kept_projects: set[str]) -> tuple[int, int]:
        saves = prune(
            self.tables.decision_files,
            lambda saved: old(saved.at, before, saved.project_number, kept_projects),
        )
        issues = prune(
            self.tables.review_issues,
            lambda row: old(row[1].issued_at, before, row[1].project_number, kept_projects),
        )
        return saves, issues

    def prune_hand_backs(self, before: datetime) -> int:
        return prune(
            self.tables.handed_back,
            lambda row: row.cleared_at is not None and row.cleared_at < before,
        )

    def archive_references(self) -> ArchiveReferences:
        t = self.tables
        hashes = {
            *(s.file_sha256 for s in t.submissions.values()),
            *t.decision_files,
            *(issue.sha256 for _, issue in t.review_issues.values()),
            *(r.sha256 for r in t.exports.values()),
            *(i.record.sha256 for i in t.intents.values()),
            *(i.manifest_sha256 for i in t.intents.values()),
            *(e.file_sha256 for e in t.events.values()),
        }
        prefixes = {p for e in t.events.values() for p in _NAMED_SHA.findall(e.detail)}
        hashes.discard("")
        return ArchiveReferences(frozenset(hashes), frozenset(prefixes))

    def compact(self) -> None:
        """Nothing to give back: a dict shrinks as its rows go."""


def _oldest_first(mail: Iterable[QueuedMail]) -> list[QueuedMail]:
    return sorted(mail, key=lambda q: (q.notification.created_at, q.notification.key))
