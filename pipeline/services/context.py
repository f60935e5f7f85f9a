"""What every use case works with: the workspace settings and the ports, wired by bootstrap."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.config import Settings
from pipeline.domain.approval_route import SINGLE_LEVEL
from pipeline.domain.text import printable
from pipeline.services.ports import (
    Annotator,
    ApprovalMatrixSource,
    BudgetReader,
    Clock,
    EnvironmentCheck,
    ErpOutbox,
    Exporter,
    FileOwner,
    Folders,
    InboxFolder,
    MailRenderer,
    MailTransport,
    PeopleSource,
    ProcessAccount,
    ReadAhead,
    StatusPageRenderer,
    SummaryNamesSource,
    TemporarySweep,
)
from pipeline.services.records import Store
from pipeline.services.review_ports import DecisionReader, FiguresComparer, ReviewWriter
from pipeline.services.workbook_ports import (
    CurrentWriter,
    MarkReader,
    RejectedWriter,
    TemplateWriter,
)

logger = logging.getLogger("pipeline")


class Backoff:
    """How long to wait before trying again after the disk or permissions failed us."""

    def __init__(self, first: float = 5.0, cap: float = 600.0) -> None:
        self.first, self.cap = first, cap
        self.delay = 0.0
        self.until = 0.0

    def failed(self, now: float) -> float:
        """Note a failure; return the wait before the next try (doubling, capped)."""
        self.delay = min(self.cap, self.delay * 2 if self.delay else self.first)
        self.until = now + self.delay
        return self.delay

    def succeeded(self) -> None:
        """Back to normal."""
        self.delay, self.until = 0.0, 0.0

    def blocked(self, now: float) -> bool:
        """Whether we are still waiting."""
        return now < self.until


@dataclass
class CurrentMemory:
    """Whether this process has checked every budget's workbook in ``current/`` against the
    version in force (False: not yet, or a write failed since, so the next pass does)."""

    checked: bool = False


@dataclass
class FaultMemory:
    """The environment's fault that files wait on now (a locked database, an ERP list being
    rewritten), and since when; shown on the status page until a pass goes through."""

    fault: str = ""
    since: datetime | None = None

    def note(self, fault: str, now: datetime) -> None:
        """Files wait on ``fault`` (since the first time, while faults follow each other)."""
        self.fault, self.since = fault, self.since or now

    def clear(self) -> None:
        """A pass went through: nothing waits on the environment any more."""
        self.fault, self.since = "", None


@dataclass
class PageMemory:
    """When this process last wrote the status page (None: not yet, so the first pass does),
    and whether a change still waits for it (a write failed)."""

    written_at: datetime | None = None
    pending: bool = False


@dataclass
class ReviewMemory:
    """The review workbooks this process read to no effect (no decision, or a save seen
    before), each with its file's signature, while the decisions stand at ``mark``: read
    again, such a file would give nothing again, so an idle pass does not read it."""

    mark: tuple[int, int] | None = None
    idle: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def unchanged(self, name: str, signature: tuple[int, ...] | None) -> bool:
        """Whether ``name`` was read to no effect under this signature and mark."""
        return signature is not None and self.idle.get(name) == signature

    def since(self, mark: tuple[int, int]) -> None:
        """The decisions now stand at ``mark``: forget everything if they moved."""
        if mark != self.mark:
            self.mark, self.idle = mark, {}


@dataclass(frozen=True)
class Workbooks:
    """What reads and writes the workbooks people drop, save and open: the admins' budgets
    (and the marked-up copy of a refused one), the approvers' saved reviews, and the review,
    rejected, current and template workbooks we hand out."""

    read_budget: BudgetReader
    read_ahead: ReadAhead
    read_decision: DecisionReader
    compare_figures: FiguresComparer
    write_review: ReviewWriter
    write_rejected: RejectedWriter
    write_current: CurrentWriter
    read_mark: MarkReader
    annotate: Annotator
    write_template: TemplateWriter
    summary_names: SummaryNamesSource


@dataclass(frozen=True)
class Mail:
    """What turns a notification into an email, and what delivers it."""

    render_mail: MailRenderer
    transport: MailTransport


@dataclass(frozen=True)
class Identity:
    """Who is who: the people and their roles, the approval matrix, whose a file is, and
    which account this process runs as."""

    people: PeopleSource
    file_owner: FileOwner
    process_account: ProcessAccount
    approval_matrix: ApprovalMatrixSource = field(default=lambda: SINGLE_LEVEL)


@dataclass(frozen=True)
class Services:
    """What a use case may call, built once in ``bootstrap``: the settings, the state, the
    clock, the workspace's folders and the ERP's outbox, and the ports grouped by what they
    touch (workbooks, mail, identity)."""

    settings: Settings
    store: Store
    clock: Clock
    workbooks: Workbooks
    mail: Mail
    identity: Identity
    exporter: Exporter
    sweep_temporaries: TemporarySweep
    folders: Folders
    inbox: InboxFolder
    erp_outbox: ErpOutbox
    render_status: StatusPageRenderer
    backoff: Backoff = field(default_factory=Backoff)
    page_memory: PageMemory = field(default_factory=PageMemory)
    current_memory: CurrentMemory = field(default_factory=CurrentMemory)
    review_memory: ReviewMemory = field(default_factory=ReviewMemory)
    faults: FaultMemory = field(default_factory=FaultMemory)
    environment_check: EnvironmentCheck = field(default=lambda: _nothing_wrong())
    releases: tuple[Callable[[], None], ...] = ()  # what ``close`` lets go of, besides the store

    def close(self) -> None:
        """Let go of what the Services hold (parse workers, the store's connection): a
        command run inside a process that goes on leaves nothing running behind."""
        for release in self.releases:
            release()
        self.store.close()


def _nothing_wrong() -> list[str]:
    """No check of the environment (tests on fakes)."""
    return []


class OutcomeKind(enum.StrEnum):
    """What happened to one file in one pass."""

    SENT = "sent for approval"
    RESENT = "re-sent for approval"
    REFUSED = "refused"
    ACCEPTED = "accepted"
    PASSED_ON = "accepted at one level"  # the next approval level decides now
    REJECTED = "rejected"
    EXPORTED = "exported"
    DECISION_REFUSED = "decision not applied"
    COMPLETED = "completed after restart"
    SYNCED = "synced"
    EXPORT_FAILED = "failed to export"
    FAILED = "failed"


@dataclass(frozen=True)
class Outcome:
    """One line of a pass report."""

    kind: OutcomeKind
    file: Path
    project_number: str
    message: str
    environment: bool = False  # a disk or permission fault: the item waits, we back off
    held: bool = False  # the fault is not the item's (disk, configuration): it waits

    @property
    def is_failure(self) -> bool:
        """Refusals and failures make ``process`` exit 1."""
        return self.kind in (OutcomeKind.REFUSED, OutcomeKind.FAILED, OutcomeKind.DECISION_REFUSED)

    def __str__(self) -> str:
        project = f"{self.project_number}: " if self.project_number else ""
        line = f"{self.file.name}: {project}{self.kind}. {self.message}".rstrip()
        return printable(line)  # one line on a terminal, whatever a name holds
