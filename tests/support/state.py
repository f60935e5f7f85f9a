"""The tests' own look into a workspace's state, on whichever engine holds it: the SQLite
file, or the PostgreSQL database of ``BUDGET_ERP_DATABASE_URL`` (``pytest --store=postgres``)."""

from __future__ import annotations

import os
import sqlite3
from collections import Counter
from pathlib import Path
from typing import Any

import psycopg

from pipeline.adapters.postgres.connection import psycopg_sql
from pipeline.config import ENV_DATABASE_URL


def state_sql(root: Path, sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Run one statement (``?`` placeholders) on the workspace's state, committed; its rows."""
    url = os.environ.get(ENV_DATABASE_URL)
    if url:
        with psycopg.connect(url, autocommit=True) as db:
            cursor = db.execute(psycopg_sql(sql), parameters)
            return list(cursor.fetchall()) if cursor.description else []
    with sqlite3.connect(root / "state" / "budget-erp.sqlite") as lite:
        return list(lite.execute(sql, parameters).fetchall())


def events_by_project(root: Path, action: str) -> Counter[str]:
    """How many events of ``action`` each project has."""
    rows = state_sql(root, "SELECT project_number FROM events WHERE action = ?", (action,))
    return Counter(row[0] for row in rows)


def all_taken(root: Path) -> bool:
    """Nothing left to take (no visible file in inbox/, none claimed in processing/) and
    the outbox of mail delivered: the daemons are idle."""
    processing = root / "processing"
    return (
        not any(p.is_file() and p.name[0] != "." for p in (root / "inbox").iterdir())
        and not (processing.exists() and any(p.is_file() for p in processing.rglob("*")))
        and state_sql(root, "SELECT count(*) FROM notifications WHERE status <> 'sent'") == [(0,)]
    )


def review_count(root: Path) -> int:
    """How many review workbooks wait in approval/."""
    folder = root / "approval"
    return sum(1 for p in folder.iterdir() if p.is_file() and p.name.endswith("_review.xlsx"))
