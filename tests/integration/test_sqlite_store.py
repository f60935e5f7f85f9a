"""The SQLite store on a real file: migrations, round trips, optimistic concurrency."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.sqlite_store import SqliteStore
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.lifecycle import Action, ProjectBudget, Status, Submission
from pipeline.domain.review import LineFlag, Rejection
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


def test_round_trips_budget_submission_lines_and_history(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.sqlite")
    _sent(store)
    store.close()

    reopened = SqliteStore(tmp_path / "s.sqlite")
    budget = reopened.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.AWAITING_APPROVAL, 1)
    assert reopened.lines("P-1", 1)[0].unit_qty == Decimal("1.5")
    assert reopened.submission_for_review("r.xlsx") == reopened.submission("P-1", 1)
    assert [e.action for e in reopened.history("P-1")] == [Action.SEND]


def test_rejections_keep_reasons_and_flags(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.sqlite")
    rejection = Rejection(1, "Carl", NOW, ("a", "b"), (LineFlag(LineKey("S", "01", "L"), "n"),))
    with store.transaction():
        store.add_rejection("P-1", rejection)
    assert store.rejection("P-1", 1) == rejection


def test_a_stale_write_is_refused(tmp_path: Path):
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


def test_a_failed_transaction_leaves_nothing(tmp_path: Path):
    store = SqliteStore(tmp_path / "s.sqlite")
    with pytest.raises(RuntimeError), store.transaction():
        budget = ProjectBudget("P-2")
        budget.send(sender="Ada", at=NOW, file_sha256="b" * 64)
        store.save_budget(budget)
        raise RuntimeError("crash before commit")
    assert store.get_budget("P-2") is None
    assert store.history("P-2") == []
