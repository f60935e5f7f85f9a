"""The approver's answer: Accept or Reject, a reason, and lines flagged one by one."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from pipeline.domain.budget import LineKey


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
        if self.verdict is Verdict.REJECT and not self.reason.strip():
            found.append("a Reject needs a Reason")
        if self.verdict is Verdict.ACCEPT and self.flags:
            found.append(
                f"Accept with {len(self.flags)} line(s) marked Reject: choose Reject, "
                "or clear the Line Decision column"
            )
        return found

    def reasons(self) -> list[str]:
        """The free-text reasons, one per non-blank line of the Reason cell."""
        return [part.strip() for part in self.reason.splitlines() if part.strip()]


@dataclass(frozen=True, slots=True)
class Rejection:
    """A recorded rejection, as the re-send is later compared against."""

    version: int
    approver: str
    at: datetime
    reasons: tuple[str, ...]
    flags: tuple[LineFlag, ...]
