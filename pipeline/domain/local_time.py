"""Times as people read them: in the workspace's time zone (``[notify] time_zone``), with its
abbreviation, to the minute ("2026-12-06 09:14 CST"). The one format for every time a person
sees: review and hand-back workbooks, emails, the status page and ``history``. Pure."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo


def local_time(at: datetime, zone: str) -> str:
    """``at`` in ``zone`` (an IANA name such as "America/Chicago") with its abbreviation; a
    moment without a zone is taken as UTC, as the state store keeps it."""
    moment = at if at.tzinfo is not None else at.replace(tzinfo=UTC)
    return f"{moment.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M %Z}"
