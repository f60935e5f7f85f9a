"""The state database on a PostgreSQL server: the same query groups as SQLite's (their SQL
runs on both), on one psycopg connection, with PostgreSQL's transactions, errors and pass lock."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from pipeline.adapters.postgres.connection import PgConnection, connect
from pipeline.adapters.postgres.coordination import DaemonPresence, PassLock, daemons_alive
from pipeline.adapters.postgres.migrations import migrate
from pipeline.adapters.sqlite.budgets import BudgetQueries
from pipeline.adapters.sqlite.exports import ExportQueries
from pipeline.adapters.sqlite.handbacks import HandBackQueries
from pipeline.adapters.sqlite.outbox import OutboxQueries
from pipeline.adapters.sqlite.passes import PassQueries
from pipeline.adapters.sqlite.retention import RetentionQueries
from pipeline.adapters.sqlite.reviews import ReviewQueries
from pipeline.adapters.sqlite.routes import RouteQueries
from pipeline.adapters.sqlite.snapshot import SnapshotQueries
from pipeline.errors import ConcurrentUpdate, EnvironmentFault
from pipeline.services.records import DaemonRecord

logger = logging.getLogger("pipeline")


class PostgresStore(
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
    outbox and the passes, in a PostgreSQL database that several daemons share."""

    def __init__(self, url: str, lease_seconds: float = 60.0) -> None:
        self.url, self.lease_seconds = url, lease_seconds
        self._db: PgConnection | None = None
        self._connect = self._open
        self._presence: DaemonPresence | None = None

    def _open(self) -> PgConnection:
        if self._db is None or not self._db.usable:
            if self._db is not None:
                logger.warning("state database connection lost; connecting again")
            try:
                db = connect(self.url, self.lease_seconds)
                migrate(db)
            except psycopg.OperationalError as exc:
                raise EnvironmentFault(f"state database: {_one_line(exc)}") from exc
            self._db = db
            if self._presence is not None:
                self._presence.moved_to(db)
        return self._db

    def close(self) -> None:
        """Stop the heartbeat (its row goes) and close the connection."""
        if self._presence is not None:
            self._presence.stop()
            self._presence = None
        if self._db is not None:
            self._db.raw.close()
            self._db = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or not at all. A server that cannot be reached
        is an ``EnvironmentFault``: the item waits, and the daemon backs off."""
        try:
            with self._writing(), self.db_raw().transaction():
                yield
        except psycopg.errors.SerializationFailure as exc:
            raise ConcurrentUpdate(f"state database: {_one_line(exc)}") from exc
        except psycopg.OperationalError as exc:
            raise EnvironmentFault(f"state database: {_one_line(exc)}") from exc

    def compact(self) -> None:
        """Nothing: the server's autovacuum makes the space rows left reusable, without the
        table lock a ``VACUUM FULL`` would take while daemons work."""

    def db_raw(self) -> psycopg.Connection[Any]:
        """The psycopg connection itself (coordination and ``migrate-state`` use it)."""
        connection = self._open()
        return connection.raw

    # coordination --------------------------------------------------------------------------
    def pass_lock(self) -> PassLock:
        """One pass at a time on this workspace, across every daemon on every machine."""
        return PassLock(self)

    def start_presence(self) -> None:
        """Record this daemon (host, pid) and keep its heartbeat until ``close``."""
        if self._presence is None:
            self._presence = DaemonPresence(self.url, self.lease_seconds)
            self._presence.start(self._open())

    def daemons(self) -> list[DaemonRecord]:
        """The daemons that have a heartbeat row, most recent first."""
        return daemons_alive(self._open(), self.lease_seconds)


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
