"""The budget's life cycle: states, the legal transitions between them, and the events they record.

Modelled on Procore's ERP Integrations tool: sent budgets are locked until the accounting
approver accepts (then exported) or rejects (then unlocked, to be corrected and re-sent).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from pipeline.domain.errors import InvalidTransition


class Status(enum.StrEnum):
    """Where a project's budget stands."""

    AWAITING_APPROVAL = "awaiting_approval"
    REJECTED = "rejected"
    ACCEPTED = "accepted"
    EXPORTED = "exported"
    RETRIEVED = "retrieved"
    WITHDRAWN = "withdrawn"
    SYNCED = "synced"
    EXPORT_FAILED = "export_failed"


class Action(enum.StrEnum):
    """What can happen to a budget."""

    SEND = "send"
    RESEND = "resend"
    CHANGE = "change"
    ACCEPT = "accept"
    ACCEPT_LEVEL = "accept_level"  # one approval level of several accepted; the next decides
    REJECT = "reject"
    EXPORT = "export"
    RETRIEVE = "retrieve"
    WITHDRAW = "withdraw"
    SYNC = "sync"
    FAIL_EXPORT = "fail_export"
    # Recorded in the audit trail, but they change no state:
    REFUSE = "refuse"
    REFUSE_DECISION = "refuse_decision"
    LATE_DECISION = "late_decision"  # a save after the version's approval was over
    TIDY_HAND_BACKS = "tidy"  # handed-back files the budget no longer needs moved to the archive
    EXPORT_AGAIN = "export_again"
    SET_ASIDE = "set_aside"  # a refused ERP file moved to outbox/failed/, the budget unchanged
    FOREIGN_FILE = "foreign_file"  # not ours, under one of our ERP file names: to outbox/foreign/
    SQUATTED = "squatted"  # a link, folder... where our workbook belongs: to archive/squatted/


# The whole life cycle in one place: (from, action) -> to. ``None`` is "never sent".
TRANSITIONS: Final[Mapping[tuple[Status | None, Action], Status]] = {
    (None, Action.SEND): Status.AWAITING_APPROVAL,
    (Status.RETRIEVED, Action.SEND): Status.AWAITING_APPROVAL,
    (Status.WITHDRAWN, Action.SEND): Status.AWAITING_APPROVAL,
    (Status.REJECTED, Action.RESEND): Status.AWAITING_APPROVAL,
    (Status.AWAITING_APPROVAL, Action.ACCEPT): Status.ACCEPTED,
    (Status.AWAITING_APPROVAL, Action.ACCEPT_LEVEL): Status.AWAITING_APPROVAL,
    (Status.EXPORT_FAILED, Action.ACCEPT_LEVEL): Status.EXPORT_FAILED,
    (Status.AWAITING_APPROVAL, Action.REJECT): Status.REJECTED,
    (Status.AWAITING_APPROVAL, Action.RETRIEVE): Status.RETRIEVED,
    (Status.ACCEPTED, Action.EXPORT): Status.EXPORTED,
    (Status.REJECTED, Action.WITHDRAW): Status.WITHDRAWN,
    # After export: the ERP's answer, and budget changes (Procore's "budget modifications").
    (Status.EXPORTED, Action.SYNC): Status.SYNCED,
    (Status.EXPORT_FAILED, Action.SYNC): Status.SYNCED,  # a copy written --again got in
    (Status.EXPORTED, Action.FAIL_EXPORT): Status.EXPORT_FAILED,
    (Status.EXPORT_FAILED, Action.ACCEPT): Status.ACCEPTED,
    (Status.EXPORT_FAILED, Action.REJECT): Status.REJECTED,
    (Status.EXPORTED, Action.CHANGE): Status.AWAITING_APPROVAL,
    (Status.SYNCED, Action.CHANGE): Status.AWAITING_APPROVAL,
}

# Locked: no one edits the budget. An exported (or synced) one still takes a budget change.
LOCKED: Final = frozenset(
    {
        Status.AWAITING_APPROVAL,
        Status.ACCEPTED,
        Status.EXPORTED,
        Status.SYNCED,
        Status.EXPORT_FAILED,
    }
)
# In the approver's or the ERP's hands: a new workbook must wait.
BUSY: Final = frozenset({Status.AWAITING_APPROVAL, Status.ACCEPTED, Status.EXPORT_FAILED})
# The approver has a version to decide (again, after the ERP refused its file).
WITH_APPROVER: Final = frozenset({Status.AWAITING_APPROVAL, Status.EXPORT_FAILED})
# A version is in the ERP: it takes a result, and a new workbook is a budget change.
IN_ERP: Final = frozenset({Status.EXPORTED, Status.SYNCED})


def send_action(status: Status | None) -> Action:
    """A workbook for a rejected budget is a re-send, for an exported one a budget change."""
    if status is Status.REJECTED:
        return Action.RESEND
    if status in (Status.EXPORTED, Status.SYNCED):
        return Action.CHANGE
    return Action.SEND


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    """Something that happened to a budget, for the audit trail and for notifications."""

    project_number: str
    version: int
    action: Action
    actor: str
    at: datetime
    detail: str = ""
    file_sha256: str = ""
    account: str = ""  # the operating-system account that saved the file, or ran the command


@dataclass(kw_only=True)
class ProjectBudget:
    """The aggregate: one budget per project, keyed by its Project Number."""

    project_number: str
    status: Status | None = None
    version: int = 0
    sender: str = ""
    sent_at: datetime | None = None
    changed_at: datetime | None = None
    revision: int = 0
    events: list[Event] = field(default_factory=list, repr=False, compare=False)

    @property
    def locked(self) -> bool:
        """Whether the budget is locked against a new workbook."""
        return self.status in LOCKED

    @property
    def busy(self) -> bool:
        """In the approver's or the ERP's hands: a new workbook must wait."""
        return self.status in BUSY

    @property
    def with_approver(self) -> bool:
        """Whether a version waits for the approver's decision."""
        return self.status in WITH_APPROVER

    def awaits_decision_on(self, version: int) -> bool:
        """Whether ``version`` is the one the approver is to decide now."""
        return self.with_approver and version == self.version

    @property
    def in_erp(self) -> bool:
        """Exported (or imported): a later workbook is a budget change."""
        return self.status in IN_ERP

    @property
    def to_export(self) -> bool:
        """Accepted, its ERP file not yet recorded (a crash, or a failed write)."""
        return self.status is Status.ACCEPTED

    @property
    def rejected(self) -> bool:
        """Rejected: the next workbook is a re-send, compared with the rejection."""
        return self.status is Status.REJECTED

    @property
    def export_failed(self) -> bool:
        """The ERP refused the last file: the approver decides the version again."""
        return self.status is Status.EXPORT_FAILED

    def takes_result_for(self, version: int) -> bool:
        """Whether an ERP answer about ``version`` can move the budget now."""
        return version == self.version and self.status in (Status.EXPORTED, Status.EXPORT_FAILED)

    @property
    def exported_before(self) -> bool:
        """Whether a file of this budget has gone to the ERP (a copy may be written again)."""
        return self.status in (*IN_ERP, Status.EXPORT_FAILED)

    @property
    def settled(self) -> bool:
        """Sent at least once and in no one's hands now: a new workbook is compared with the
        last export (a budget change), if there was one."""
        return self.status is not None and not self.busy

    def send(
        self, *, sender: str, at: datetime, file_sha256: str, detail: str = "", account: str = ""
    ) -> Action:
        """Send (or re-send, after a rejection) a new version for approval; return which."""
        action = send_action(self.status)
        self._apply(action)
        self.version += 1
        self.sender, self.sent_at = sender, at
        self._record(action, sender, at, detail, file_sha256, account)
        return action

    def accept(
        self,
        *,
        approver: str,
        at: datetime,
        detail: str = "",
        file_sha256: str = "",
        account: str = "",
    ) -> None:
        """The accounting approver accepts the version awaiting approval."""
        self._apply(Action.ACCEPT)
        self._record(Action.ACCEPT, approver, at, detail, file_sha256, account)

    def accept_level(
        self, *, approver: str, at: datetime, detail: str, file_sha256: str, account: str = ""
    ) -> None:
        """One approval level accepts; the version waits on the next level's approver."""
        self._apply(Action.ACCEPT_LEVEL)
        self._record(Action.ACCEPT_LEVEL, approver, at, detail, file_sha256, account)

    def reject(
        self, *, approver: str, at: datetime, detail: str, file_sha256: str = "", account: str = ""
    ) -> None:
        """The accounting approver rejects it; the budget is unlocked for correction."""
        self._apply(Action.REJECT)
        self._record(Action.REJECT, approver, at, detail, file_sha256, account)

    def mark_exported(self, *, at: datetime, detail: str, file_sha256: str) -> None:
        """The ERP import file for the accepted version is in the outbox."""
        self._apply(Action.EXPORT)
        self._record(Action.EXPORT, "budget-erp", at, detail, file_sha256)

    def mark_synced(self, *, at: datetime, detail: str, account: str = "") -> None:
        """The ERP reported the export imported."""
        self._apply(Action.SYNC)
        self._record(Action.SYNC, "erp", at, detail, "", account)

    def mark_export_failed(self, *, at: datetime, detail: str, account: str = "") -> None:
        """The ERP could not import the export: back in front of the approver."""
        self._apply(Action.FAIL_EXPORT)
        self._record(Action.FAIL_EXPORT, "erp", at, detail, "", account)

    def retrieve(self, *, by: str, at: datetime, account: str = "") -> None:
        """The sender takes the budget back before the approver answers."""
        self._apply(Action.RETRIEVE)
        self._record(Action.RETRIEVE, by, at, "retrieved before the approver answered", "", account)

    def withdraw(self, *, by: str, at: datetime, account: str = "") -> None:
        """A rejected budget will not be re-sent; close it."""
        self._apply(Action.WITHDRAW)
        self._record(
            Action.WITHDRAW, by, at, "rejected budget closed without a re-send", "", account
        )

    def _apply(self, action: Action) -> None:
        try:
            self.status = TRANSITIONS[self.status, action]
        except KeyError:
            state = self.status or "never sent"
            raise InvalidTransition(
                f"budget {self.project_number} is {state}: cannot {action}"
            ) from None

    def _record(
        self, action: Action, actor: str, at: datetime, detail: str, sha: str, account: str = ""
    ) -> None:
        self.changed_at = at
        self.events.append(
            Event(
                project_number=self.project_number,
                version=self.version,
                action=action,
                actor=actor,
                at=at,
                detail=detail,
                file_sha256=sha,
                account=account,
            )
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class Submission:
    """One version of a budget that went to the approver, and the file it came from."""

    project_number: str
    version: int
    action: Action
    file_name: str
    file_sha256: str
    fingerprint: str
    sender: str
    at: datetime
    review_file: str
    line_count: int
    total: str
    project_name: str = ""
    prepared_by: str = ""
    stated_total: str = ""
