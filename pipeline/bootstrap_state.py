"""Wiring about what the workflow stands on: where the state is kept (for the daemon's first
line), the SQLite state's backup between passes, the check of what in the environment files
wait on (for ``status`` and the status page), and the pass lock and clock of the commands
that change the state outside a pass."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from pipeline.adapters.clock import clock_from_environment
from pipeline.adapters.files.workspace_folders import LocalFolders
from pipeline.adapters.sqlite.backups import backup_due

# What the state commands (cli_state) call, chosen here: the SQLite state's backups, and the
# check that no daemon of this machine holds it.
from pipeline.adapters.sqlite.backups import check_backup as check_backup
from pipeline.adapters.sqlite.backups import restore_backup as restore_backup
from pipeline.adapters.sqlite.backups import take_backup as take_backup
from pipeline.adapters.sqlite.faults import lock_problems
from pipeline.adapters.sqlite.store import no_daemon_running as no_daemon_running
from pipeline.adapters.validation.rules_files import erp_list_problems
from pipeline.config import Settings
from pipeline.errors import BackupRefused
from pipeline.services import ports

if TYPE_CHECKING:
    from pipeline.adapters.postgres.state_copy import TableCopy

logger = logging.getLogger("pipeline")


def state_store_text(settings: Settings) -> str:
    """Where the state is kept, for people: the SQLite file, or the PostgreSQL server's host,
    port and database (never the user's password, should the URL hold one)."""
    if not settings.database_url:
        return f"state in SQLite, {settings.database}"
    url = urlsplit(settings.database_url)
    query = {key: values[-1] for key, values in parse_qs(url.query).items()}
    # libpq's defaults: the local socket, port 5432, a database named as the user
    host = url.hostname or query.get("host") or "the local socket"
    port = url.port or query.get("port") or 5432
    database = url.path.lstrip("/") or query.get("dbname") or url.username or query.get("user")
    return f"state on PostgreSQL, {host}:{port}, database {database or '(as the user)'}"


def back_up_when_due(settings: Settings, now: datetime) -> Path | None:
    """Take a backup of the SQLite state if one is due (``[state] backup_hours``), between
    passes, never inside a transaction; where it went. Trouble is logged, never raised: a
    backup missed is taken at the next pass. PostgreSQL's are taken with pg_dump."""
    if settings.database_url or not backup_due(settings.database, settings.backup_hours, now):
        return None
    try:
        taken = take_backup(settings.database, settings.backup_keep, now)
    except (BackupRefused, OSError) as exc:
        logger.error("the state's backup failed (%s); tried again at the next pass", exc)
        return None
    logger.info("state backed up to %s", taken)
    return taken


def environment_check(settings: Settings) -> ports.EnvironmentCheck:
    """The ERP lists, and on SQLite whether another program holds the database's lock."""

    def check() -> list[str]:
        problems = erp_list_problems(settings.rules)
        if not settings.database_url:
            problems += lock_problems(settings.database)
        return problems

    return check


def pass_lock_file(settings: Settings) -> Path:
    """The lock a pass on the SQLite state holds on this machine."""
    return settings.database.parent / "pass.lock"


def pass_lock(settings: Settings) -> contextlib.AbstractContextManager[None]:
    """Held while a command changes the SQLite state outside a pass: no daemon of this
    machine runs a pass meanwhile."""
    return LocalFolders(settings.archive, pass_lock_file(settings)).pass_lock()


def wall_clock() -> ports.Clock:
    """The clock use cases read (shifted in tests by the environment), for a command that
    needs the time without the Services."""
    return clock_from_environment()


def copy_state(database: Path, url: str) -> list[TableCopy]:
    """Copy the SQLite state at ``database`` into the PostgreSQL database at ``url``; the
    counts by table (``migrate-state``). psycopg is imported only when asked."""
    from pipeline.adapters.postgres.state_copy import copy_state as copy_into_server

    return copy_into_server(database, url)
