"""Where time comes from: the wall clock, or one shifted to a chosen moment (for trying and
testing a daemon at a summary time or across a daylight-saving change)."""

from __future__ import annotations

import os
import time
from datetime import UTC, datetime, timedelta

from pipeline.errors import ConfigError


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(UTC)

    def file_time(self) -> float:
        """The file system's time."""
        return time.time()

    def monotonic(self) -> float:
        """Seconds that only go forward."""
        return time.monotonic()


class ShiftedClock(SystemClock):
    """Time that started at a chosen moment and runs on at the real pace.

    Set by ``BUDGET_ERP_CLOCK_START`` (an ISO timestamp), so a daemon can be tried, or
    tested, at a summary time or across a daylight-saving change without waiting for it.
    ``<timestamp>@<unix time>`` pins the chosen moment to a real instant, so that several
    processes (a daemon and its restarts) share one timeline.
    """

    def __init__(self, start: datetime, anchor: float | None = None) -> None:
        self.start = start
        self.anchor = time.time() if anchor is None else anchor

    def now(self) -> datetime:
        """The chosen start plus the real time elapsed since its anchor."""
        return (self.start + timedelta(seconds=time.time() - self.anchor)).astimezone(UTC)


def clock_from_environment() -> SystemClock | ShiftedClock:
    """The clock the program runs on: real time, unless BUDGET_ERP_CLOCK_START is set."""
    setting = os.environ.get("BUDGET_ERP_CLOCK_START", "").strip()
    if not setting:
        return SystemClock()
    start, _, anchor = setting.partition("@")
    try:
        moment = datetime.fromisoformat(start)
        pinned = float(anchor) if anchor else None
    except ValueError as exc:
        raise ConfigError(
            f"BUDGET_ERP_CLOCK_START={setting!r} is not an ISO timestamp (optionally @unix-time)"
        ) from exc
    if moment.tzinfo is None:
        raise ConfigError("BUDGET_ERP_CLOCK_START needs a time zone offset, e.g. +00:00")
    return ShiftedClock(moment, pinned)
