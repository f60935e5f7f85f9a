"""Notifications as the domain sees them: what to send to whom, under a key that makes it once.

Also the pure timing rules: when the daily summary is due and how long to wait before a retry.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo


class MailStatus(enum.StrEnum):
    """Where a notification stands in the outbox."""

    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Notification:
    """A rendered message waiting in the outbox; ``key`` is unique, so it is queued once.
    ``copy_to`` are the addresses in copy (Cc): told, not asked to act."""

    key: str
    template: str
    to: tuple[str, ...]
    subject: str
    text: str
    html: str
    created_at: datetime
    copy_to: tuple[str, ...] = ()

    @property
    def message_id(self) -> str:
        """A Message-ID fixed by the key, so a retry is recognisably the same message."""
        return f"<{hashlib.sha256(self.key.encode()).hexdigest()[:32]}@budget-erp>"


@dataclass(frozen=True, slots=True, kw_only=True)
class QueuedMail:
    """A notification with its delivery state."""

    notification: Notification
    status: MailStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str = ""
    sent_at: datetime | None = None


def summary_date(now: datetime, zone: ZoneInfo, at: time) -> date | None:
    """The local date whose daily summary is due at ``now``, or None before ``at`` local time.

    Keyed by the local date, a day has exactly one summary, whatever its length (a daylight
    saving change makes it 23 or 25 hours long).
    """
    local = now.astimezone(zone)
    return local.date() if local.time().replace(tzinfo=None) >= at else None


def retry_delay(attempts: int, base: float = 30.0, cap: float = 3600.0) -> timedelta:
    """Exponential backoff: 30 s, 1 min, 2 min, ... at most an hour."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))
