"""What every use case works with: the workspace settings and the ports, wired by bootstrap."""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from pipeline.services.ports import (
    Annotator,
    BudgetReader,
    Clock,
    DecisionReader,
    Exporter,
    MailRenderer,
    MailTransport,
    PeopleSource,
    RejectedWriter,
    ReviewWriter,
    Store,
    TemplateWriter,
)

logger = logging.getLogger("pipeline")


@dataclass(frozen=True)
class Services:
    """The ports a use case may call; built once in ``bootstrap``."""

    settings: Settings
    store: Store
    clock: Clock
    people: PeopleSource
    read_budget: BudgetReader
    read_decision: DecisionReader
    write_review: ReviewWriter
    write_rejected: RejectedWriter
    exporter: Exporter
    render_mail: MailRenderer
    transport: MailTransport
    annotate: Annotator
    write_template: TemplateWriter


class OutcomeKind(enum.StrEnum):
    """What happened to one file in one pass."""

    SENT = "sent for approval"
    RESENT = "re-sent for approval"
    REFUSED = "refused"
    ACCEPTED = "accepted"
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

    @property
    def is_failure(self) -> bool:
        """Refusals and failures make ``process`` exit 1."""
        return self.kind in (OutcomeKind.REFUSED, OutcomeKind.FAILED, OutcomeKind.DECISION_REFUSED)

    def __str__(self) -> str:
        project = f"{self.project_number}: " if self.project_number else ""
        return f"{self.file.name}: {project}{self.kind}. {self.message}".rstrip()
