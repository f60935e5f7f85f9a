"""Backups of the SQLite state: taken with SQLite's online backup API (a consistent copy
while the daemon writes) into ``state/backups/`` under names stamped with the UTC time, the
newest ``keep`` kept; and their restore, which checks a backup before it puts it back."""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.adapters.sqlite.migrations import MIGRATIONS
from pipeline.errors import BackupRefused

PREFIX, SUFFIX, STAMP = "budget-erp-", ".sqlite", "%Y%m%dT%H%M%SZ"


def backups_folder(database: Path) -> Path:
    """Where the backups of ``database`` go: ``backups/`` beside it."""
    return database.parent / "backups"


def backups(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first (their names sort by time)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _stamp(p) is not None and p.is_file())


def backup_due(database: Path, hours: float, now: datetime) -> bool:
    """Whether a backup is due: backups are on, the state exists, and the newest backup is
    ``hours`` old or there is none."""
    if hours <= 0 or not database.is_file():
        return False
    taken = backups(backups_folder(database))
    newest = _stamp(taken[-1]) if taken else None
    return newest is None or now - newest >= timedelta(hours=hours)


def take_backup(database: Path, keep: int, now: datetime) -> Path:
    """Copy the state into ``backups/`` (whole, or not at all), then keep the newest ``keep``."""
    folder = backups_folder(database)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{PREFIX}{now.astimezone(UTC):{STAMP}}{SUFFIX}"
    _copy(_open_existing(database), target)
    for old in backups(folder)[:-keep]:
        old.unlink(missing_ok=True)
    return target


@dataclass(frozen=True)
class CheckedBackup:
    """A backup found sound: where it is and how many budgets it holds."""

    path: Path
    budgets: int


def check_backup(path: Path) -> CheckedBackup:
    """The backup, if it is a sound budget-erp state this version can use; else
    ``BackupRefused`` saying why."""
    if path.is_symlink() or not path.is_file():
        raise BackupRefused(f"{path} is not a regular file")
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    except sqlite3.Error as exc:
        raise BackupRefused(f"{path} cannot be opened: {exc}") from exc
    try:
        verdict = [row[0] for row in db.execute("PRAGMA integrity_check")]
        if verdict != ["ok"]:
            raise BackupRefused(f"{path} is damaged: {'; '.join(verdict[:3])}")
        tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master")}
        if not {"migrations", "budgets", "events"} <= tables:
            raise BackupRefused(f"{path} is not a budget-erp state (no budgets, no history)")
        applied = {row[0] for row in db.execute("SELECT name FROM migrations")}
        unknown = sorted(applied - {name for name, _ in MIGRATIONS})
        if unknown:
            raise BackupRefused(
                f"{path} was made by a newer budget-erp (migration {unknown[0]}): "
                "restore it with that version"
            )
        count = int(db.execute("SELECT count(*) FROM budgets").fetchone()[0])
    except sqlite3.Error as exc:
        raise BackupRefused(f"{path} is not a sound SQLite database: {exc}") from exc
    finally:
        db.close()
    return CheckedBackup(path, count)


def restore_backup(backup: Path, database: Path, now: datetime) -> Path | None:
    """Put a checked backup in place of the state. The state it replaces, if any, is moved
    aside, not deleted (its ``-wal`` and ``-shm`` with it, as they belong to it); where."""
    check_backup(backup)
    aside = None
    if database.exists():
        aside = database.with_name(f"{database.name}.before-restore-{now:{STAMP}}")
        for suffix in ("", "-wal", "-shm"):
            companion = Path(f"{database}{suffix}")
            if companion.exists():
                os.replace(companion, f"{aside}{suffix}")
    source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    _copy(source, database)
    return aside


def _open_existing(database: Path) -> sqlite3.Connection:
    try:  # mode=rw: never creates a state that is not there
        return sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error as exc:
        raise BackupRefused(f"{database} cannot be opened for a backup: {exc}") from exc


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """``source`` copied by the online backup API into a temporary file, renamed to
    ``target`` once complete and on disk."""
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        copy = sqlite3.connect(temporary)
        try:
            source.backup(copy)
        finally:
            copy.close()
        with temporary.open("rb") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except sqlite3.Error as exc:
        raise BackupRefused(f"could not copy the state to {target}: {exc}") from exc
    finally:
        source.close()
        temporary.unlink(missing_ok=True)


def _stamp(path: Path) -> datetime | None:
    name = path.name
    if not (name.startswith(PREFIX) and name.endswith(SUFFIX)):
        return None
    try:
        return datetime.strptime(name[len(PREFIX) : -len(SUFFIX)], STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None


def state_is_blank(database: Path) -> bool:
    """Whether the state is missing, or a file without our tables (emptied: truncated, or
    replaced by a new file). Reads only; nothing is created. A state with its tables but no
    budget yet is a young state, not a lost one; a file that cannot be read as a database
    is not called blank either: opening it says it is damaged."""
    if not database.is_file() or database.stat().st_size == 0:
        return True
    try:
        db = sqlite3.connect(f"{database.resolve().as_uri()}?mode=rw", uri=True, timeout=30)
    except sqlite3.Error:
        return False
    try:
        found = db.execute("SELECT 1 FROM sqlite_master WHERE name = 'migrations'").fetchone()
    except sqlite3.Error:
        return False
    finally:
        db.close()
    return found is None
