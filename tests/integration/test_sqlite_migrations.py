"""A database from the first schema, holding a workspace's worth of rows, upgraded by opening
it: every row survives, the exports move into erp_exports (m003), and all reads back."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.sqlite.migrations import MIGRATIONS, m001_initial
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Status, Submission
from pipeline.domain.review import LineFlag, Rejection
from pipeline.services.records import ExportRecord

DAY = datetime(2025, 6, 2, 9, 0, tzinfo=UTC)


def _at(hours: float) -> datetime:
    return DAY + timedelta(hours=hours)


SHA = {name: name[0] * 64 for name in ("a1", "b2", "c3", "d4", "e5", "f6")}
# P-1001: version 1 rejected with a flagged line, version 2 accepted and exported.
# P-2002: version 1 waiting for the approver.
BUDGETS = [
    ("P-1001", "exported", 2, "Ada Admin", _at(0), _at(30), 5),
    ("P-2002", "awaiting_approval", 1, "Eve Estimator", _at(26), _at(26), 1),
]
SUBMISSIONS = [
    Submission(
        project_number="P-1001",
        version=1,
        action=Action.SEND,
        file_name="budget.xlsx",
        file_sha256=SHA["a1"],
        fingerprint="fp-1",
        sender="Ada Admin",
        at=_at(0),
        review_file="P-1001_v1_review.xlsx",
        line_count=2,
        total="57000.50",
        project_name="Riverside Clinic",
        prepared_by="Ada Admin",
        stated_total="57000.50",
    ),
    Submission(
        project_number="P-1001",
        version=2,
        action=Action.RESEND,
        file_name="budget fixed.xlsx",
        file_sha256=SHA["b2"],
        fingerprint="fp-2",
        sender="Ada Admin",
        at=_at(25),
        review_file="P-1001_v2_review.xlsx",
        line_count=2,
        total="55000.50",
        project_name="Riverside Clinic",
        prepared_by="Ada Admin",
        stated_total="",
    ),
    Submission(
        project_number="P-2002",
        version=1,
        action=Action.SEND,
        file_name="depot.xlsx",
        file_sha256=SHA["c3"],
        fingerprint="fp-3",
        sender="Eve Estimator",
        at=_at(26),
        review_file="P-2002_v1_review.xlsx",
        line_count=1,
        total="1500.00",
        project_name="Harbor Depot",
        prepared_by="Eve Estimator",
        stated_total="1500.00",
    ),
]
LINES = {
    ("P-1001", 1): [
        BudgetLine(
            row=8,
            sub_job="",
            cost_code="01-100",
            cost_type="L",
            description="Supervision",
            amount=Decimal("12000.00"),
            unit_qty=Decimal("400"),
            uom="HR",
            unit_cost=Decimal("30.00"),
        ),
        BudgetLine(
            row=9,
            sub_job="A",
            cost_code="03-300",
            cost_type="M",
            description="Concrete",
            amount=Decimal("45000.50"),
        ),
    ],
    ("P-1001", 2): [
        BudgetLine(
            row=8,
            sub_job="",
            cost_code="01-100",
            cost_type="L",
            description="Supervision",
            amount=Decimal("10000.00"),
            unit_qty=Decimal("400"),
            uom="HR",
            unit_cost=Decimal("25.00"),
        ),
        BudgetLine(
            row=9,
            sub_job="A",
            cost_code="03-300",
            cost_type="M",
            description="Concrete",
            amount=Decimal("45000.50"),
        ),
    ],
    ("P-2002", 1): [
        BudgetLine(
            row=8,
            sub_job="",
            cost_code="05-500",
            cost_type="M",
            description="Steel",
            amount=Decimal("1500.00"),
        )
    ],
}
REJECTION = Rejection(
    version=1,
    approver="Carl Accountant",
    at=_at(24),
    reasons=("Supervision is over the estimate",),
    flags=(LineFlag(LineKey("", "01-100", "L"), "400 hours at 30 is too much"),),
)
OLD_EXPORT = ("P-1001", 2, "P-1001_v2.csv", SHA["d4"], 2, "55000.50", _at(30).isoformat())
EVENTS = [
    Event(
        project_number="P-1001",
        version=1,
        action=Action.SEND,
        actor="Ada Admin",
        at=_at(0),
        detail="",
        file_sha256=SHA["a1"],
    ),
    Event(
        project_number="P-1001",
        version=1,
        action=Action.REJECT,
        actor="Carl Accountant",
        at=_at(24),
        detail="Too much",
        file_sha256=SHA["e5"],
    ),
    Event(
        project_number="P-1001",
        version=2,
        action=Action.RESEND,
        actor="Ada Admin",
        at=_at(25),
        detail="",
        file_sha256=SHA["b2"],
    ),
    Event(
        project_number="P-1001",
        version=2,
        action=Action.ACCEPT,
        actor="Carl Accountant",
        at=_at(29),
        detail="",
        file_sha256=SHA["f6"],
    ),
    Event(
        project_number="P-1001",
        version=2,
        action=Action.EXPORT,
        actor="budget-erp",
        at=_at(30),
        detail="P-1001_v2.csv",
        file_sha256=SHA["d4"],
    ),
    Event(
        project_number="P-2002",
        version=1,
        action=Action.SEND,
        actor="Eve Estimator",
        at=_at(26),
        detail="",
        file_sha256=SHA["c3"],
    ),
]


def _first_schema_database(path: Path) -> None:
    """A database as the first release left it: m001 only, filled with the rows above."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("CREATE TABLE migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    m001_initial(db)
    db.execute("INSERT INTO migrations VALUES ('m001_initial', '2025-06-01 08:00:00')")
    for project, status, version, sender, sent, changed, revision in BUDGETS:
        db.execute(
            "INSERT INTO budgets VALUES (?,?,?,?,?,?,?)",
            (project, status, version, sender, sent.isoformat(), changed.isoformat(), revision),
        )
    for s in SUBMISSIONS:
        db.execute(
            "INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (s.project_number, s.version, s.action.value, s.file_name, s.file_sha256,
             s.fingerprint, s.sender, s.at.isoformat(), s.review_file, s.line_count, s.total,
             s.project_name, s.prepared_by, s.stated_total),
        )  # fmt: skip
    for (project, version), lines in LINES.items():
        for ln in lines:
            db.execute(
                "INSERT INTO lines VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (project, version, ln.row, ln.sub_job, ln.cost_code, ln.cost_type,
                 ln.description, str(ln.amount), _text(ln.unit_qty), ln.uom,
                 _text(ln.unit_cost)),
            )  # fmt: skip
    flags = [[f.key.sub_job, f.key.cost_code, f.key.cost_type, f.note] for f in REJECTION.flags]
    db.execute(
        "INSERT INTO rejections VALUES ('P-1001', 1, ?, ?, ?, ?)",
        (REJECTION.approver, REJECTION.at.isoformat(), json.dumps(REJECTION.reasons),
         json.dumps(flags)),
    )  # fmt: skip
    db.execute("INSERT INTO exports VALUES (?,?,?,?,?,?,?)", OLD_EXPORT)
    db.execute(
        "INSERT INTO decision_files VALUES (?, 'P-1001', 1, 'rejected', ?)",
        (SHA["e5"], _at(24).isoformat()),
    )
    for e in EVENTS:
        db.execute(
            "INSERT INTO events (project_number, version, action, actor, at, detail, "
            "file_sha256) VALUES (?,?,?,?,?,?,?)",
            (e.project_number, e.version, e.action.value, e.actor, e.at.isoformat(), e.detail,
             e.file_sha256),
        )  # fmt: skip
    db.close()


def _text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


@pytest.fixture
def upgraded(tmp_path: Path) -> SqliteStore:
    """The first-schema database, opened by the store (which migrates it to the latest)."""
    path = tmp_path / "budget-erp.sqlite"
    _first_schema_database(path)
    return SqliteStore(path)


def test_every_migration_is_applied_once_and_the_database_is_sound(
    upgraded: SqliteStore,
) -> None:
    applied = [row[0] for row in upgraded.db.execute("SELECT name FROM migrations ORDER BY name")]
    assert applied == [name for name, _ in MIGRATIONS]
    assert [tuple(r) for r in upgraded.db.execute("PRAGMA integrity_check")] == [("ok",)]
    assert upgraded.db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_budgets_versions_lines_and_the_rejection_read_back(upgraded: SqliteStore) -> None:
    budgets = {b.project_number: b for b in upgraded.budgets()}
    assert sorted(budgets) == ["P-1001", "P-2002"]
    for project, status, version, sender, sent, changed, revision in BUDGETS:
        budget = upgraded.get_budget(project)
        assert budget is not None
        assert budget == budgets[project]
        assert (budget.status, budget.version, budget.sender) == (Status(status), version, sender)
        assert (budget.sent_at, budget.changed_at, budget.revision) == (sent, changed, revision)
    for submission in SUBMISSIONS:
        assert upgraded.submission(submission.project_number, submission.version) == submission
        assert upgraded.submission_for_review(submission.review_file) == submission
        assert upgraded.submissions_by_sha(submission.file_sha256) == [submission]
    for (project, version), lines in LINES.items():
        assert upgraded.lines(project, version) == lines
    assert upgraded.rejection("P-1001", 1) == REJECTION
    assert upgraded.rejection("P-1001", 2) is None
    assert upgraded.decision_outcome(SHA["e5"]) == "rejected"


def test_the_old_export_moves_into_erp_exports_as_the_versions_original(
    upgraded: SqliteStore,
) -> None:
    project, version, name, sha, count, total, at = OLD_EXPORT
    moved = ExportRecord(
        project_number=project,
        version=version,
        file_name=name,
        sha256=sha,
        line_count=count,
        total=total,
        at=datetime.fromisoformat(at),
        seq=1,
        kind=ExportKind.ORIGINAL,
        profile="generic-csv",
    )
    assert upgraded.exports(project) == [moved]
    assert upgraded.export_by_file(name) == moved
    assert upgraded.exports("P-2002") == []
    tables = {row[0] for row in upgraded.db.execute("SELECT name FROM sqlite_master")}
    assert "exports" not in tables and "erp_exports" in tables


def test_the_audit_trail_reads_back_with_no_account_recorded(upgraded: SqliteStore) -> None:
    # Equal to events made with no account: the column m004 adds is empty, not missing.
    assert upgraded.history("P-1001") == EVENTS[:5]
    assert upgraded.history("P-2002") == EVENTS[5:]


def test_later_migrations_derive_their_rows_from_the_old_ones(upgraded: SqliteStore) -> None:
    assert upgraded.stem_owner("P-1001") == "P-1001"  # m004: the stem its files already use
    assert upgraded.stem_owner("p-2002") == "P-2002"
    assert upgraded.current_review_issue("P-1001", 2) is None  # issued before tokens
    assert tuple(upgraded.db.execute("SELECT count(*) FROM notifications").fetchone()) == (0,)


def test_the_upgraded_database_takes_what_only_the_new_schema_allows(
    upgraded: SqliteStore,
) -> None:
    budget = upgraded.get_budget("P-1001")
    assert budget is not None
    synced = ProjectBudget(
        project_number="P-1001",
        status=Status.SYNCED,
        version=2,
        sender=budget.sender,
        sent_at=budget.sent_at,
        changed_at=_at(31),
        revision=budget.revision,
    )
    again = ExportRecord(
        project_number="P-1001",
        version=2,
        file_name="P-1001_v2_002.csv",
        sha256=SHA["f6"],
        line_count=2,
        total="55000.50",
        at=_at(32),
        seq=2,
        kind=ExportKind.AGAIN,
        profile="sage300",
    )
    with upgraded.transaction():
        upgraded.save_budget(synced)  # a state m001's CHECK refused, on the same revision
        upgraded.add_export(again)
        upgraded.set_export_result("P-1001_v2.csv", ExportResult.SUCCESS, "imported", "ERP-77")
    stored = upgraded.get_budget("P-1001")
    assert stored is not None and (stored.status, stored.revision) == (Status.SYNCED, 6)
    assert [(e.seq, e.kind, e.result) for e in upgraded.exports("P-1001")] == [
        (1, "original", "success"),
        (2, "again", ""),
    ]
    # The rebuilt budgets table is still the one the versions point at.
    orphan = dataclasses.replace(SUBMISSIONS[2], project_number="P-9", review_file="x.xlsx")
    with pytest.raises(sqlite3.IntegrityError), upgraded.transaction():
        upgraded.add_submission(orphan, [])


def test_a_review_issued_before_fingerprints_holds_no_figures(upgraded: SqliteStore) -> None:
    # A row as m004 wrote it (m008 adds the figures column, '' for the rows already there).
    upgraded.db.execute(
        "INSERT INTO review_issues (token, project_number, version, review_file, sha256, "
        "issued_at) VALUES ('t', 'P-1001', 2, 'P-1001_v2_review.xlsx', ?, ?)",
        (SHA["a1"], _at(40).isoformat()),
    )
    issue = upgraded.review_issue("t")
    assert issue is not None and issue.figures is None
