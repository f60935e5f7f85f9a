"""The SQLite store on a real file: migrations, round trips, optimistic concurrency."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.sqlite.migrations import MIGRATIONS
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.lifecycle import Action, ProjectBudget, Status, Submission
from pipeline.domain.review import LineFlag, Rejection, ReviewIssue
from pipeline.errors import ConcurrentUpdate

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


def _sent(store: SqliteStore, project: str = "P-1") -> ProjectBudget:
    budget = ProjectBudget(project)
    with store.transaction():
        budget.send(sender="Ada", at=NOW, file_sha256="a" * 64)
        store.save_budget(budget)
        store.add_submission(
            Submission(
                project,
                1,
                Action.SEND,
                "b.xlsx",
                "a" * 64,
                "fp",
                "Ada",
                NOW,
                "r.xlsx",
                1,
                "10.00",
                "Depot",
                "Ada",
                "10.00",
            ),
            [
                BudgetLine(
                    8, "", "01-100", "L", "Work", Decimal("10.00"), Decimal("1.5"), "HR", None
                )
            ],
        )
    return budget


def test_round_trips_budget_submission_lines_and_history(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    _sent(store)
    store.close()

    reopened = SqliteStore(tmp_path / "s.sqlite")
    budget = reopened.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.AWAITING_APPROVAL, 1)
    assert reopened.lines("P-1", 1)[0].unit_qty == Decimal("1.5")
    assert reopened.submission_for_review("r.xlsx") == reopened.submission("P-1", 1)
    assert [e.action for e in reopened.history("P-1")] == [Action.SEND]


def test_rejections_keep_reasons_and_flags(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    rejection = Rejection(1, "Carl", NOW, ("a", "b"), (LineFlag(LineKey("S", "01", "L"), "n"),))
    with store.transaction():
        store.add_rejection("P-1", rejection)
    assert store.rejection("P-1", 1) == rejection


def test_a_stale_write_is_refused(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    _sent(store)
    first, second = store.get_budget("P-1"), store.get_budget("P-1")
    assert first is not None and second is not None
    with store.transaction():
        first.accept(approver="Carl", at=NOW)
        store.save_budget(first)
    second.retrieve(by="Ada", at=NOW)
    with pytest.raises(ConcurrentUpdate), store.transaction():
        store.save_budget(second)
    stored = store.get_budget("P-1")
    assert stored is not None and stored.status is Status.ACCEPTED


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        budget = ProjectBudget("P-2")
        budget.send(sender="Ada", at=NOW, file_sha256="b" * 64)
        store.save_budget(budget)
        raise RuntimeError("crash before commit")
    assert store.get_budget("P-2") is None
    assert store.history("P-2") == []


def test_events_keep_the_account_that_saved_the_file(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    budget = _sent(store)
    with store.transaction():
        budget.accept(approver="Carl", at=NOW, account="CORP\\carl")
        store.save_budget(budget)
    assert [e.account for e in store.history("P-1")] == ["", "CORP\\carl"]


def test_the_review_issued_last_is_the_one_that_counts(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    first = ReviewIssue("t1", "P-1", 1, "P-1_v1_review.xlsx", "a" * 64, NOW)
    again = ReviewIssue("t2", "P-1", 1, "P-1_v1_review.xlsx", "b" * 64, NOW)
    with store.transaction():
        store.add_review_issue(first)
        store.add_review_issue(again)  # the same version reviewed again (its export failed)
    assert store.current_review_issue("P-1", 1) == again
    assert store.review_issue("t1") == first
    assert store.current_review_issue("P-1", 2) is None


def test_a_file_name_stem_belongs_to_one_project_whatever_its_case(tmp_path: Path) -> None:
    store = SqliteStore(tmp_path / "s.sqlite")
    with store.transaction():
        store.claim_stem("J_100", "J_100")
        store.claim_stem("J_100", "J_100")  # again: a no-op
    assert store.stem_owner("j_100") == "J_100"
    with pytest.raises(sqlite3.IntegrityError), store.transaction():
        store.claim_stem("j_100", "J-100")


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
    assert store.current_review_issue("J/100", 1) is None  # issued before identifiers
