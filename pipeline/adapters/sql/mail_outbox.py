"""The mail outbox in the state database: queue once by key, deliver, retry, give up loudly."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from pipeline.adapters.sql.queries import Queries
from pipeline.domain.notification import MailStatus, Notification, QueuedMail

_COLUMNS = (
    "key, template, recipients, subject, text, html, created_at, status, attempts, "
    "next_attempt_at, last_error, sent_at, copy_to"
)


def utc_text(moment: datetime) -> str:
    """A timestamp as UTC ISO text, so that SQL compares times as strings correctly."""
    return moment.astimezone(UTC).isoformat()


class OutboxQueries(Queries):
    """Mail outbox methods of the store (they share its connection and transactions)."""

    def enqueue(self, notification: Notification) -> bool:
        """Queue a notification unless one with its key exists; True if queued now."""
        n = notification
        cursor = self.db.execute(
            f"INSERT INTO notifications ({_COLUMNS}) VALUES "
            f"(?, ?, ?, ?, ?, ?, ?, '{MailStatus.QUEUED}', 0, ?, '', NULL, ?) "
            "ON CONFLICT (key) DO NOTHING",
            (
                n.key,
                n.template,
                json.dumps(list(n.to)),
                n.subject,
                n.text,
                n.html,
                utc_text(n.created_at),
                utc_text(n.created_at),
                json.dumps(list(n.copy_to)),
            ),
        )
        return cursor.rowcount == 1

    def has_notification(self, key: str) -> bool:
        """Whether a notification with this key was ever queued."""
        return (
            self.db.execute("SELECT 1 FROM notifications WHERE key=?", (key,)).fetchone()
            is not None
        )

    def due_mail(self, now: datetime) -> list[QueuedMail]:
        """Queued notifications whose next attempt is due, oldest first."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM notifications WHERE status='{MailStatus.QUEUED}' "
            "AND next_attempt_at<=? ORDER BY created_at, key",
            (utc_text(now),),
        )
        return [_queued(row) for row in rows]

    def mail_queue(self, limit: int = 200) -> list[QueuedMail]:
        """The newest notifications in any state, for ``budget-erp mail``."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM notifications ORDER BY created_at DESC, key LIMIT ?", (limit,)
        )
        return [_queued(row) for row in rows]

    def unsent_mail(self, limit: int = 200) -> list[QueuedMail]:
        """The oldest notifications still queued or given up on, for the status page."""
        rows = self.db.execute(
            f"SELECT {_COLUMNS} FROM notifications WHERE status != '{MailStatus.SENT}' "
            "ORDER BY created_at, key LIMIT ?",
            (limit,),
        )
        return [_queued(row) for row in rows]

    def mark_sent(self, key: str, at: datetime) -> None:
        """The message left us."""
        self.db.execute(
            f"UPDATE notifications SET status='{MailStatus.SENT}', sent_at=?, "
            "attempts=attempts+1 WHERE key=?",
            (utc_text(at), key),
        )

    def mark_retry(self, key: str, error: str, next_attempt_at: datetime) -> None:
        """A temporary failure: try again later."""
        self.db.execute(
            "UPDATE notifications SET attempts=attempts+1, last_error=?, "
            "next_attempt_at=? WHERE key=?",
            (error, utc_text(next_attempt_at), key),
        )

    def mark_failed(self, key: str, error: str) -> None:
        """A permanent failure: no more attempts."""
        self.db.execute(
            f"UPDATE notifications SET status='{MailStatus.FAILED}', attempts=attempts+1, "
            "last_error=? WHERE key=?",
            (error, key),
        )

    def requeue(self, now: datetime, failed_too: bool = False) -> int:
        """Make queued notifications (and failed ones, if asked) due now; return how many."""
        statuses = (MailStatus.QUEUED, MailStatus.FAILED) if failed_too else (MailStatus.QUEUED,)
        cursor = self.db.execute(
            f"UPDATE notifications SET status='{MailStatus.QUEUED}', next_attempt_at=? "
            f"WHERE status IN ({','.join('?' * len(statuses))})",
            (utc_text(now), *statuses),
        )
        return cursor.rowcount


def _queued(row: tuple[Any, ...]) -> QueuedMail:
    notification = Notification(
        key=row[0],
        template=row[1],
        to=tuple(json.loads(row[2])),
        subject=row[3],
        text=row[4],
        html=row[5],
        created_at=datetime.fromisoformat(row[6]),
        copy_to=tuple(json.loads(row[12])),
    )
    return QueuedMail(
        notification=notification,
        status=MailStatus(row[7]),
        attempts=row[8],
        next_attempt_at=datetime.fromisoformat(row[9]),
        last_error=row[10],
        sent_at=datetime.fromisoformat(row[11]) if row[11] else None,
    )
