"""The state database: SQLite in the workspace, WAL mode, one write transaction per use case."""

from __future__ import annotations

import fcntl
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from pipeline.adapters.sql.approval_routes import RouteQueries
from pipeline.adapters.sql.budgets import BudgetQueries
from pipeline.adapters.sql.erp_exports import ExportQueries
from pipeline.adapters.sql.hand_backs import HandBackQueries
from pipeline.adapters.sql.mail_outbox import OutboxQueries
from pipeline.adapters.sql.passes import PassQueries
from pipeline.adapters.sql.retention import RetentionQueries
from pipeline.adapters.sql.reviews import ReviewQueries
from pipeline.adapters.sql.snapshot import SnapshotQueries
from pipeline.adapters.sqlite.faults import FaultAwareConnection
from pipeline.adapters.sqlite.migrations import migrate
from pipeline.errors import BackupRefused
from pipeline.services.records import DaemonRecord


def daemon_lock_path(database: Path) -> Path:
    """The lock each running daemon holds shared: ``daemon.lock`` beside the database."""
    return database.parent / "daemon.lock"


@contextmanager
def no_daemon_running(database: Path) -> Iterator[None]:
    """Hold the daemons off while the state is replaced; ``BackupRefused`` if one runs."""
    database.parent.mkdir(parents=True, exist_ok=True)
    with daemon_lock_path(database).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise BackupRefused(
                "a daemon (budget-erp watch) is running on this workspace: stop it first"
            ) from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SqliteStore(
    BudgetQueries,
    OutboxQueries,
    ExportQueries,
    ReviewQueries,
    HandBackQueries,
    PassQueries,
    RouteQueries,
    RetentionQueries,
    SnapshotQueries,
):
    """Budgets, versions, lines, rejections, exports, reviews, the audit trail, the mail
    outbox and the passes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._connect = self._open
        self._presence: IO[str] | None = None

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(
                self.path, isolation_level=None, timeout=30, factory=FaultAwareConnection
            )
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            migrate(db)
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row  # by name too; the query groups read by position
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the connection if open, and end this daemon's presence."""
        if self._db is not None:
            self._db.close()
            self._db = None
        if self._presence is not None:
            self._presence.close()  # the lock goes with the descriptor
            self._presence = None

    def start_presence(self) -> None:
        """Hold a shared lock on ``state/daemon.lock`` while this daemon runs, so that a
        restore can tell it must wait (``no_daemon_running``). Daemons share a workspace on
        one machine only, one pass at a time through ``state/pass.lock``; nothing to record."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._presence = daemon_lock_path(self.path).open("a")
        fcntl.flock(self._presence, fcntl.LOCK_SH)

    def daemons(self) -> list[DaemonRecord]:
        """None listed on SQLite (see ``start_presence``)."""
        return []

    def compact(self) -> None:
        """Give the pages rows left back to the file system (after ``prune``): SQLite keeps
        them for reuse, so the file would never shrink."""
        self.db.execute("VACUUM")
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    @property
    def shared(self) -> bool:
        """No other pass runs beside this one: it holds ``state/pass.lock``."""
        return False

    @contextmanager
    def hold(self, item: str, wait: bool, shared: bool = False) -> Iterator[bool]:
        """Every item is this pass's: it holds ``state/pass.lock`` (one pass at a time)."""
        yield True

    def claimant(self) -> str:
        """No owner is named: a claim found by a pass was left by an earlier one."""
        return ""

    def claimant_gone(self, claimant: str) -> bool:
        """Under the pass lock, whoever made a claim has finished its pass."""
        return True

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or not at all. A full, read-only or failing
        disk, or a lock another program holds past the 30 s timeout, is an
        ``EnvironmentFault`` (``FaultAwareConnection``): the item waits, the daemon backs off."""
        with self._writing():
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if self._open().in_transaction:  # SQLite may have rolled back itself (disk full)
                    self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
