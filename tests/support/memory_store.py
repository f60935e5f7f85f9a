"""The state store as plain dicts of the domain's records, for unit tests of the use cases:
no SQL, no file, and the same answers as SQLite and PostgreSQL, since the store's contract
tests (``open_store``'s ``memory`` engine) hold it to theirs.

What the use cases lean on is kept: a transaction that raises leaves nothing (the tables are
copied when it begins, and put back), a stale budget is refused, keys are unique
(``ConstraintViolation``), Project Numbers and file-name stems compare without case where the
engines' do, and every read comes back in the engines' order. Outside a transaction a write
stands at once, as a statement does on SQLite's connection. ``snapshot`` changes nothing:
every read is one dict's already. The other groups of methods are in ``memory_records.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.budget import BudgetLine
from pipeline.domain.lifecycle import ProjectBudget, Submission
from pipeline.domain.review import (
    DecisionFile,
    DecisionOutcome,
    Rejection,
    ReviewInputs,
    ReviewIssue,
)
from pipeline.errors import ConcurrentUpdate
from pipeline.services.records import DaemonRecord
from tests.support.memory_records import (
    MemoryAuditTrail,
    MemoryExports,
    MemoryOutbox,
    MemoryRetention,
)
from tests.support.memory_tables import (
    ConstraintViolation,
    MemoryState,
    NestedTransaction,
    insert,
    iso_text,
)


class MemoryStore(MemoryExports, MemoryOutbox, MemoryAuditTrail, MemoryRetention):
    """All of the ``Store`` protocol over one ``MemoryState``: its own, unless one is given to
    share with other stores (as connections share a database; ``open_store`` reopens so)."""

    def __init__(self, state: MemoryState | None = None) -> None:
        self.state = state or MemoryState()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside stand together, or (the block raised) not at all."""
        if self.state.in_transaction:
            raise NestedTransaction("cannot start a transaction within a transaction")
        before = self.tables.copy()
        self.state.in_transaction = True
        try:
            yield
        except BaseException:
            self.state.tables = before
            raise
        finally:
            self.state.in_transaction = False

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Nothing to gather: every read is one dict's already."""
        yield

    # budgets, versions and lines -------------------------------------------------------------
    def get_budget(self, project_number: str) -> ProjectBudget | None:
        stored = self.tables.budgets.get(project_number.lower())
        return None if stored is None else replace(stored, events=[])  # the caller's to change

    def budgets(self) -> list[ProjectBudget]:
        """Most recently changed first (never changed last), then by Project Number."""
        found = sorted(self.tables.budgets.values(), key=lambda b: b.project_number)
        found.sort(key=lambda b: iso_text(b.changed_at), reverse=True)  # stable: ties stay
        return [replace(b, events=[]) for b in found]

    def save_budget(self, budget: ProjectBudget) -> None:
        """Write the budget and its new events; refuse if someone else changed it meanwhile."""
        assert budget.status is not None
        key = budget.project_number.lower()
        stored = self.tables.budgets.get(key)
        if budget.revision == 0 and stored is not None:
            raise ConstraintViolation(f"budget {stored.project_number} is recorded already")
        if budget.revision != 0 and (stored is None or stored.revision != budget.revision):
            raise ConcurrentUpdate(f"budget {budget.project_number} changed meanwhile")
        budget.revision += 1
        first_named = stored.project_number if stored else budget.project_number
        self.tables.budgets[key] = replace(budget, project_number=first_named, events=[])
        for event in budget.events:
            self.record(event)
        budget.events.clear()

    def add_submission(self, submission: Submission, lines: Iterable[BudgetLine]) -> None:
        """Record a version sent, with its lines (its budget first, as a reference wants)."""
        version = (submission.project_number, submission.version)
        if submission.project_number.lower() not in self.tables.budgets:
            raise ConstraintViolation(f"no budget {submission.project_number} for this version")
        insert(self.tables.submissions, version, submission)
        self.tables.lines[version] = tuple(lines)

    def submission(self, project_number: str, version: int) -> Submission | None:
        return self.tables.submissions.get((project_number, version))

    def submissions_by_sha(self, sha256: str) -> list[Submission]:
        return [s for s in self.tables.submissions.values() if s.file_sha256 == sha256]

    def submission_for_review(self, review_file: str) -> Submission | None:
        found = [s for s in self.tables.submissions.values() if s.review_file == review_file]
        return max(found, key=lambda s: s.version, default=None)

    def lines(self, project_number: str, version: int) -> list[BudgetLine]:
        return list(self.tables.lines.get((project_number, version), ()))

    def stem_owner(self, stem: str) -> str | None:
        row = self.tables.stems.get(stem.lower())
        return row[1] if row else None

    def claim_stem(self, stem: str, project_number: str) -> None:
        """Reserve a stem for a project once; a stem or a project with one keeps it."""
        stems = self.tables.stems
        has_one = any(p.lower() == project_number.lower() for _, p in stems.values())
        if stem.lower() not in stems and not has_one:
            stems[stem.lower()] = (stem, project_number)
        if self.stem_owner(stem) != project_number:
            raise ConcurrentUpdate(f"file name stem {stem!r} belongs to another project")

    # decisions, review workbooks and routes --------------------------------------------------
    def add_rejection(self, project_number: str, rejection: Rejection) -> None:
        insert(self.tables.rejections, (project_number, rejection.version), rejection)

    def rejection(self, project_number: str, version: int) -> Rejection | None:
        return self.tables.rejections.get((project_number, version))

    def decision_outcome(self, sha256: str) -> DecisionOutcome | None:
        saved = self.tables.decision_files.get(sha256)
        return saved.outcome if saved else None

    def note_decision_file(self, saved: DecisionFile) -> None:
        self.tables.decision_files[saved.sha256] = saved  # read again: the outcome replaced

    def add_review_issue(self, issue: ReviewIssue) -> None:
        insert(self.tables.review_issues, issue.token, (self.tables.next_id(), issue))

    def review_issue(self, token: str) -> ReviewIssue | None:
        row = self.tables.review_issues.get(token)
        return row[1] if row else None

    def current_review_issue(self, project_number: str, version: int) -> ReviewIssue | None:
        """The one issued last: at the latest time, then the latest recorded."""
        issued = [
            (iso_text(issue.issued_at), number, issue)
            for number, issue in self.tables.review_issues.values()
            if (issue.project_number, issue.version) == (project_number, version)
        ]
        return max(issued, key=lambda row: row[:2])[2] if issued else None

    def add_route(
        self, project_number: str, version: int, route: ApprovalRoute, inputs: ReviewInputs
    ) -> None:
        insert(self.tables.routes, (project_number, version), (route, inputs))

    def save_route(self, project_number: str, version: int, route: ApprovalRoute) -> None:
        stored = self.tables.routes.get((project_number, version))
        if stored is not None:
            self.tables.routes[project_number, version] = (route, stored[1])

    def route(self, project_number: str, version: int) -> ApprovalRoute | None:
        stored = self.tables.routes.get((project_number, version))
        return stored[0] if stored else None

    def review_inputs(self, project_number: str, version: int) -> ReviewInputs | None:
        stored = self.tables.routes.get((project_number, version))
        return stored[1] if stored else None

    # the daemons ------------------------------------------------------------------------------
    def start_presence(self) -> None:
        """Nothing to record: no other machine shares a dict."""

    def daemons(self) -> list[DaemonRecord]:
        return []

    def close(self) -> None:
        """Nothing to close: the state stays, for the next store opened on it."""

    # work sharing: one process's state, so every item is this pass's, as on SQLite --------
    @property
    def shared(self) -> bool:
        """No other pass runs beside this one: the fake's state is one process's."""
        return False

    @contextmanager
    def hold(self, item: str, wait: bool, shared: bool = False) -> Iterator[bool]:
        """Every item is this pass's, as on SQLite under its pass lock."""
        yield True

    def claimant(self) -> str:
        """No owner is named: a claim found by a pass was left by an earlier one."""
        return ""

    def claimant_gone(self, claimant: str) -> bool:
        """Whoever made a claim has finished its pass."""
        return True
