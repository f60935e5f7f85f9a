"""ERP exports as the domain sees them: what kind of file an export is, what the ERP
answered, and how a refusal and a confirmation read for people. The store keeps the values;
the use cases compare the enums."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pipeline.domain.text import clean_text


class ExportKind(enum.StrEnum):
    """What an ERP file carries."""

    ORIGINAL = "original"  # every line of the first accepted version
    CHANGE = "change"  # only the amounts changed since the last export
    AGAIN = "again"  # a copy of the last export, written on request


class ExportResult(enum.StrEnum):
    """The ERP's answer about one file ("" until it answers)."""

    NONE = ""
    SUCCESS = "success"
    FAILURE = "failure"

    @property
    def counts(self) -> bool:
        """Whether the file is (or may be) in the ERP: not refused by it."""
        return self is not ExportResult.FAILURE


class Confirmation(enum.StrEnum):
    """Where a file stands with the ERP, in people's words, once results are in use (an ERP
    that answers: until then nothing is ever confirmed, and nothing is said)."""

    UNCONFIRMED = "sent, not confirmed"  # written into the outbox; no answer yet
    CONFIRMED = "in the ERP (confirmed)"  # the ERP answered success
    REFUSED = "refused by the ERP"  # the ERP answered failure


@dataclass(frozen=True)
class Refusal:
    """The ERP's refusal of a version's file, which put the budget back before the approver."""

    version: int
    file_name: str
    message: str  # as the ERP wrote it, cut as stored
    at: datetime  # when it was applied, in the workspace's time zone

    @property
    def headline(self) -> str:
        """The first thing the re-issued review, its email and the daily summary say."""
        return (
            f"Re-export after the ERP refused version {self.version} on {self.at:%Y-%m-%d}: "
            f"{self.one_line_message}"
        )

    @property
    def one_line_message(self) -> str:
        """The message on one line, nothing hidden (the ERP's text is not ours)."""
        return " ".join(clean_text(self.message).split()) or "(no message)"
