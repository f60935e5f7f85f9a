"""Both engines' schemas, migrated from nothing, read back from their own catalogues: the same
tables with the same columns (name, nullability, kind of value, default), but the differences
listed here with their reasons; and each CHECK constraint allows exactly the values of the
domain's enum it stands for. The query groups (``adapters/sql``) run on both unchanged, so a
migration on one engine only fails here, not in a daemon on the other."""

from __future__ import annotations

import enum
import itertools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pipeline.adapters.postgres import migrations as postgres_migrations
from pipeline.adapters.postgres.connection import PgConnection, connect
from pipeline.adapters.sqlite import migrations as sqlite_migrations
from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Status
from pipeline.domain.notification import MailStatus
from tests.support.postgres import PostgresServer

# Tables one engine has and the other needs not.
ONLY_POSTGRES_TABLES = {
    # Each daemon's heartbeat, so that several machines can tell a daemon gone and end its
    # session; on SQLite the daemons share one machine and hold state/daemon.lock instead.
    "daemons",
}
# Columns one engine declares and the other has without declaring them.
ONLY_POSTGRES_COLUMNS = {
    # SQLite numbers every row itself (its hidden rowid), which the query groups order these
    # by; PostgreSQL has no such number, so these tables declare one under the same name.
    ("lines", "rowid"),
    ("review_issues", "rowid"),
}
# Each CHECK constraint's column, the enum whose values it allows.
CHECKED = [
    ("budgets", "status", Status),
    ("notifications", "status", MailStatus),
    ("erp_exports", "kind", ExportKind),
    ("export_intents", "kind", ExportKind),
]


@dataclass(frozen=True)
class Column:
    """One column as an engine's catalogue describes it, in terms both engines share."""

    nullable: bool
    kind: str  # "text" or "integer"; "timestamp" for PostgreSQL's own
    default: str | None  # the literal as written, without PostgreSQL's cast


Schema = dict[str, dict[str, Column]]


def sqlite_schema(db: sqlite3.Connection) -> Schema:
    """Every table's columns, from ``sqlite_master`` and ``PRAGMA table_info``."""
    tables = [
        row[0]
        for row in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    schema: Schema = {}
    for table in tables:
        schema[table] = {
            name: Column(
                # SQLite lets a primary key other than an INTEGER one hold NULL (a legacy of
                # its own); PostgreSQL never does. Nothing of ours writes NULL there.
                nullable=not notnull and not primary_key,
                kind=declared.lower(),
                default=default,
            )
            for _, name, declared, notnull, default, primary_key in db.execute(
                f"PRAGMA table_info({table})"
            )
        }
    return schema


def postgres_schema(db: PgConnection) -> Schema:
    """Every table's columns, from ``information_schema.columns``."""
    schema: Schema = {}
    rows = db.execute(
        "SELECT table_name, column_name, is_nullable, data_type, column_default "
        "FROM information_schema.columns WHERE table_schema = current_schema()"
    )
    for table, name, nullable, data_type, default in rows:
        schema.setdefault(table, {})[name] = Column(
            nullable=nullable == "YES",
            kind=_POSTGRES_KINDS.get(data_type, data_type),
            default=default.removesuffix("::text") if default is not None else None,
        )
    return schema


# SQLite keeps any integer in 64 bits: PostgreSQL's integer and bigint are both its INTEGER.
_POSTGRES_KINDS = {"bigint": "integer", "timestamp with time zone": "timestamp"}


@pytest.fixture
def sqlite_db(tmp_path: Path) -> Iterator[sqlite3.Connection]:
    """A SQLite state migrated from nothing."""
    db = sqlite3.connect(tmp_path / "state.sqlite", isolation_level=None)
    sqlite_migrations.migrate(db)
    yield db
    db.close()


@pytest.fixture
def postgres_db(postgres_server: PostgresServer) -> Iterator[PgConnection]:
    """A PostgreSQL state migrated from nothing, in a database of its own."""
    db = connect(postgres_server.new_database(), 60.0)
    postgres_migrations.migrate(db)
    yield db
    db.raw.close()


def test_both_engines_have_the_same_tables_with_the_same_columns(
    sqlite_db: sqlite3.Connection, postgres_db: PgConnection
) -> None:
    lite, pg = sqlite_schema(sqlite_db), postgres_schema(postgres_db)
    assert "budgets" in lite and "notifications" in lite  # the catalogue was read

    assert sorted(set(pg) - set(lite)) == sorted(ONLY_POSTGRES_TABLES)
    assert sorted(set(lite) - set(pg)) == []
    for table in sorted(lite):
        pg_columns = {
            name: column
            for name, column in pg[table].items()
            if (table, name) not in ONLY_POSTGRES_COLUMNS
        }
        assert pg_columns == lite[table], table
    assert {(t, c) for t, c in ONLY_POSTGRES_COLUMNS if c in pg[t]} == ONLY_POSTGRES_COLUMNS


@pytest.mark.parametrize("engine", ["sqlite", "postgres"])
@pytest.mark.parametrize(("table", "column", "values"), CHECKED)
def test_each_check_allows_every_value_of_its_enum_and_no_other(
    engine: str,
    table: str,
    column: str,
    values: type[enum.StrEnum],
    request: pytest.FixtureRequest,
) -> None:
    db: Any = request.getfixturevalue(f"{engine}_db")
    refused: type[Exception]
    if engine == "sqlite":
        schema, refused = sqlite_schema(db), sqlite3.IntegrityError
    else:
        schema, refused = postgres_schema(db), psycopg.errors.CheckViolation
    insert = _insert(table, schema[table], column)
    numbers = itertools.count(1)

    for value in values:
        db.execute(insert, _row(schema[table], column, value, next(numbers)))
    with pytest.raises(refused):
        db.execute(insert, _row(schema[table], column, "not_a_value", next(numbers)))

    stored = {row[0] for row in db.execute(f"SELECT {column} FROM {table}")}
    assert stored == {str(value) for value in values}


def _needed(columns: dict[str, Column], checked: str) -> list[str]:
    """The columns a row must be given: the checked one, and those with no NULL or default."""
    return [
        name
        for name, c in columns.items()
        if name == checked or (not c.nullable and c.default is None)
    ]


def _insert(table: str, columns: dict[str, Column], checked: str) -> str:
    names = _needed(columns, checked)
    return f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})"


def _row(columns: dict[str, Column], checked: str, value: str, number: int) -> tuple[Any, ...]:
    """A row that differs from every other in each column (keys and unique names)."""
    return tuple(
        value if name == checked else number if columns[name].kind == "integer" else f"{number}"
        for name in _needed(columns, checked)
    )
