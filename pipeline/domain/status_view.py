"""What the status page shows, as plain values: each budget with the version in force in the
ERP and what is pending, rejected or withdrawn on top of it, its amounts, who it waits on and
for how long; refused workbooks waiting for an admin; the latest events, the mail still to go,
and when the last pass ran. Pure: no I/O."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import quote

from pipeline.domain.approval_route import LevelDecision
from pipeline.domain.exports import Confirmation, Refusal
from pipeline.domain.lifecycle import ProjectBudget, Status

# A state, as people read it, and who the budget waits on in it.
STATE_LABELS = {
    Status.AWAITING_APPROVAL: "awaiting approval",
    Status.REJECTED: "rejected",
    Status.ACCEPTED: "accepted, export pending",
    Status.EXPORTED: "exported",
    Status.RETRIEVED: "retrieved",
    Status.WITHDRAWN: "withdrawn",
    Status.SYNCED: "imported by the ERP",
    Status.EXPORT_FAILED: Confirmation.REFUSED,
}
# Once the ERP's answers are in use, an export is not yet "in the ERP": it is until the ERP
# confirms it.
RESULTS_LABELS = {
    **STATE_LABELS,
    Status.EXPORTED: Confirmation.UNCONFIRMED,
    Status.SYNCED: Confirmation.CONFIRMED,
}


class WaitingOn:
    """Whom a budget waits on, in the words of the page."""

    APPROVERS = "approvers"
    SENDER = "sender"
    ERP = "the ERP"
    BUDGET_ERP = "budget-erp"
    NOBODY = ""


_WAITS_ON = {
    Status.AWAITING_APPROVAL: WaitingOn.APPROVERS,
    Status.EXPORT_FAILED: WaitingOn.APPROVERS,
    Status.REJECTED: WaitingOn.SENDER,
    Status.RETRIEVED: WaitingOn.SENDER,
    Status.EXPORTED: WaitingOn.ERP,
    Status.ACCEPTED: WaitingOn.BUDGET_ERP,
}
# Only a person can be late: the ERP may never answer, and budget-erp retries by itself.
_PEOPLE = (WaitingOn.APPROVERS, WaitingOn.SENDER)
# A daemon not heard of for this long was stopped for good (a killed one leaves its row).
DAEMON_FORGOTTEN_AFTER = timedelta(days=1)


@dataclass(frozen=True)
class FileLink:
    """A file of the workspace, as named for people and as a link relative to the page."""

    name: str  # "approval/P-1001_v1_review.xlsx"
    href: str  # "../approval/P-1001_v1_review.xlsx", URL-quoted
    # "review", "rejected", "ERP file", "refused ERP file", "ERP's message", "budget in force"
    kind: str


@dataclass(frozen=True, kw_only=True)
class BudgetRow:
    """One budget on the page."""

    project_number: str
    project_name: str
    state: str
    status: str  # the raw state, for the row's class
    version: int
    sender: str
    approvers: tuple[str, ...]
    waiting_on: str
    waiting_since: datetime | None
    waiting_for: str  # "3 d 4 h"; empty when it waits on nobody
    overdue: bool
    in_erp: str  # "v2 (P-1001_v2_001.csv, imported)"; empty when nothing was exported
    links: tuple[FileLink, ...] = ()
    refusal: Refusal | None = None  # refused by the ERP: back before the approver for it
    on_top_of: int | None = None  # the version in force in the ERP that this one changes
    total: str = ""  # "1,234.50"
    net_change: str = ""  # "+1,200.00" against ``on_top_of``; empty for a first budget
    escalated: bool = False  # waiting at its approval level past ``escalate_after_days``
    # On a route of several levels, while it waits on one: "Controller (level 2 of 2)", and
    # the earlier levels' Accepts (their time in the workspace's zone).
    level: str = ""
    accepted: tuple[LevelDecision, ...] = ()


@dataclass(frozen=True)
class RefusedWorkbook:
    """A workbook refused on arrival, waiting in ``rejected/`` for its admin to fix it."""

    refused_at: datetime
    links: tuple[FileLink, ...]  # the workbook, the report why, the marked-up copy


@dataclass(frozen=True, kw_only=True)
class EventLine:
    """One event of a project's audit trail."""

    at: datetime
    version: int
    action: str
    actor: str
    detail: str


@dataclass(frozen=True)
class ProjectEvents:
    """The latest events of one project, newest first."""

    project_number: str
    events: tuple[EventLine, ...]


@dataclass(frozen=True, kw_only=True)
class MailLine:
    """A message still in the outbox: waiting to go, or given up on."""

    status: str
    to: str
    subject: str
    created_at: datetime
    attempts: int
    last_error: str


@dataclass(frozen=True)
class HealthLine:
    """One sign of life: a name, what is known of it, and whether it looks wrong."""

    name: str
    value: str
    alarming: bool = False


@dataclass(frozen=True, kw_only=True)
class StatusView:
    """Everything the status page shows, computed at ``generated_at``."""

    workspace: str
    generated_at: datetime
    time_zone: str
    overdue_days: float
    budgets: tuple[BudgetRow, ...]
    events: tuple[ProjectEvents, ...]
    mail: tuple[MailLine, ...]
    health: tuple[HealthLine, ...] = field(default=())  # last pass; more can join
    results_in_use: bool = False  # the ERP answers: exports are confirmed or not
    refused: tuple[RefusedWorkbook, ...] = ()  # oldest first
    delegations: tuple[str, ...] = ()  # in force today: "Dana Delegate for Carl Accountant, ..."

    @property
    def overdue_count(self) -> int:
        """How many budgets are overdue."""
        return sum(1 for row in self.budgets if row.overdue)


def state_label(status: Status, results_in_use: bool) -> str:
    """A state as the page says it: with results in use, *sent, not confirmed* and *in the
    ERP (confirmed)* for an export the ERP has not answered and one it imported."""
    return str((RESULTS_LABELS if results_in_use else STATE_LABELS).get(status, status))


def waiting_on(budget: ProjectBudget) -> str:
    """Whom the budget waits on now (empty when it waits on nobody)."""
    return _WAITS_ON.get(budget.status, WaitingOn.NOBODY) if budget.status else WaitingOn.NOBODY


def waiting_since(budget: ProjectBudget) -> datetime | None:
    """Since when it waits: since it was sent for an approver, else since its last change."""
    if not waiting_on(budget):
        return None
    if budget.status is Status.AWAITING_APPROVAL and budget.sent_at is not None:
        return budget.sent_at
    return budget.changed_at or budget.sent_at


def is_overdue(budget: ProjectBudget, now: datetime, overdue_days: float) -> bool:
    """Whether a person has kept the budget waiting longer than ``overdue_days``."""
    since = waiting_since(budget)
    if since is None or waiting_on(budget) not in _PEOPLE:
        return False
    return now - since > timedelta(days=overdue_days)


def seen_lately(heartbeat_at: datetime, now: datetime) -> bool:
    """Whether a daemon's last heartbeat is recent enough to list it at all."""
    return now - heartbeat_at < DAEMON_FORGOTTEN_AFTER


def age_text(delta: timedelta) -> str:
    """How long, for people: ``3 d 4 h``, ``5 h 12 min``, ``7 min`` (never negative)."""
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, minutes = rest // 3600, rest % 3600 // 60
    if days:
        return f"{days} d {hours} h"
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


def page_href(relative: str) -> str:
    """A relative path as a URL path: each part quoted (``#``, ``?``, spaces, ``%``)."""
    return "/".join(quote(part, safe="") for part in PurePosixPath(relative).parts)


def status_link(url: str, page: PurePosixPath) -> str:
    """Where people open the page, given how they reach the workspace (``[status] url``).

    A UNC or Windows path is joined with backslashes, a URL with quoted parts, a plain path
    with slashes; empty when no ``url`` is set.
    """
    base = url.strip()
    if not base:
        return ""
    if base.startswith("\\\\") or ("\\" in base and "/" not in base):
        return base.rstrip("\\") + "\\" + "\\".join(page.parts)
    if "://" in base:
        return base.rstrip("/") + "/" + page_href(page.as_posix())
    return base.rstrip("/") + "/" + page.as_posix()
