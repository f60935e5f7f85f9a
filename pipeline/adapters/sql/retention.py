"""Pruning the state (``budget-erp prune``), in SQL that SQLite and PostgreSQL both run: the
records past their retention go, and what the archive must keep is listed. Times are compared
in Python, parsed, so that no stored offset can make an old row look new."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from datetime import datetime
from typing import Any

from pipeline.adapters.sql.mail_outbox import utc_text
from pipeline.adapters.sql.queries import Queries
from pipeline.domain.notification import MailStatus
from pipeline.services.records import ArchiveReferences

# Notes name the bytes they moved to the archive ("... (sha256 3f2a9c01bd4e)"): a kept note
# keeps them. Twelve hex digits at least, the shortest any note writes.
_NAMED_SHA = re.compile(r"sha256 ([0-9a-f]{12})")
_BATCH = 500  # keys per DELETE: few statements, and well under either engine's limits


class RetentionQueries(Queries):
    """Pruning methods of the store (they share its connection and transactions)."""

    def projects_with_status(self, statuses: Collection[str]) -> set[str]:
        """The project numbers (folded to lower case) of budgets in one of ``statuses``."""
        marks = ", ".join("?" * len(statuses))
        rows = self.db.execute(
            f"SELECT project_number FROM budgets WHERE status IN ({marks})", tuple(statuses)
        )
        return {str(row[0]).lower() for row in rows}

    def prune_events(
        self, actions: Collection[str], before: datetime, kept_projects: set[str]
    ) -> int:
        """Remove the events of ``actions`` older than ``before``, but those of
        ``kept_projects``; how many went."""
        marks = ", ".join("?" * len(actions))
        rows = self.db.execute(
            f"SELECT id, project_number, at FROM events WHERE action IN ({marks})",
            tuple(actions),
        )
        doomed = [row[0] for row in rows if _old(row[2], before, row[1], kept_projects)]
        return self._delete("events", "id", doomed)

    def prune_sent_mail(self, before: datetime) -> int:
        """Remove the mail sent before ``before`` (never one queued, or one that failed:
        that one waits for a person); how many went."""
        cursor = self.db.execute(
            f"DELETE FROM notifications WHERE status = '{MailStatus.SENT}' AND sent_at < ?",
            (utc_text(before),),
        )
        return cursor.rowcount

    def prune_review_records(self, before: datetime, kept_projects: set[str]) -> tuple[int, int]:
        """Remove the review saves read and the review workbooks issued before ``before``,
        but those of ``kept_projects``; how many of each went."""
        saves = self.db.execute("SELECT sha256, project_number, at FROM decision_files")
        doomed_saves = [r[0] for r in saves if _old(r[2], before, r[1], kept_projects)]
        issues = self.db.execute("SELECT token, project_number, issued_at FROM review_issues")
        doomed_issues = [r[0] for r in issues if _old(r[2], before, r[1], kept_projects)]
        return (
            self._delete("decision_files", "sha256", doomed_saves),
            self._delete("review_issues", "token", doomed_issues),
        )

    def prune_hand_backs(self, before: datetime) -> int:
        """Remove the records of hand-backs tidied away before ``before``; how many went."""
        rows = self.db.execute(
            "SELECT name, cleared_at FROM handed_back WHERE cleared_at IS NOT NULL"
        )
        doomed = [row[0] for row in rows if datetime.fromisoformat(row[1]) < before]
        return self._delete("handed_back", "name", doomed)

    def archive_references(self) -> ArchiveReferences:
        """Every hash a record refers to: the files of the versions sent, of the events
        (decisions, exports, refusals...), the saves read, the reviews issued, the ERP files;
        and the hashes notes name in their words (their first twelve digits)."""
        hashes: set[str] = set()
        for sql in (
            "SELECT file_sha256 FROM submissions",
            "SELECT sha256 FROM decision_files",
            "SELECT sha256 FROM review_issues",
            "SELECT sha256 FROM erp_exports",
            "SELECT sha256 FROM export_intents",
            "SELECT manifest_sha256 FROM export_intents",
        ):
            hashes.update(str(row[0]) for row in self.db.execute(sql))
        prefixes: set[str] = set()
        for sha, detail in self.db.execute("SELECT file_sha256, detail FROM events"):
            hashes.add(str(sha))
            prefixes.update(_NAMED_SHA.findall(str(detail)))
        hashes.discard("")
        return ArchiveReferences(frozenset(hashes), frozenset(prefixes))

    def _delete(self, table: str, key: str, values: Iterable[Any]) -> int:
        keys = list(values)
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            marks = ", ".join("?" * len(batch))
            self.db.execute(f"DELETE FROM {table} WHERE {key} IN ({marks})", tuple(batch))
        return len(keys)


def _old(at: str, before: datetime, project_number: str, kept_projects: set[str]) -> bool:
    return datetime.fromisoformat(at) < before and project_number.lower() not in kept_projects
