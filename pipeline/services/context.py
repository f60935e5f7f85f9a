"""What every use case works with: the workspace settings and the ports (some in bundles),
wired by bootstrap, and the memory the passes of this process keep."""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.config import Settings
from pipeline.domain.approval_route import SINGLE_LEVEL
from pipeline.domain.text import printable
from pipeline.services.pass_memory import PassMemory
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


@dataclass(frozen=True, kw_only=True)
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


@dataclass(frozen=True, kw_only=True)
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
    # Not a port: what this process remembers from one pass to the next, its own.
    memory: PassMemory = field(default_factory=PassMemory)
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


@dataclass(frozen=True, kw_only=True)
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
