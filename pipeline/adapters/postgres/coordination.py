"""Coordination through the database, not the file system: each daemon's heartbeat row, and
the ending of a lock holder's session once its heartbeat stopped (``end_stale_holders``)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from typing import Any

import psycopg

from pipeline.adapters.postgres.connection import PgConnection, connect
from pipeline.errors import EnvironmentFault
from pipeline.services.records import DaemonRecord

logger = logging.getLogger("pipeline")

# The sessions holding an advisory lock (two-int key) whose daemon's heartbeat is older than
# the lease. The server process and its start time identify a session: a process id alone
# can be reused.
STALE_HOLDERS = """
SELECT d.id, d.host, d.pid, a.pid FROM pg_locks l
JOIN pg_stat_activity a ON a.pid = l.pid
JOIN daemons d ON d.backend_pid = a.pid AND d.backend_start = a.backend_start
WHERE l.locktype = 'advisory' AND l.granted
  AND l.classid::bigint = %s AND l.objid::bigint = %s AND l.objsubid = 2
  AND d.heartbeat_at < now() - make_interval(secs => %s)
"""


def end_stale_holders(
    raw: psycopg.Connection[tuple[Any, ...]], key: tuple[int, int], lease: float, what: str
) -> bool:
    """End the session of a lock holder whose daemon stopped beating: its lock goes with it,
    and it can commit nothing more. Whether one was ended."""
    ended = False
    for daemon_id, host, pid, backend in raw.execute(STALE_HOLDERS, (*key, lease)):
        logger.warning(
            "daemon %s (pid %s) holds %s with no heartbeat for %.0f s: "
            "ending its session so its work is taken over",
            host,
            pid,
            what,
            lease,
        )
        raw.execute("SELECT pg_terminate_backend(%s)", (backend,))
        raw.execute("DELETE FROM daemons WHERE id = %s", (daemon_id,))
        ended = True
    return ended


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
    return [
        DaemonRecord(host=r[0], pid=r[1], started_at=r[2], heartbeat_at=r[3], alive=bool(r[4]))
        for r in rows
    ]
