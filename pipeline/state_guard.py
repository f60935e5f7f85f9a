"""A state that cannot be lost quietly: when the workspace's folders show earlier work but
the state is missing or emptied (no tables of ours), no command that uses it may start: a
fresh state would take a change for a new version 1, and what was sent before would never
be matched.

The way out is a restore (``budget-erp state restore``), or a fresh start asked for in so
many words (``budget-erp state new --i-know``), which creates the empty state."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.files.earlier_work import earlier_work
from pipeline.adapters.sqlite import backups
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.config import Settings
from pipeline.errors import PipelineError, StateLost
from pipeline.services.records import Store


def check_state_kept(settings: Settings) -> None:
    """``StateLost`` if the folders show earlier work and the state is missing or emptied;
    reads only."""
    if not _blank(settings):
        return
    found = earlier_work(settings)
    if not found:
        return  # a new workspace starts as it always did
    raise StateLost(
        f"the state {_where(settings)} is {_what(settings)}, but this workspace has done "
        f"work before ({', '.join(found)}); nothing is written until it is restored. "
        f"{_how_to_restore(settings)} To start over with an empty state on purpose (what "
        "was sent before will not be matched): budget-erp state new --i-know"
    )


def start_over(settings: Settings) -> None:
    """Create an empty state on purpose; refused when there is one already."""
    if not _blank(settings):
        raise PipelineError(f"the state {_where(settings)} exists: it is not started over")
    store = _store(settings)
    try:
        store.budgets()  # creates the database, and its tables, now
    finally:
        store.close()


def _blank(settings: Settings) -> bool:
    if not settings.database_url:
        return backups.state_is_blank(settings.database)
    from pipeline.adapters.postgres.state_copy import state_is_blank  # psycopg only then

    return state_is_blank(settings.database_url)


def _what(settings: Settings) -> str:
    if settings.database_url:
        return "empty (no tables)"
    return "empty" if settings.database.is_file() else "missing"


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
    taken = backups.backups(backups.backups_folder(settings.database))
    newest = _relative(taken[-1], settings.root) if taken else "state/backups/<file>"
    return f"Restore a backup: budget-erp state restore {newest} (README, 'Backups')."


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)
