"""What every group of the store's queries shares: the one connection, opened on first use,
seen through the little of it they call, so that SQLite's and psycopg's connections both fit."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from pipeline.domain.approval_route import ApprovalRoute
    from pipeline.domain.lifecycle import Event, ProjectBudget, Submission
    from pipeline.domain.review import ReviewIssue
    from pipeline.services.records import ExportRecord


class Row(Protocol):
    """A result row, read by position or (SQLite's ``Row``, ours on PostgreSQL) by name."""

    def __getitem__(self, key: Any, /) -> Any: ...


class Cursor(Protocol):
    """What the queries read from an executed statement."""

    @property
    def rowcount(self) -> int: ...
    def fetchone(self) -> Any: ...
    def fetchall(self) -> list[Any]: ...
    def __iter__(self) -> Iterator[Any]: ...


class Connection(Protocol):
    """What the queries call on the connection: ``?`` placeholders, positional values."""

    def execute(self, sql: str, parameters: Sequence[Any] = ..., /) -> Cursor: ...
    def executemany(self, sql: str, parameters: Iterable[Sequence[Any]], /) -> Cursor: ...


class SnapshotReads(Protocol):
    """What the query groups ask of ``store.snapshot()``'s tables (``snapshot.Snapshot``,
    which reads through the query groups' own row readers: named here, not imported)."""

    def budgets(self) -> list[ProjectBudget]: ...
    def submission(self, project_number: str, version: int) -> Submission | None: ...
    def current_review_issue(self, project_number: str, version: int) -> ReviewIssue | None: ...
    def route(self, project_number: str, version: int) -> ApprovalRoute | None: ...
    def exports(self, project_number: str) -> list[ExportRecord]: ...
    def history(self, project_number: str) -> list[Event]: ...


class Queries:
    """A group of queries on the store's connection (the store sets ``_connect``)."""

    _connect: Callable[[], Connection]
    _snapshot: SnapshotReads | None = None  # inside ``store.snapshot()``: reads of every budget

    @property
    def db(self) -> Connection:
        """The connection, opened (and migrated) on first use, never at construction."""
        return self._connect()
