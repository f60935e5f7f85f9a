"""The state the use cases keep, as the few interfaces they need: budgets and their
versions, decisions, exports, the mail outbox, the audit trail and the passes. One store
(SQLite, or PostgreSQL) fills them all, and its transactions span them."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.budget import BudgetLine
from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.domain.lifecycle import Event, ProjectBudget, Submission
from pipeline.domain.notification import Notification, QueuedMail
from pipeline.domain.own_exports import Fingerprint
from pipeline.domain.review import (
    DecisionFile,
    DecisionOutcome,
    Rejection,
    ReviewInputs,
    ReviewIssue,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportRecord:
    """An ERP import file written for an accepted version (``seq`` > 1: written again)."""

    project_number: str
    version: int
    file_name: str
    sha256: str
    line_count: int
    total: str
    at: datetime
    seq: int = 1
    kind: ExportKind = ExportKind.ORIGINAL
    profile: str = "generic-csv"
    result: ExportResult = ExportResult.NONE  # until the ERP answers
    result_message: str = ""
    erp_ids: str = ""


@dataclass(frozen=True, slots=True)
class ExportIntent:
    """An ERP file about to be renamed into view, recorded (committed) before that: after a
    crash only a file with exactly these hashes is taken for it. Every name is tried once."""

    record: ExportRecord  # what the export is recorded as, once its file is there
    manifest_sha256: str

    @property
    def fingerprint(self) -> Fingerprint:
        """The hashes our file under this name has."""
        return Fingerprint(self.record.sha256, self.manifest_sha256)


class BudgetRecords(Protocol):
    """Budgets, the versions sent and their lines, and the file-name stem of each project."""

    def get_budget(self, project_number: str) -> ProjectBudget | None: ...
    def budgets(self) -> list[ProjectBudget]: ...
    def save_budget(self, budget: ProjectBudget) -> None: ...
    def add_submission(self, submission: Submission, lines: Iterable[BudgetLine]) -> None: ...
    def submission(self, project_number: str, version: int) -> Submission | None: ...
    def submissions_by_sha(self, sha256: str) -> list[Submission]: ...
    def submission_for_review(self, review_file: str) -> Submission | None: ...
    def lines(self, project_number: str, version: int) -> list[BudgetLine]: ...
    def stem_owner(self, stem: str) -> str | None: ...
    def claim_stem(self, stem: str, project_number: str) -> None: ...


class DecisionRecords(Protocol):
    """Rejections, the review workbooks issued, the saves already read, and each version's
    approval route."""

    def add_rejection(self, project_number: str, rejection: Rejection) -> None: ...
    def rejection(self, project_number: str, version: int) -> Rejection | None: ...
    def decision_outcome(self, sha256: str) -> DecisionOutcome | None: ...
    def note_decision_file(self, saved: DecisionFile) -> None: ...
    def add_review_issue(self, issue: ReviewIssue) -> None: ...
    def review_issue(self, token: str) -> ReviewIssue | None: ...
    def current_review_issue(self, project_number: str, version: int) -> ReviewIssue | None: ...
    def add_route(
        self, project_number: str, version: int, route: ApprovalRoute, inputs: ReviewInputs
    ) -> None: ...
    def save_route(self, project_number: str, version: int, route: ApprovalRoute) -> None: ...
    def route(self, project_number: str, version: int) -> ApprovalRoute | None: ...
    def review_inputs(self, project_number: str, version: int) -> ReviewInputs | None: ...


class ExportRecords(Protocol):
    """The ERP files about to be written and written, and the ERP's answers."""

    def add_export_intent(self, intent: ExportIntent) -> None: ...
    def export_intents(self, project_number: str, version: int) -> list[ExportIntent]: ...
    def export_intent_by_file(self, file_name: str) -> ExportIntent | None: ...
    def add_export(self, record: ExportRecord) -> None: ...
    def exports(self, project_number: str) -> list[ExportRecord]: ...
    def export_by_file(self, file_name: str) -> ExportRecord | None: ...
    def set_export_result(
        self, file_name: str, result: ExportResult, message: str, erp_ids: str
    ) -> None: ...


class MailQueue(Protocol):
    """The mail outbox: each message queued once by its key, then delivered."""

    def enqueue(self, notification: Notification) -> bool: ...
    def has_notification(self, key: str) -> bool: ...
    def due_mail(self, now: datetime) -> list[QueuedMail]: ...
    def mail_queue(self, limit: int = 200) -> list[QueuedMail]: ...
    def unsent_mail(self, limit: int = 200) -> list[QueuedMail]: ...
    def mark_sent(self, key: str, at: datetime) -> None: ...
    def mark_retry(self, key: str, error: str, next_attempt_at: datetime) -> None: ...
    def mark_failed(self, key: str, error: str) -> None: ...
    def requeue(self, now: datetime, failed_too: bool = False) -> int: ...


class AuditTrail(Protocol):
    """What happened to each budget, and what was handed back to its admin."""

    def record(self, event: Event) -> None: ...
    def history(self, project_number: str) -> list[Event]: ...
    def add_hand_backs(self, project_number: str, names: list[str], at: datetime) -> None: ...
    def hand_backs(self, project_number: str) -> list[str]: ...
    def clear_hand_backs(self, names: list[str], at: datetime) -> None: ...


class PassRecords(Protocol):
    """When the last pass over the workspace ended: the sign that the daemon is alive."""

    def note_pass(self, at: datetime) -> None: ...
    def last_pass(self) -> datetime | None: ...
    def decisions_mark(self) -> tuple[int, int]: ...


@dataclass(frozen=True)
class ArchiveReferences:
    """What the archive must keep: the hashes records hold, and the first twelve digits of
    those that notes name in their words."""

    hashes: frozenset[str]
    prefixes: frozenset[str]

    def refer_to(self, sha256: str) -> bool:
        """Whether a kept record refers to these bytes."""
        return sha256 in self.hashes or sha256[:12] in self.prefixes


class RetentionRecords(Protocol):
    """Removing what is past its retention (``budget-erp prune``), and what must stay."""

    def projects_with_status(self, statuses: Collection[str]) -> set[str]: ...
    def prune_events(
        self, actions: Collection[str], before: datetime, kept_projects: set[str]
    ) -> int: ...
    def prune_sent_mail(self, before: datetime) -> int: ...
    def prune_review_records(
        self, before: datetime, kept_projects: set[str]
    ) -> tuple[int, int]: ...
    def prune_hand_backs(self, before: datetime) -> int: ...
    def archive_references(self) -> ArchiveReferences: ...
    def compact(self) -> None: ...


@dataclass(frozen=True, kw_only=True)
class DaemonRecord:
    """A daemon on this workspace, as the database last heard from it."""

    host: str
    pid: int
    started_at: datetime
    heartbeat_at: datetime
    alive: bool  # its heartbeat is within the lease


class DaemonRegistry(Protocol):
    """The daemons working on this workspace (PostgreSQL keeps them; SQLite, one machine's
    state guarded by a file lock, keeps none)."""

    def start_presence(self) -> None: ...
    def daemons(self) -> list[DaemonRecord]: ...
    def close(self) -> None: ...


class WorkSharing(Protocol):
    """How daemons sharing the state share the work (``services/sharing.py`` names the
    items): a lock per item, and who owns each inbox claim. On SQLite, where a pass holds the
    workspace's file lock, every item is held at once and every claim left is a dead pass's."""

    @property
    def shared(self) -> bool: ...  # whether other daemons' passes may run beside this one's
    def hold(
        self, item: str, wait: bool, shared: bool = False
    ) -> AbstractContextManager[bool]: ...  # ``shared``: beside other shared holders
    def claimant(self) -> str: ...
    def claimant_gone(self, claimant: str) -> bool: ...


class Store(
    BudgetRecords,
    DecisionRecords,
    ExportRecords,
    MailQueue,
    AuditTrail,
    PassRecords,
    RetentionRecords,
    DaemonRegistry,
    WorkSharing,
    Protocol,
):
    """All of the state, with transactions that span it: what commits together."""

    def transaction(self) -> AbstractContextManager[None]: ...
    def snapshot(self) -> AbstractContextManager[None]:
        """Inside, the reads that look at every budget (``budgets``, ``submission``,
        ``current_review_issue``, ``route``, ``exports``, ``history``) come from one query
        per table, read when first asked, whatever the number of budgets; a transaction
        makes it read again."""
        ...
