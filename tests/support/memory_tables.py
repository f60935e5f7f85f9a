"""The tables of the in-memory store (``memory_store.py``): a dict of immutable rows each, so
that a shallow copy of every dict is a copy of the whole state (what a transaction keeps to
roll back to), and the few helpers that act as the engines' keys and orders."""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import TypeVar

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.budget import BudgetLine
from pipeline.domain.lifecycle import Event, ProjectBudget, Submission
from pipeline.domain.notification import QueuedMail
from pipeline.domain.review import DecisionFile, Rejection, ReviewInputs, ReviewIssue
from pipeline.services.records import ExportIntent, ExportRecord

Version = tuple[str, int]
Sequenced = tuple[str, int, int]  # project, version, seq
Key = TypeVar("Key")
Row = TypeVar("Row")


class ConstraintViolation(Exception):
    """A write that breaks a key or a reference: what ``IntegrityError`` is on SQLite and
    ``UniqueViolation`` on PostgreSQL."""


class NestedTransaction(Exception):
    """A transaction begun inside another: SQLite refuses it, so the fake does too."""


@dataclass(frozen=True, slots=True)
class HandedBack:
    """A file put into rejected/ for a project, until it was tidied away."""

    project_number: str
    at: datetime
    cleared_at: datetime | None = None


@dataclass
class Tables:
    """Every table. Budgets are kept by their Project Number folded to lower case, and
    file-name stems too (the engines compare both without case)."""

    budgets: dict[str, ProjectBudget] = field(default_factory=dict)  # never handed out
    submissions: dict[Version, Submission] = field(default_factory=dict)
    lines: dict[Version, tuple[BudgetLine, ...]] = field(default_factory=dict)
    rejections: dict[Version, Rejection] = field(default_factory=dict)
    decision_files: dict[str, DecisionFile] = field(default_factory=dict)
    review_issues: dict[str, tuple[int, ReviewIssue]] = field(default_factory=dict)  # by token
    routes: dict[Version, tuple[ApprovalRoute, ReviewInputs]] = field(default_factory=dict)
    stems: dict[str, tuple[str, str]] = field(default_factory=dict)  # stem, project
    exports: dict[Sequenced, ExportRecord] = field(default_factory=dict)
    intents: dict[Sequenced, ExportIntent] = field(default_factory=dict)
    mail: dict[str, QueuedMail] = field(default_factory=dict)
    events: dict[int, Event] = field(default_factory=dict)
    handed_back: dict[str, HandedBack] = field(default_factory=dict)
    passes: dict[str, datetime] = field(default_factory=dict)
    last_id: int = 0  # of events and review issues: each row numbered after the last

    def copy(self) -> Tables:
        """The tables as they are now, apart from later writes."""
        copied = copy.copy(self)
        for table in fields(self):
            value = getattr(self, table.name)
            if isinstance(value, dict):
                setattr(copied, table.name, dict(value))
        return copied

    def next_id(self) -> int:
        """The number of the next row."""
        self.last_id += 1
        return self.last_id


@dataclass
class MemoryState:
    """What memory stores keep: it outlives any store opened on it, as a database does."""

    tables: Tables = field(default_factory=Tables)
    in_transaction: bool = False


class OnTables:
    """A group of the store's methods, on the tables of its state."""

    state: MemoryState

    @property
    def tables(self) -> Tables:
        """Looked up on every call: a rollback puts other tables in their place."""
        return self.state.tables


def insert(table: dict[Key, Row], key: Key, row: Row) -> None:
    """Add a row under a key no row has."""
    if key in table:
        raise ConstraintViolation(f"{key!r} is recorded already")
    table[key] = row


def unique_name(rows: Iterable[Row], name: str, name_of: Callable[[Row], str]) -> None:
    """Refuse a file name a row has already."""
    if any(name_of(row) == name for row in rows):
        raise ConstraintViolation(f"the file name {name} is recorded already")


def prune(table: dict[Key, Row], doomed: Callable[[Row], bool]) -> int:
    """Remove the rows ``doomed`` picks; how many went."""
    keys = [key for key, row in table.items() if doomed(row)]
    for key in keys:
        del table[key]
    return len(keys)


def old(at: datetime, before: datetime, project_number: str, kept_projects: set[str]) -> bool:
    """Past its retention: before ``before``, and not of a project kept."""
    return at < before and project_number.lower() not in kept_projects


def utc(moment: datetime) -> datetime:
    """A time in UTC, as the engines keep the outbox's times."""
    return moment.astimezone(UTC)


def iso_text(moment: datetime | None) -> str:
    """A time as the engines order it: its ISO text ("" for none, which sorts first)."""
    return moment.isoformat() if moment else ""
