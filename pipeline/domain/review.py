"""The approver's answer: Accept or Reject, a reason, and lines flagged one by one."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pipeline.domain.budget import LineKey, ReasonResponse
from pipeline.domain.problems import Problem
from pipeline.domain.review_figures import ReviewFigures


class DecisionOutcome(enum.StrEnum):
    """What became of one save of a review workbook (kept so a save is read once)."""

    PENDING = "pending"  # no decision in it yet
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    REFUSED = "refused"  # not applied: see its note
    FIGURES_CHANGED = "figures_changed"  # refused, and the review issued put back in its place
    LATE = "late"  # saved after the version's approval was over; answered

    @property
    def applied(self) -> bool:
        """Whether this save decided its version."""
        return self in (DecisionOutcome.ACCEPTED, DecisionOutcome.REJECTED)


@dataclass(frozen=True, slots=True, kw_only=True)
class DecisionFile:
    """One save of a review workbook, by its bytes' hash, and what became of it."""

    sha256: str
    project_number: str
    version: int
    outcome: DecisionOutcome
    at: datetime


class Verdict(enum.StrEnum):
    """The two answers an approver can give."""

    ACCEPT = "Accept"
    REJECT = "Reject"

    @classmethod
    def parse(cls, text: str) -> Verdict | None:
        """Read a Decision cell: case and spaces do not matter; blank means no answer yet."""
        wanted = text.strip().casefold()
        return next((v for v in cls if v.value.casefold() == wanted), None)


@dataclass(frozen=True, slots=True)
class LineFlag:
    """A line the approver marked Reject, with their note."""

    key: LineKey
    note: str


@dataclass(frozen=True, slots=True)
class Decision:
    """What the approver saved in the review workbook."""

    verdict_text: str
    reason: str
    approver: str
    flags: tuple[LineFlag, ...] = ()

    @property
    def verdict(self) -> Verdict | None:
        """The parsed verdict, or None while the Decision cell is blank or unclear."""
        return Verdict.parse(self.verdict_text)

    @property
    def answered(self) -> bool:
        """Whether the approver has written anything in the Decision cell."""
        return bool(self.verdict_text.strip())

    def problems(self) -> list[str]:
        """Why this decision cannot be applied as it stands (empty when it can)."""
        found: list[str] = []
        if self.verdict is None:
            found.append(f"Decision {self.verdict_text!r} is neither Accept nor Reject")
        if not self.approver.strip():
            found.append("Approver is blank: write your name or email")
        if self.verdict is Verdict.REJECT and not self.reasons() and not self.noted_flags():
            found.append("a Reject needs a Reason, or a line marked Reject with a Line Note")
        if self.verdict is Verdict.ACCEPT and self.flags:
            found.append(
                f"Accept with {len(self.flags)} line(s) marked Reject: choose Reject, "
                "or clear the Line Decision column"
            )
        return found

    def noted_flags(self) -> list[LineFlag]:
        """The lines marked Reject that carry a note: each is a reason on its own."""
        return [flag for flag in self.flags if flag.note.strip()]

    def reasons(self) -> list[str]:
        """The free-text reasons, one per non-blank line of the Reason cell."""
        return [part.strip() for part in self.reason.splitlines() if part.strip()]


@dataclass(frozen=True, slots=True, kw_only=True)
class Rejection:
    """A recorded rejection, as the re-send is later compared against."""

    version: int
    approver: str
    at: datetime
    reasons: tuple[str, ...]
    flags: tuple[LineFlag, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviewIssue:
    """One issue of a review workbook: which version it is for, its token (a random
    identifier kept in the workbook's document properties and hidden ``_meta`` sheet; the
    messages people read call it the review identifier), its bytes and the fingerprint of
    its figures (None: issued before figures were recorded)."""

    token: str
    project_number: str
    version: int
    review_file: str
    sha256: str
    issued_at: datetime
    figures: ReviewFigures | None = None
    level: int = 0  # the approval level it was issued to (0: the first)


@dataclass(frozen=True, slots=True)
class ReviewMarks:
    """What a saved review workbook says about where it came from."""

    tokens: tuple[str, ...] = ()  # from the document property and the hidden sheet
    project_number: str = ""
    version: str = ""

    def mismatch(self, issue: ReviewIssue) -> str:
        """Why this workbook is not the one issued as ``issue`` ("" when it is)."""
        found = {token for token in self.tokens if token}
        if not found:
            return "it carries no review identifier (it was not issued by budget-erp)"
        if len(found) > 1:
            return "its review identifiers disagree with each other (it was put together by hand)"
        if found != {issue.token}:
            return "it is not the review workbook issued for this version"
        return ""

    def token(self) -> str:
        """The one token the workbook carries, or "" when none or several."""
        found = {token for token in self.tokens if token}
        return found.pop() if len(found) == 1 else ""


@dataclass(frozen=True, slots=True)
class ReviewInputs:
    """What a version's review workbook was written from beyond the version itself, kept so
    that the review issued to a later approval level shows the same: the budget's status
    before the version was sent (what it was compared with), the warnings, and the admin's
    Responses to an earlier rejection."""

    status_before: str = ""  # a lifecycle Status value, "" when never sent
    warnings: tuple[Problem, ...] = ()
    responses: tuple[ReasonResponse, ...] = ()
