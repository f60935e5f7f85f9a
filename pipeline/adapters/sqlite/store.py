"""The state database: SQLite in the workspace, WAL mode, one write transaction per use case."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from pipeline.adapters.sqlite.budgets import BudgetQueries
from pipeline.adapters.sqlite.exports import ExportQueries
from pipeline.adapters.sqlite.handbacks import HandBackQueries
from pipeline.adapters.sqlite.migrations import migrate
from pipeline.adapters.sqlite.outbox import OutboxQueries
from pipeline.adapters.sqlite.passes import PassQueries
from pipeline.adapters.sqlite.reviews import ReviewQueries
from pipeline.errors import EnvironmentFault
from pipeline.services.records import DaemonRecord

# SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: the disk, not us.
ENVIRONMENT_CODES = frozenset({3, 8, 10, 13, 14})


class SqliteStore(
    BudgetQueries, OutboxQueries, ExportQueries, ReviewQueries, HandBackQueries, PassQueries
):
    """Budgets, versions, lines, rejections, exports, reviews, the audit trail, the mail
    outbox and the passes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._connect = self._open

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            migrate(db)
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row  # by name too; the query groups read by position
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the connection if open."""
        if self._db is not None:
            self._db.close()
            self._db = None

    def start_presence(self) -> None:
        """Nothing to record: on SQLite, daemons share a workspace on one machine only, one
        pass at a time through ``state/pass.lock``."""

    def daemons(self) -> list[DaemonRecord]:
        """None listed on SQLite (see ``start_presence``)."""
        return []

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or not at all. A full, read-only or failing
        disk is an ``EnvironmentFault``: the item waits, and the daemon backs off."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in ENVIRONMENT_CODES:
                raise EnvironmentFault(f"state database: {exc}") from exc
            raise
