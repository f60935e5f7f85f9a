"""One psycopg connection seen as the store's query groups expect it: ``?`` placeholders
(translated to psycopg's ``%s``), positional values, rows as tuples."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

import psycopg

from pipeline.errors import EnvironmentFault

# How long the server waits before it starts probing a silent client, and between probes:
# a machine that vanished (power cut, cable) loses its locks within about a lease, not the
# two hours of the system's TCP defaults. (They apply to TCP; a Unix socket needs none.)
KEEPALIVE_SETTINGS = ("tcp_keepalives_idle", "tcp_keepalives_interval")


@functools.lru_cache(maxsize=512)
def psycopg_sql(sql: str) -> str:
    """The statement with ``?`` placeholders as psycopg's ``%s`` (a literal ``%`` doubled)."""
    return sql.replace("%", "%%").replace("?", "%s")


class PgConnection:
    """A psycopg connection in autocommit mode; ``transaction()`` groups statements."""

    def __init__(self, raw: psycopg.Connection[tuple[Any, ...]]) -> None:
        self.raw = raw

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> psycopg.Cursor[Any]:
        """Run one statement; its cursor. A lost server is an ``EnvironmentFault``."""
        try:
            return self.raw.execute(psycopg_sql(sql), tuple(parameters))
        except psycopg.OperationalError as exc:
            raise EnvironmentFault(f"state database: {exc}") from exc

    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> psycopg.Cursor[Any]:
        """Run one statement for each set of values."""
        cursor = self.raw.cursor()
        try:
            cursor.executemany(psycopg_sql(sql), [tuple(values) for values in parameters])
        except psycopg.OperationalError as exc:
            raise EnvironmentFault(f"state database: {exc}") from exc
        return cursor

    @property
    def usable(self) -> bool:
        """Whether the connection still works (not closed, not cut by the server)."""
        return not (self.raw.closed or self.raw.broken)


def connect(url: str, lease_seconds: float, application: str = "budget-erp") -> PgConnection:
    """Open an autocommit connection; the password comes from libpq (the environment's
    ``PGPASSWORD`` or ``~/.pgpass``), never from the workspace."""
    raw = psycopg.connect(url, autocommit=True, application_name=application)
    probe = max(1, int(lease_seconds // 4))
    for setting in KEEPALIVE_SETTINGS:
        raw.execute(f"SET {setting} = {probe}")
    raw.execute("SET tcp_keepalives_count = 3")
    return PgConnection(raw)
