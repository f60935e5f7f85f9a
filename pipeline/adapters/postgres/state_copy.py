"""``migrate-state``: copy a workspace's SQLite state into an empty PostgreSQL database, in
one transaction, and compare the rows of every table before it commits."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg

from pipeline.adapters.postgres.connection import connect
from pipeline.adapters.postgres.migrations import migrate
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.errors import ConfigError, EnvironmentFault, PipelineError

# Every table of the state, parents before the rows that point at them; each copied in the
# order SQLite keeps it (rowid), so lines and review workbooks keep their order.
TABLES = (
    "budgets",
    "submissions",
    "lines",
    "rejections",
    "erp_exports",
    "export_intents",
    "decision_files",
    "events",
    "notifications",
    "review_issues",
    "file_stems",
    "handed_back",
    "passes",
    "approval_routes",
)
GENERATED = {"lines": "rowid", "review_issues": "rowid"}  # PostgreSQL numbers these itself


class StateNotEmpty(PipelineError):
    """The target database holds a state already: ``migrate-state`` never merges."""


@dataclass(frozen=True)
class TableCopy:
    """One table copied: its rows in SQLite, and in PostgreSQL after the copy."""

    table: str
    sqlite_rows: int
    postgres_rows: int


def copy_state(database: Path, url: str) -> list[TableCopy]:
    """Copy the SQLite state at ``database`` into the empty database at ``url``; the counts.

    Nothing is committed unless every table's count matches: a failure leaves the target
    as empty as it was.
    """
    if not database.is_file():
        raise ConfigError(f"no SQLite state at {database}: nothing to migrate")
    source = SqliteStore(database)
    try:
        lite = source._open()  # migrated to the latest schema first
        target = connect(url, 60.0, "budget-erp migrate-state")
    except psycopg.OperationalError as exc:
        raise ConfigError(f"cannot reach {_no_password(url)}: {exc}") from exc
    try:
        migrate(target)
        with target.raw.transaction():
            filled = [t for t in TABLES if _count(target.raw, t)]
            if filled:
                raise StateNotEmpty(
                    f"{_no_password(url)} already holds a state ({', '.join(filled)}); "
                    "migrate-state copies only into an empty database"
                )
            copies = [_copy_table(lite, target.raw, table) for table in TABLES]
            target.raw.execute(
                "SELECT setval(pg_get_serial_sequence('events', 'id'), "
                "coalesce((SELECT max(id) FROM events), 0) + 1, false)"
            )
            wrong = [c for c in copies if c.sqlite_rows != c.postgres_rows]
            if wrong:
                raise PipelineError(f"row counts differ after the copy, nothing kept: {wrong}")
        return copies
    finally:
        target.raw.close()
        source.close()


def _copy_table(
    lite: sqlite3.Connection, pg: psycopg.Connection[tuple[Any, ...]], table: str
) -> TableCopy:
    columns = [
        row[1]
        for row in lite.execute(f"PRAGMA table_info({table})")
        if row[1] != GENERATED.get(table)
    ]
    names = ", ".join(columns)
    rows = 0
    with pg.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in lite.execute(f"SELECT {names} FROM {table} ORDER BY rowid"):
            copy.write_row(tuple(row))
            rows += 1
    return TableCopy(table, rows, _count(pg, table))


def _count(pg: psycopg.Connection[tuple[Any, ...]], table: str) -> int:
    row = pg.execute(f"SELECT count(*) FROM {table}").fetchone()
    return int(row[0]) if row else 0


def _no_password(url: str) -> str:
    """The URL as it may be printed: a password in it is masked."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def state_is_blank(url: str) -> bool:
    """Whether the PostgreSQL database holds no state yet (none of our tables); read only:
    opening our store would create them."""
    try:
        with psycopg.connect(url, connect_timeout=10) as conn:
            row = conn.execute("SELECT to_regclass('migrations') IS NULL").fetchone()
    except psycopg.Error as exc:
        raise EnvironmentFault(f"state database: {exc}") from exc
    return bool(row and row[0])
