"""What SQLite's errors mean for the workflow: a full or read-only disk and a lock held by
another program are the environment's faults (the item waits, the daemon backs off); a
damaged file stops the process, for nobody may be answered from it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pipeline.errors import EnvironmentFault, StateBusy, StateDatabaseCorrupt

# SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: the disk, not us.
ENVIRONMENT_CODES = frozenset({3, 8, 10, 13, 14})
BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED: another connection holds it
CORRUPT_CODES = frozenset({11, 26})  # SQLITE_CORRUPT, SQLITE_NOTADB


class FaultAwareConnection(sqlite3.Connection):
    """A connection whose statements raise ``StateBusy``, ``EnvironmentFault`` or
    ``StateDatabaseCorrupt`` for those faults (``sqlite3.connect(..., factory=...)``)."""

    def __init__(self, database: str | Path, *args: Any, **kwargs: Any) -> None:
        super().__init__(database, *args, **kwargs)
        self.path = Path(database)

    def execute(self, sql: str, parameters: Any = (), /) -> sqlite3.Cursor:
        """``sqlite3.Connection.execute``, its faults translated."""
        try:
            return super().execute(sql, parameters)
        except sqlite3.Error as exc:
            raise translated(exc, self.path) from exc

    def executemany(self, sql: str, parameters: Iterable[Any], /) -> sqlite3.Cursor:
        """``sqlite3.Connection.executemany``, its faults translated."""
        try:
            return super().executemany(sql, parameters)
        except sqlite3.Error as exc:
            raise translated(exc, self.path) from exc


def translated(exc: sqlite3.Error, path: Path) -> BaseException:
    """The fault ``exc`` stands for, or ``exc`` itself when it is an ordinary error."""
    code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
    if code in BUSY_CODES:
        return StateBusy(
            f"the state database {path.name} is locked by another program (a backup, a "
            f"sqlite3 shell?): {exc}"
        )
    if code in CORRUPT_CODES:
        return StateDatabaseCorrupt(corrupt_message(path, str(exc)))
    if code in ENVIRONMENT_CODES:
        return EnvironmentFault(f"state database: {exc}")
    return exc


def corrupt_message(path: Path, cause: str) -> str:
    """What a damaged state database means and what to do, on one line."""
    return (
        f"the state database {path} is damaged ({cause}); budget-erp stops rather than "
        f"answer anyone from it. Restore the newest backup: "
        f"budget-erp state restore {path.parent.name}/backups/<newest file> "
        "(README, 'Backups')"
    )


def lock_problems(path: Path) -> list[str]:
    """Whether another program holds the write lock of the database at ``path`` now (tried
    for a second, so that a pass's own short transactions do not count); opens nothing that
    is missing, and writes nothing."""
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=rw", uri=True, timeout=1.0)
    except sqlite3.Error:
        return []  # missing or unreadable: what uses it says so
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
    except sqlite3.Error as exc:
        fault = translated(exc, path)
        return [f"{fault}; files wait until it is free"] if isinstance(fault, StateBusy) else []
    finally:
        db.close()
    return []
