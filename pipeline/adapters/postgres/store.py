"""The state database on a PostgreSQL server: the query groups SQLite's store runs too
(``adapters/sql``), on one psycopg connection, with PostgreSQL's transactions, errors and
the locks by which several daemons share the work."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

import psycopg

from pipeline.adapters.postgres.connection import PgConnection, connect
from pipeline.adapters.postgres.coordination import DaemonPresence, daemons_alive
from pipeline.adapters.postgres.item_locks import Fence, claimant_gone, item_lock, take_presence
from pipeline.adapters.postgres.migrations import migrate
from pipeline.adapters.sql.approval_routes import RouteQueries
from pipeline.adapters.sql.budgets import BudgetQueries
from pipeline.adapters.sql.erp_exports import ExportQueries
from pipeline.adapters.sql.hand_backs import HandBackQueries
from pipeline.adapters.sql.mail_outbox import OutboxQueries
from pipeline.adapters.sql.passes import PassQueries
from pipeline.adapters.sql.retention import RetentionQueries
from pipeline.adapters.sql.reviews import ReviewQueries
from pipeline.adapters.sql.snapshot import SnapshotQueries
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
        self._fence = Fence()
        self._claimant = ""

    def _open(self) -> PgConnection:
        if self._db is None or not self._db.usable:
            if self._db is not None:
                logger.warning("state database connection lost; connecting again")
            try:
                db = connect(self.url, self.lease_seconds)
                migrate(db)
                claimant = take_presence(db.raw)
            except psycopg.OperationalError as exc:
                raise EnvironmentFault(f"state database: {_one_line(exc)}") from exc
            self._db, self._claimant = db, claimant
            self._fence.generation += 1  # the old session's locks went with it
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
            raw = self.db_raw()
            self._fence.check()
            with self._writing(), raw.transaction():
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
    @property
    def shared(self) -> bool:
        """Passes of other daemons run beside this one's, each item under its own lock."""
        return True

    def hold(self, item: str, wait: bool, shared: bool = False) -> AbstractContextManager[bool]:
        """Work on ``item`` (a project, or a pass-wide task) alone across every daemon on
        every machine while the block runs (``shared``: beside others that hold it shared,
        never beside one that holds it alone); ``False`` when it is held and ``wait`` is off."""
        return item_lock(self.db_raw, self._fence, item, wait, self.lease_seconds, shared)

    def claimant(self) -> str:
        """The token that names this store's session as the owner of the claims it makes."""
        self._open()
        return self._claimant

    def claimant_gone(self, claimant: str) -> bool:
        """Whether the session that made a claim is gone (its claims are anyone's now)."""
        return claimant_gone(self.db_raw(), claimant, self.lease_seconds)

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
