"""Reads that look at every budget, answered from one query per table: inside
``store.snapshot()``, ``budgets``, ``submission``, ``current_review_issue``, ``route``,
``exports`` and ``history`` read their whole table once (when first asked) and answer
every later call from it, so a pass, ``status`` or the status page issues the same number
of queries with 5 budgets as with 50,000. Rows are turned into records only when asked for.

Inside a transaction the reads go to the database, and after one the snapshot reads its
tables again: a read after a write sees the write, as outside a snapshot.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar, cast

from pipeline.adapters.sql.approval_routes import route_from
from pipeline.adapters.sql.budgets import (
    BUDGET_COLUMNS,
    SUBMISSION_COLUMNS,
    event_of,
    project_budget,
    submission_of,
)
from pipeline.adapters.sql.erp_exports import EXPORT_COLUMNS, export_of
from pipeline.adapters.sql.queries import Connection, Queries
from pipeline.adapters.sql.reviews import ISSUE_COLUMNS, issue_of
from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.lifecycle import Event, ProjectBudget, Submission
from pipeline.domain.review import ReviewIssue
from pipeline.services.records import ExportRecord

Version = tuple[str, int]
Record = TypeVar("Record")


class Snapshot:
    """The tables read so far in one ``snapshot()`` block, each by one query."""

    def __init__(self, db: Callable[[], Connection]) -> None:
        self._db = db
        self._rows: dict[str, Any] = {}
        self._records: dict[tuple[str, object], Any] = {}  # immutable records, made once

    def forget(self) -> None:
        """Read every table again when next asked (something was written)."""
        self._rows.clear()
        self._records.clear()

    def budgets(self) -> list[ProjectBudget]:
        """Every budget, most recently changed first (fresh records: callers change them)."""
        rows = self._table(
            "budgets",
            f"SELECT {BUDGET_COLUMNS} FROM budgets ORDER BY changed_at DESC, project_number",
            list,
        )
        return [project_budget(row) for row in rows]

    def submission(self, project_number: str, version: int) -> Submission | None:
        """One recorded version."""
        by_version = self._table(
            "submissions", f"SELECT {SUBMISSION_COLUMNS} FROM submissions", _by_version
        )
        row = by_version.get((project_number, version))
        return self._record("submission", (project_number, version), row, submission_of)

    def current_review_issue(self, project_number: str, version: int) -> ReviewIssue | None:
        """The review workbook issued last for a version."""
        newest = self._table(
            "review_issues",
            f"SELECT {ISSUE_COLUMNS} FROM review_issues ORDER BY issued_at, rowid",
            lambda rows: {(r[1], r[2]): r for r in rows},  # the newest of each version stays
        )
        row = newest.get((project_number, version))
        return self._record("issue", (project_number, version), row, issue_of)

    def route(self, project_number: str, version: int) -> ApprovalRoute | None:
        """The route of a version, if recorded."""
        routes = self._table(
            "approval_routes",
            "SELECT project_number, version, route FROM approval_routes",
            lambda rows: {(r[0], r[1]): r[2] for r in rows},
        )
        text = routes.get((project_number, version))
        return self._record("route", (project_number, version), text, _parsed_route)

    def exports(self, project_number: str) -> list[ExportRecord]:
        """Every ERP file written for a project, oldest first."""
        by_project = self._table(
            "erp_exports",
            f"SELECT {EXPORT_COLUMNS} FROM erp_exports ORDER BY version, seq",
            _by_project,
        )
        return [export_of(row) for row in by_project.get(project_number, [])]

    def history(self, project_number: str) -> list[Event]:
        """Every event of a project, oldest first (the project as the budget names it)."""
        by_project = self._table(
            "events",
            "SELECT project_number, version, action, actor, at, detail, file_sha256, account "
            "FROM events ORDER BY id",
            _by_project,
        )
        return [event_of(row) for row in by_project.get(project_number, [])]

    def _record(
        self, kind: str, key: object, row: Any, make: Callable[[Any], Record]
    ) -> Record | None:
        """The record of ``row`` (None for none), made once per snapshot."""
        if row is None:
            return None
        if (kind, key) not in self._records:
            self._records[kind, key] = make(row)
        return cast(Record, self._records[kind, key])

    def _table(self, name: str, sql: str, index: Callable[[Any], Any]) -> Any:
        if name not in self._rows:
            self._rows[name] = index(self._db().execute(sql).fetchall())
        return self._rows[name]


def _parsed_route(text: str) -> ApprovalRoute:
    return route_from(json.loads(text))


def _by_version(rows: list[Any]) -> dict[Version, Any]:
    """Rows keyed by (project, version) in columns 0 and 1 (a later row wins)."""
    return {(row[0], row[1]): row for row in rows}


def _by_project(rows: list[Any]) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(row)
    return found


class SnapshotQueries(Queries):
    """``snapshot()`` for the store; the reads it covers look at ``_snapshot`` first."""

    _snapshot: Snapshot | None = None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Inside, the reads of every budget come from one query per table (see the
        module); blocks nest, the outermost one holding the snapshot."""
        if self._snapshot is not None:
            yield
            return
        self._snapshot = Snapshot(lambda: self.db)
        try:
            yield
        finally:
            self._snapshot = None

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """A transaction: inside, every read goes to the database (it sees the writes);
        after it, the snapshot reads its tables again when asked."""
        snapshot, self._snapshot = self._snapshot, None
        try:
            yield
        finally:
            if snapshot is not None:
                snapshot.forget()
                self._snapshot = snapshot
