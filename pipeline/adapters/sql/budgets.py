"""Budgets, their versions and lines, rejections and the audit trail, in SQL that SQLite and
PostgreSQL both run (``?`` placeholders; the PostgreSQL connection translates them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

from pipeline.adapters.sql.queries import Queries
from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Status, Submission
from pipeline.domain.review import LineFlag, Rejection
from pipeline.errors import ConcurrentUpdate

SUBMISSION_COLUMNS = (
    "project_number, version, action, file_name, file_sha256, fingerprint, sender, at, "
    "review_file, line_count, total, project_name, prepared_by, stated_total"
)
LINE_COLUMNS = (
    "project_number, version, row, sub_job, cost_code, cost_type, description, amount, "
    "unit_qty, uom, unit_cost"
)
BUDGET_COLUMNS = "project_number, status, version, sender, sent_at, changed_at, revision"


class BudgetQueries(Queries):
    """Budget, version, rejection and audit-trail methods of the store (they share its
    connection and transactions)."""

    # budgets -------------------------------------------------------------------------------
    def get_budget(self, project_number: str) -> ProjectBudget | None:
        """The budget of a project, or None if never sent."""
        row = self.db.execute(
            f"SELECT {BUDGET_COLUMNS} FROM budgets WHERE project_number = ? COLLATE NOCASE",
            (project_number,),
        ).fetchone()
        return project_budget(row) if row else None

    def budgets(self) -> list[ProjectBudget]:
        """Every budget, most recently changed first."""
        if self._snapshot is not None:
            return self._snapshot.budgets()
        rows = self.db.execute(
            f"SELECT {BUDGET_COLUMNS} FROM budgets ORDER BY changed_at DESC, project_number"
        )
        return [project_budget(row) for row in rows]

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
            f"VALUES ({', '.join('?' * len(record))})",
            tuple(record.values()),
        )
        self.db.executemany(
            f"INSERT INTO lines ({LINE_COLUMNS}) VALUES ({', '.join('?' * 11)})",
            ((s.project_number, s.version, *line.as_texts()) for line in lines),
        )

    def submission(self, project_number: str, version: int) -> Submission | None:
        """One recorded version."""
        if self._snapshot is not None:
            return self._snapshot.submission(project_number, version)
        row = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE project_number=? AND version=?",
            (project_number, version),
        ).fetchone()
        return submission_of(row) if row else None

    def submissions_by_sha(self, sha256: str) -> list[Submission]:
        """Versions that came from a file with these exact bytes."""
        rows = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE file_sha256=?", (sha256,)
        )
        return [submission_of(row) for row in rows]

    def submission_for_review(self, review_file: str) -> Submission | None:
        """The version whose review workbook has this file name."""
        row = self.db.execute(
            f"SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE review_file=? "
            "ORDER BY version DESC",
            (review_file,),
        ).fetchone()
        return submission_of(row) if row else None

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
            version=row[0],
            approver=row[1],
            at=datetime.fromisoformat(row[2]),
            reasons=tuple(json.loads(row[3])),
            flags=flags,
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
        if self._snapshot is not None:
            return self._snapshot.history(project_number)
        rows = self.db.execute(
            "SELECT project_number, version, action, actor, at, detail, file_sha256, account "
            "FROM events "
            "WHERE project_number=? COLLATE NOCASE ORDER BY id",
            (project_number,),
        )
        return [event_of(row) for row in rows]


def project_budget(row: Any) -> ProjectBudget:
    """A budget from a row of ``BUDGET_COLUMNS`` (read by position: both engines' rows)."""
    return ProjectBudget(
        project_number=row[0],
        status=Status(row[1]),
        version=row[2],
        sender=row[3],
        sent_at=_dt(row[4]),
        changed_at=_dt(row[5]),
        revision=row[6],
    )


def submission_of(row: Any) -> Submission:
    """A version from a row of ``SUBMISSION_COLUMNS``."""
    return Submission(
        project_number=row[0],
        version=row[1],
        action=Action(row[2]),
        file_name=row[3],
        file_sha256=row[4],
        fingerprint=row[5],
        sender=row[6],
        at=datetime.fromisoformat(row[7]),
        review_file=row[8],
        line_count=row[9],
        total=row[10],
        project_name=row[11],
        prepared_by=row[12],
        stated_total=row[13],
    )


def event_of(row: Any) -> Event:
    """An event from a row of the audit trail's columns, in ``history``'s order."""
    return Event(
        project_number=row[0],
        version=row[1],
        action=Action(row[2]),
        actor=row[3],
        at=datetime.fromisoformat(row[4]),
        detail=row[5],
        file_sha256=row[6],
        account=row[7],
    )


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _dt(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _undec(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)
