"""A state that cannot be lost quietly: when the workspace's folders show earlier work but
the state is missing or empty, no command that would write may start (a fresh state would
take a change for a new version 1, and what was sent before would never be matched).

The way out is a restore (``budget-erp state restore``), or a fresh start asked for in so
many words (``budget-erp state new --i-know``), which leaves a note beside the state."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from pipeline.adapters.files.earlier_work import earlier_work
from pipeline.adapters.sqlite.backups import backups, backups_folder, state_is_blank
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.config import Settings
from pipeline.errors import PipelineError, StateLost
from pipeline.services.records import Store

FRESH_START = "started-over.json"  # beside the database: ``state new --i-know`` was run


def check_state_kept(settings: Settings) -> None:
    """``StateLost`` if the folders show earlier work and the state is missing or empty
    (and no fresh start of this very state was asked for); reads only."""
    if not _blank(settings) or _started_over(settings):
        return
    found = earlier_work(settings)
    if not found:
        return  # a new workspace starts as it always did
    raise StateLost(
        f"the state {_where(settings)} is {'missing' if _missing(settings) else 'empty'}, "
        f"but this workspace has done work before ({', '.join(found)}); nothing is written "
        f"until it is restored. {_how_to_restore(settings)} To start over with an empty "
        "state on purpose (what was sent before will not be matched): budget-erp state new "
        "--i-know"
    )


def start_over(settings: Settings, now: datetime) -> Path:
    """Create an empty state on purpose and note it; refused when the state holds work."""
    if not _blank(settings):
        raise PipelineError(f"the state {_where(settings)} holds budgets: it is not started over")
    store = _store(settings)
    try:
        store.budgets()  # creates the database, and its tables, now
    finally:
        store.close()
    note = settings.database.parent / FRESH_START
    note.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "started_over_at": now.astimezone(UTC).isoformat(),
        "state": _identity(settings),
        "earlier_work": earlier_work(settings),
    }
    note.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return note


def _blank(settings: Settings) -> bool:
    if not settings.database_url:
        return state_is_blank(settings.database)
    store = _store(settings)
    try:
        return not store.budgets()
    finally:
        store.close()


def _missing(settings: Settings) -> bool:
    return not settings.database_url and not settings.database.is_file()


def _started_over(settings: Settings) -> bool:
    """Whether ``state new --i-know`` was run for this very state (on SQLite: this file;
    a state deleted or replaced since is lost again)."""
    note = settings.database.parent / FRESH_START
    try:
        record = json.loads(note.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(record, dict) and record.get("state") == _identity(settings)


def _identity(settings: Settings) -> str:
    if settings.database_url:
        return "postgresql"  # a server's database is not replaced behind our back by a file
    try:
        info = os.stat(settings.database)
    except OSError:
        return ""
    return f"{info.st_dev}:{info.st_ino}"


def _store(settings: Settings) -> Store:
    if not settings.database_url:
        return SqliteStore(settings.database)
    from pipeline.adapters.postgres.store import PostgresStore

    return PostgresStore(settings.database_url, settings.lease_seconds)


def _where(settings: Settings) -> str:
    if settings.database_url:
        return "on the PostgreSQL server ([state] url)"
    return _relative(settings.database, settings.root)


def _how_to_restore(settings: Settings) -> str:
    if settings.database_url:
        return "Restore it with pg_restore (README, 'Backups')."
    taken = backups(backups_folder(settings.database))
    newest = _relative(taken[-1], settings.root) if taken else "state/backups/<file>"
    return f"Restore a backup: budget-erp state restore {newest} (README, 'Backups')."


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
