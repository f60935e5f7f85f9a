"""The state database: SQLite in the workspace, WAL mode, one write transaction per use case."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path

from pipeline.adapters.sqlite.exports import ExportQueries
from pipeline.adapters.sqlite.handbacks import HandBackQueries
from pipeline.adapters.sqlite.migrations import migrate
from pipeline.adapters.sqlite.outbox import OutboxQueries
from pipeline.adapters.sqlite.passes import PassQueries
from pipeline.adapters.sqlite.reviews import ReviewQueries
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Status, Submission
from pipeline.domain.review import LineFlag, Rejection
from pipeline.errors import ConcurrentUpdate, EnvironmentFault

SUBMISSION_COLUMNS = (
    "project_number, version, action, file_name, file_sha256, fingerprint, sender, at, "
    "review_file, line_count, total, project_name, prepared_by, stated_total"
)
LINE_COLUMNS = (
    "project_number, version, row, sub_job, cost_code, cost_type, description, amount, "
    "unit_qty, uom, unit_cost"
)
# SQLITE_PERM, SQLITE_READONLY, SQLITE_IOERR, SQLITE_FULL, SQLITE_CANTOPEN: the disk, not us.
ENVIRONMENT_CODES = frozenset({3, 8, 10, 13, 14})


class SqliteStore(OutboxQueries, ExportQueries, ReviewQueries, HandBackQueries, PassQueries):
    """Budgets, versions, lines, rejections, exports, reviews, the audit trail, the mail
    outbox and the passes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._db: sqlite3.Connection | None = None
        self._connect = self._open

    def _open(self) -> sqlite3.Connection:
        if self._db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA synchronous=FULL")
            migrate(db)
            db.execute("PRAGMA foreign_keys=ON")
            db.row_factory = sqlite3.Row  # rows are read by column name
            self._db = db
        return self._db

    def close(self) -> None:
        """Close the connection if open."""
        if self._db is not None:
            self._db.close()
            self._db = None

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together, or not at all. A full, read-only or failing
        disk is an ``EnvironmentFault``: the item waits, and the daemon backs off."""
        try:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")
        except sqlite3.Error as exc:
            if getattr(exc, "sqlite_errorcode", 0) & 0xFF in ENVIRONMENT_CODES:
                raise EnvironmentFault(f"state database: {exc}") from exc
            raise

    # budgets -------------------------------------------------------------------------------
    def get_budget(self, project_number: str) -> ProjectBudget | None:
        """The budget of a project, or None if never sent."""
        row = self.db.execute(
            "SELECT project_number, status, version, sender, sent_at, changed_at, revision "
            "FROM budgets WHERE project_number = ? COLLATE NOCASE",
            (project_number,),
        ).fetchone()
        return _budget(row) if row else None

    def budgets(self) -> list[ProjectBudget]:
        """Every budget, most recently changed first."""
        rows = self.db.execute(
            "SELECT project_number, status, version, sender, sent_at, changed_at, revision "
            "FROM budgets ORDER BY changed_at DESC, project_number"
        )
        return [_budget(row) for row in rows]

    def save_budget(self, budget: ProjectBudget) -> None:
        """Write the budget and its new events; refuse if someone else changed it meanwhile."""
        assert budget.status is not None
        values = (
            budget.status.value,
            budget.version,
            budget.sender,
            _iso(budget.sent_at),
            _iso(budget.changed_at),
            budget.project_number,
        )
        if budget.revision == 0:
            self.db.execute(
                "INSERT INTO budgets (status, version, sender, sent_at, changed_at, "
                "project_number, revision) VALUES (?, ?, ?, ?, ?, ?, 1)",
                values,
            )
        else:
            cursor = self.db.execute(
                "UPDATE budgets SET status=?, version=?, sender=?, sent_at=?, changed_at=?, "
                "revision=revision+1 WHERE project_number=? AND revision=?",
                (*values, budget.revision),
            )
            if cursor.rowcount != 1:
                raise ConcurrentUpdate(f"budget {budget.project_number} changed meanwhile")
        budget.revision += 1
        for event in budget.events:
            self.record(event)
        budget.events.clear()

    # versions and lines --------------------------------------------------------------------
    def add_submission(self, submission: Submission, lines: Iterable[BudgetLine]) -> None:
        """Record a version sent for approval, with its lines."""
        s = submission
        record = {
            "project_number": s.project_number,
            "version": s.version,
            "action": s.action.value,
            "file_name": s.file_name,
            "file_sha256": s.file_sha256,
            "fingerprint": s.fingerprint,
            "sender": s.sender,
            "at": _iso(s.at),
            "review_file": s.review_file,
            "line_count": s.line_count,
            "total": s.total,
            "project_name": s.project_name,
            "prepared_by": s.prepared_by,
            "stated_total": s.stated_total,
        }
        self.db.execute(
            f"INSERT INTO submissions ({', '.join(record)}) "
            f"VALUES ({', '.join(':' + name for name in record)})",
            record,
        )
        self.db.executemany(
            f"INSERT INTO lines ({LINE_COLUMNS}) VALUES ({', '.join('?' * 11)})",
            ((s.project_number, s.version, *line.as_texts()) for line in lines),
        )

    def submission(self, project_number: str, version: int) -> Submission | None:
        """One recorded version."""
        row = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE project_number=? AND version=?",
            (project_number, version),
        ).fetchone()
        return _submission(row) if row else None

    def submissions_by_sha(self, sha256: str) -> list[Submission]:
        """Versions that came from a file with these exact bytes."""
        rows = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE file_sha256=?", (sha256,)
        )
        return [_submission(row) for row in rows]

    def submission_for_review(self, review_file: str) -> Submission | None:
        """The version whose review workbook has this file name."""
        row = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE review_file=? "
            "ORDER BY version DESC",
            (review_file,),
        ).fetchone()
        return _submission(row) if row else None

    def lines(self, project_number: str, version: int) -> list[BudgetLine]:
        """The lines of one version, in sheet order."""
        rows = self.db.execute(
            "SELECT row, sub_job, cost_code, cost_type, description, amount, unit_qty, uom, "
            "unit_cost FROM lines WHERE project_number=? AND version=? ORDER BY rowid",
            (project_number, version),
        )
        return [
            BudgetLine(
                r[0], r[1], r[2], r[3], r[4], Decimal(r[5]), _undec(r[6]), r[7], _undec(r[8])
            )
            for r in rows
        ]

    # rejections --------------------------------------------------------------------------
    def add_rejection(self, project_number: str, rejection: Rejection) -> None:
        """Record who rejected a version, when and why."""
        flags = [[f.key.sub_job, f.key.cost_code, f.key.cost_type, f.note] for f in rejection.flags]
        self.db.execute(
            "INSERT INTO rejections VALUES (?,?,?,?,?,?)",
            (
                project_number,
                rejection.version,
                rejection.approver,
                _iso(rejection.at),
                json.dumps(list(rejection.reasons)),
                json.dumps(flags),
            ),
        )

    def rejection(self, project_number: str, version: int) -> Rejection | None:
        """The rejection of one version, if it was rejected."""
        row = self.db.execute(
            "SELECT version, approver, at, reasons, flags FROM rejections "
            "WHERE project_number=? AND version=?",
            (project_number, version),
        ).fetchone()
        if row is None:
            return None
        flags = tuple(LineFlag(LineKey(f[0], f[1], f[2]), f[3]) for f in json.loads(row[4]))
        return Rejection(
            row[0], row[1], datetime.fromisoformat(row[2]), tuple(json.loads(row[3])), flags
        )

    # audit trail ---------------------------------------------------------------------------
    def record(self, event: Event) -> None:
        """Append an event to the audit trail."""
        self.db.execute(
            "INSERT INTO events (project_number, version, action, actor, at, detail, file_sha256,"
            " account) VALUES (?,?,?,?,?,?,?,?)",
            (
                event.project_number,
                event.version,
                str(event.action),
                event.actor,
                _iso(event.at),
                event.detail,
                event.file_sha256,
                event.account,
            ),
        )

    def history(self, project_number: str) -> list[Event]:
        """Every event of a project, oldest first."""
        rows = self.db.execute(
            "SELECT project_number, version, action, actor, at, detail, file_sha256, account "
            "FROM events "
            "WHERE project_number=? COLLATE NOCASE ORDER BY id",
            (project_number,),
        )
        return [
            Event(r[0], r[1], Action(r[2]), r[3], datetime.fromisoformat(r[4]), r[5], r[6], r[7])
            for r in rows
        ]


def _budget(row: sqlite3.Row) -> ProjectBudget:
    return ProjectBudget(
        project_number=row["project_number"],
        status=Status(row["status"]),
        version=row["version"],
        sender=row["sender"],
        sent_at=_dt(row["sent_at"]),
        changed_at=_dt(row["changed_at"]),
        revision=row["revision"],
    )


def _submission(row: sqlite3.Row) -> Submission:
    return Submission(
        project_number=row["project_number"],
        version=row["version"],
        action=Action(row["action"]),
        file_name=row["file_name"],
        file_sha256=row["file_sha256"],
        fingerprint=row["fingerprint"],
        sender=row["sender"],
        at=datetime.fromisoformat(row["at"]),
        review_file=row["review_file"],
        line_count=row["line_count"],
        total=row["total"],
        project_name=row["project_name"],
        prepared_by=row["prepared_by"],
        stated_total=row["stated_total"],
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
