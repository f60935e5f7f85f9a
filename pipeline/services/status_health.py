"""Use case: the status page's "Is budget-erp running?" lines: when the last pass ended,
the daemons the database knows (PostgreSQL) and their heartbeats, and what in the
environment files wait on. ``status`` lists the same daemons."""

from __future__ import annotations

from datetime import datetime, timedelta

from pipeline.domain.local_time import local_time
from pipeline.domain.status_view import HealthLine, age_text, seen_lately
from pipeline.services.context import Services
from pipeline.services.records import DaemonRecord


def health_lines(app: Services, now: datetime) -> tuple[HealthLine, ...]:
    """The lines in order: the last pass, each daemon seen lately, what files wait on."""
    return (
        _last_pass(app.store.last_pass(), now, app.settings.status_refresh_minutes),
        *(daemon_line(daemon, now) for daemon in daemons_seen_lately(app)),
        *_waiting_on_environment(app, now),
    )


def daemons_seen_lately(app: Services) -> list[DaemonRecord]:
    """The daemons the database knows, less those not heard of for a day (stopped for good:
    a killed daemon leaves its row behind)."""
    now = app.clock.now()
    return [d for d in app.store.daemons() if seen_lately(d.heartbeat_at, now)]


def daemon_line(daemon: DaemonRecord, now: datetime) -> HealthLine:
    """A daemon the database knows (PostgreSQL): its host and pid, its last heartbeat;
    alarming once the heartbeat is older than the lease (another daemon takes over)."""
    beat = daemon.heartbeat_at
    text = (
        f"last heartbeat {beat.astimezone(now.tzinfo):%Y-%m-%d %H:%M:%S %Z} "
        f"({age_text(now - beat)} ago)"
        + ("" if daemon.alive else "; stale: its work is taken over")
    )
    return HealthLine(f"Daemon on {daemon.host}, pid {daemon.pid}", text, alarming=not daemon.alive)


def _waiting_on_environment(app: Services, now: datetime) -> list[HealthLine]:
    """The fault this process's passes wait on, since when, and what is wrong now."""
    memory = app.memory.faults
    lines = []
    if memory.fault and memory.since is not None:
        since = local_time(memory.since, app.settings.time_zone)  # with its zone, as every time
        lines.append(HealthLine(f"Files wait since {since}", memory.fault, alarming=True))
    lines += [
        HealthLine("Files wait", problem, alarming=True) for problem in app.environment_check()
    ]
    return lines


def _last_pass(at: datetime | None, now: datetime, refresh_minutes: float) -> HealthLine:
    """When the last pass ended; alarming when longer ago than the daemon would leave it."""
    if at is None:
        return HealthLine("Last pass", "none yet", alarming=True)
    late = now - at > timedelta(minutes=2 * refresh_minutes)
    text = f"{at.astimezone(now.tzinfo):%Y-%m-%d %H:%M:%S %Z} ({age_text(now - at)} ago)"
    return HealthLine("Last pass", text, alarming=late)
