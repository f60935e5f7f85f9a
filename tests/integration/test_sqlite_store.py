"""The SQLite store on a real file: migrations, round trips, optimistic concurrency."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from pipeline.adapters.sqlite.migrations import MIGRATIONS
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.domain.lifecycle import Action

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def test_the_identity_migration_keeps_the_existing_state(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    for name, migration in MIGRATIONS[:3]:  # a workspace from before m004
        migration(db)
        db.execute("INSERT INTO migrations VALUES (?, 'then')", (name,))
    db.execute(
        "INSERT INTO budgets VALUES ('J/100', 'awaiting_approval', 1, 'Ada', ?, ?, 1)",
        (NOW.isoformat(), NOW.isoformat()),
    )
    db.execute(
        "INSERT INTO submissions VALUES ('J/100', 1, 'send', 'b.xlsx', ?, 'fp', 'Ada', ?, "
        "'J_100-abcdef12_v1_review.xlsx', 0, '0.00', '', '', '')",
        ("a" * 64, NOW.isoformat()),
    )
    db.execute(
        "INSERT INTO events (project_number, version, action, actor, at, detail, file_sha256)"
        " VALUES ('J/100', 1, 'send', 'Ada', ?, '', '')",
        (NOW.isoformat(),),
    )
    db.close()

    store = SqliteStore(path)

    assert [(e.action, e.account) for e in store.history("J/100")] == [(Action.SEND, "")]
    assert store.stem_owner("J_100-abcdef12") == "J/100"  # the stem its files already use
    assert store.current_review_issue("J/100", 1) is None  # issued before tokens
