"""What the state keeps forever for an audit, and how long it keeps the rest (``[retention]``
in budget-erp.toml): the rules ``budget-erp prune`` follows, and what it tells it did."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any, Final

from pipeline.domain.lifecycle import Action, Status

# Events that change no budget and write no ERP file: a file refused, a decision refused or
# late, hand-backs tidied, what was moved aside. Each was answered (the person was emailed,
# the file handed back and kept in the archive); after a while they are noise in a history.
# Every other action (a send, each decision, each export, set-aside or ERP answer) is an
# audit event, kept forever.
NOTICE_ACTIONS: Final = frozenset(
    {
        Action.REFUSE,
        Action.REFUSE_DECISION,
        Action.LATE_DECISION,
        Action.TIDY_HAND_BACKS,
        Action.FOREIGN_FILE,
        Action.SQUATTED,
    }
)
AUDIT_ACTIONS: Final = frozenset(Action) - NOTICE_ACTIONS

# A budget still being worked on (by its approver, the ERP, or its admin after a rejection):
# nothing of it is pruned, whatever its age.
OPEN_STATUSES: Final = frozenset(
    {Status.AWAITING_APPROVAL, Status.ACCEPTED, Status.EXPORT_FAILED, Status.REJECTED}
)
DAY: Final = timedelta(days=1)


@dataclass(frozen=True)
class Retention:
    """How many days each kind of record is kept once nothing needs it (0: forever)."""

    archive_days: int = 365  # archived bytes no kept record refers to
    events_days: int = 365  # notice events (``NOTICE_ACTIONS``) and tidied hand-back rows
    mail_days: int = 365  # mail sent
    reviews_days: int = 365  # review workbooks issued and saves read, of settled budgets

    def before(self, days: int, now: datetime) -> datetime | None:
        """The moment before which a record kept ``days`` is removed; None: kept forever."""
        return now - days * DAY if days else None


def retention_from(section: Mapping[str, Any]) -> Retention:
    """``[retention]`` of budget-erp.toml; ValueError naming the key that is not a whole
    number of days, 0 or more."""
    values = {}
    for item in fields(Retention):
        value = section.get(item.name, item.default)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise ValueError(
                f"retention.{item.name} = {value!r}; expected a whole number of days, "
                "0 or more (0: kept forever)"
            )
        values[item.name] = value
    return Retention(**values)


@dataclass(frozen=True, kw_only=True)
class Pruned:
    """What a prune removed (or, on a dry run, would remove)."""

    events: int = 0
    mail: int = 0
    decision_files: int = 0
    review_issues: int = 0
    handed_back: int = 0
    archive_files: int = 0
    archive_bytes: int = 0

    def lines(self, dry_run: bool) -> list[str]:
        """The report, one line per kind, in the words ``prune`` prints."""
        verb = "would remove" if dry_run else "removed"
        return [
            f"{verb} {self.events} notice event(s) from the history",
            f"{verb} {self.mail} sent email(s) from the mail queue",
            f"{verb} {self.decision_files} review save(s) read and "
            f"{self.review_issues} review workbook(s) issued, of settled budgets",
            f"{verb} {self.handed_back} record(s) of hand-backs tidied away",
            f"{verb} {self.archive_files} archived file(s) nothing kept refers to "
            f"({_size(self.archive_bytes)})",
        ]


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value = float(count)
    for unit in ("KB", "MB"):
        value /= 1024
        if value < 1024:
            return f"{value:.1f} {unit}"
    return f"{value / 1024:.1f} GB"
