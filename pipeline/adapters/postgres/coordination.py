"""Coordination through the database, not the file system: the pass lock (a session advisory
lock, taken over from a daemon whose heartbeat stopped) and each daemon's heartbeat row."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from types import TracebackType
from typing import TYPE_CHECKING, Any

import psycopg

from pipeline.adapters.postgres.connection import PgConnection, connect
from pipeline.errors import EnvironmentFault
from pipeline.services.records import DaemonRecord

if TYPE_CHECKING:
    from pipeline.adapters.postgres.store import PostgresStore

logger = logging.getLogger("pipeline")
PASS_LOCK = 0x6275646765740002  # one workspace per database: one key for its passes
WAIT_SLICE = "1s"  # how long one wait for the lock lasts before looking for a dead holder

# The holders of the pass lock whose daemon's heartbeat is older than the lease. The server
# process and its start time identify a session: a process id alone can be reused.
STALE_HOLDERS = """
SELECT d.id, d.host, d.pid, a.pid FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
JOIN daemons d ON d.backend_pid = a.pid AND d.backend_start = a.backend_start
WHERE l.locktype = 'advisory' AND l.granted
  AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 1
  AND d.heartbeat_at < now() - make_interval(secs => %s)
"""


class PassLock:
    """``with store.pass_lock():`` the pass runs alone; a daemon that died holding the lock
    (its connection cut) released it; one whose machine vanished (heartbeat older than the
    lease) has its session ended by the next daemon that waits, so nothing waits for it."""

    def __init__(self, store: PostgresStore) -> None:
        self.store = store

    def __enter__(self) -> None:
        while True:
            raw = self.store.db_raw()
            try:
                with raw.transaction():
                    raw.execute(f"SET LOCAL lock_timeout = '{WAIT_SLICE}'")
                    raw.execute("SELECT pg_advisory_lock(%s)", (PASS_LOCK,))
                return  # a session lock: it outlives the transaction that took it
            except psycopg.errors.LockNotAvailable:
                _end_stale_holders(raw, self.store.lease_seconds)
            except psycopg.OperationalError as exc:
                raise EnvironmentFault(f"state database: {exc}") from exc

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            self.store.db_raw().execute("SELECT pg_advisory_unlock(%s)", (PASS_LOCK,))
        except (psycopg.Error, EnvironmentFault) as exc:  # a lost session holds no lock
            logger.debug("pass lock release: %s", exc)


def _end_stale_holders(raw: psycopg.Connection[tuple[Any, ...]], lease: float) -> None:
    """End the session of a lock holder whose daemon stopped beating: its lock goes with it."""
    high, low = divmod(PASS_LOCK, 2**32)
    for daemon_id, host, pid, backend in raw.execute(STALE_HOLDERS, (high, low, lease)):
        logger.warning(
            "daemon %s (pid %s) holds the pass lock with no heartbeat for %.0f s: "
            "ending its session so its work is taken over",
            host,
            pid,
            lease,
        )
        raw.execute("SELECT pg_terminate_backend(%s)", (backend,))
        raw.execute("DELETE FROM daemons WHERE id = %s", (daemon_id,))


class DaemonPresence:
    """This daemon's row in ``daemons``, its heartbeat renewed by a thread on its own
    connection every quarter of the lease, with the database's clock."""

    def __init__(self, url: str, lease_seconds: float) -> None:
        self.url, self.lease_seconds = url, lease_seconds
        self.id = uuid.uuid4().hex
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, store_connection: PgConnection) -> None:
        """Insert the row (naming the store's server session) and start beating."""
        store_connection.raw.execute(
            "DELETE FROM daemons WHERE heartbeat_at < now() - interval '1 day'"
        )
        store_connection.raw.execute(
            "INSERT INTO daemons (id, host, pid, backend_pid, backend_start) "
            "SELECT %s, %s, %s, pid, backend_start FROM pg_stat_activity "
            "WHERE pid = pg_backend_pid()",
            (self.id, socket.gethostname(), os.getpid()),
        )
        self._thread = threading.Thread(target=self._beat, name="heartbeat", daemon=True)
        self._thread.start()

    def moved_to(self, store_connection: PgConnection) -> None:
        """The store connected again: the row names its new session."""
        store_connection.raw.execute(
            "UPDATE daemons SET (backend_pid, backend_start, heartbeat_at) = "
            "(SELECT pid, backend_start, now() FROM pg_stat_activity "
            "WHERE pid = pg_backend_pid()) WHERE id = %s",
            (self.id,),
        )

    def stop(self) -> None:
        """Stop beating and remove the row: a daemon stopped cleanly is not listed."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        try:
            with psycopg.connect(self.url, autocommit=True) as raw:
                raw.execute("DELETE FROM daemons WHERE id = %s", (self.id,))
        except psycopg.Error as exc:  # it goes stale, and is cleared a day later
            logger.debug("daemon row not removed: %s", exc)

    def _beat(self) -> None:
        connection: PgConnection | None = None
        interval = max(0.5, self.lease_seconds / 4)
        while not self._stop.wait(interval if connection else 0):
            try:
                if connection is None or not connection.usable:
                    connection = connect(self.url, self.lease_seconds, "budget-erp heartbeat")
                connection.raw.execute(
                    "UPDATE daemons SET heartbeat_at = now() WHERE id = %s", (self.id,)
                )
            except (psycopg.Error, EnvironmentFault) as exc:  # the next beat tries again
                logger.warning("heartbeat failed: %s", exc)
                connection = None
                self._stop.wait(interval)
        if connection is not None:
            connection.raw.close()


def daemons_alive(db: PgConnection, lease_seconds: float) -> list[DaemonRecord]:
    """Every daemon with a row, and whether its heartbeat is within the lease."""
    rows = db.raw.execute(
        "SELECT host, pid, started_at, heartbeat_at, "
        "heartbeat_at >= now() - make_interval(secs => %s) FROM daemons "
        "ORDER BY heartbeat_at DESC, host, pid",
        (lease_seconds,),
    )
    return [DaemonRecord(r[0], r[1], r[2], r[3], bool(r[4])) for r in rows]
