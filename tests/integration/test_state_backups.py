"""Backups of the SQLite state on real files: taken while a writer holds a transaction,
named by UTC time, the newest kept; a restore checks the file and keeps the state it
replaces; the guard tells a lost state from a new workspace."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from pipeline.adapters.files.earlier_work import earlier_work
from pipeline.adapters.sqlite.backups import (
    backup_due,
    backups,
    check_backup,
    restore_backup,
    state_is_blank,
    take_backup,
)
from pipeline.adapters.sqlite.faults import lock_problems
from pipeline.adapters.sqlite.store import SqliteStore, no_daemon_running
from pipeline.config import default_settings
from pipeline.errors import BackupRefused

NOON = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)


def _state(path: Path, budgets: int = 1) -> Path:
    store = SqliteStore(path)
    store.budgets()  # created and migrated
    store.close()
    db = sqlite3.connect(path)
    for n in range(budgets):
        db.execute(
            "INSERT INTO budgets (project_number, status, version, sender, revision) "
            "VALUES (?, 'awaiting_approval', 1, 'Ada Admin', 1)",
            (f"P-{n}",),
        )
    db.commit()
    db.close()
    return path


def test_a_backup_is_consistent_while_another_connection_writes(tmp_path: Path) -> None:
    database = _state(tmp_path / "state" / "budget-erp.sqlite", budgets=2)
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("DELETE FROM budgets")  # not committed: the backup must not see it

    taken = take_backup(database, keep=7, now=NOON)
    writer.execute("ROLLBACK")

    assert taken == tmp_path / "state" / "backups" / "budget-erp-20260302T120000Z.sqlite"
    assert check_backup(taken).budgets == 2


def test_only_the_newest_backups_are_kept(tmp_path: Path) -> None:
    database = _state(tmp_path / "budget-erp.sqlite")
    for hours in range(5):
        take_backup(database, keep=3, now=NOON + timedelta(hours=hours))

    kept = [p.name for p in backups(tmp_path / "backups")]

    assert kept == [f"budget-erp-20260302T1{h}0000Z.sqlite" for h in (4, 5, 6)]


def test_a_backup_is_due_after_backup_hours_and_never_when_off(tmp_path: Path) -> None:
    database = _state(tmp_path / "budget-erp.sqlite")
    assert backup_due(database, 24, NOON)  # none yet
    take_backup(database, keep=7, now=NOON)

    assert not backup_due(database, 24, NOON + timedelta(hours=23))
    assert backup_due(database, 24, NOON + timedelta(hours=24))
    assert not backup_due(database, 0, NOON + timedelta(days=9))
    assert not backup_due(tmp_path / "missing.sqlite", 24, NOON)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b"not a database at all" * 100, "cannot be opened|not a sound|damaged"),
        (None, "not a budget-erp state"),
        ("unknown-migration", "made by a newer budget-erp"),
    ],
)
def test_a_restore_checks_the_file_first(
    tmp_path: Path, content: bytes | str | None, reason: str
) -> None:
    candidate = tmp_path / "candidate.sqlite"
    if isinstance(content, bytes):
        candidate.write_bytes(content)
    elif content is None:
        sqlite3.connect(candidate).execute("CREATE TABLE other (x)").connection.commit()
    else:
        _state(candidate)
        db = sqlite3.connect(candidate)
        db.execute("INSERT INTO migrations VALUES ('m999_future', datetime('now'))")
        db.commit()
        db.close()
    database = _state(tmp_path / "state" / "budget-erp.sqlite", budgets=3)

    with pytest.raises(BackupRefused, match=reason):
        restore_backup(candidate, database, NOON)

    assert check_backup(database).budgets == 3  # untouched


def test_a_restore_keeps_the_state_it_replaces(tmp_path: Path) -> None:
    backup = take_backup(_state(tmp_path / "old" / "budget-erp.sqlite", 1), 7, NOON)
    database = _state(tmp_path / "state" / "budget-erp.sqlite", budgets=4)

    aside = restore_backup(backup, database, NOON)

    assert aside is not None and check_backup(aside).budgets == 4
    assert check_backup(database).budgets == 1
    assert SqliteStore(database).budgets()[0].project_number == "P-0"


def test_a_running_daemon_holds_restores_off(tmp_path: Path) -> None:
    database = _state(tmp_path / "budget-erp.sqlite")
    daemon = SqliteStore(database)
    daemon.start_presence()
    with pytest.raises(BackupRefused, match="daemon"), no_daemon_running(database):
        pass
    daemon.close()
    with no_daemon_running(database):
        pass


def test_blank_means_missing_or_without_our_tables(tmp_path: Path) -> None:
    database = tmp_path / "budget-erp.sqlite"
    assert state_is_blank(database)
    database.write_bytes(b"")
    assert state_is_blank(database)
    database.unlink()
    sqlite3.connect(database).execute("CREATE TABLE other (x)").connection.commit()
    assert state_is_blank(database)
    database.unlink()
    assert not state_is_blank(_state(database, budgets=0))  # young, not lost
    assert not (tmp_path / "missing.sqlite").exists()


def test_earlier_work_is_found_in_the_folders_and_not_in_a_new_workspace(
    tmp_path: Path,
) -> None:
    settings = default_settings(tmp_path)
    for folder in settings.folders():
        folder.mkdir(parents=True)
    assert earlier_work(settings) == []
    (settings.archive / "sha256" / "ab").mkdir(parents=True)
    (settings.archive / "sha256" / "ab" / "abcdef.xlsx").write_bytes(b"x")
    (settings.approval / "notes.txt").write_text("not a review")
    (settings.outbox / ".P-1001_v1_001.csv.tmp").write_text("ours, half written")

    assert earlier_work(settings) == ["archive/sha256/ab/abcdef.xlsx"]


def test_a_lock_held_by_another_program_is_reported_and_a_free_one_is_not(
    tmp_path: Path,
) -> None:
    database = _state(tmp_path / "budget-erp.sqlite")
    assert lock_problems(database) == []
    holder = sqlite3.connect(database, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")

    [problem] = lock_problems(database)

    holder.execute("ROLLBACK")
    assert "budget-erp.sqlite is locked by another program" in problem
    assert lock_problems(tmp_path / "missing.sqlite") == []
    assert not (tmp_path / "missing.sqlite").exists()
