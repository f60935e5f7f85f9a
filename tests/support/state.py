"""The tests' own look into a workspace's state, on whichever engine holds it: the SQLite
file, or the PostgreSQL database of ``BUDGET_ERP_DATABASE_URL`` (``pytest --store=postgres``)."""

from __future__ import annotations

import os
import sqlite3
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
