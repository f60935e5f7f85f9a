"""Use case: the "ERP Integrations Daily Summary" and daily reminders, once per local day.
Each budget with its total and, for a change, its net change; whether it is a first send, a
re-send or a budget change; how long it has waited in working days (``[notify] workdays``,
``holidays``), marked overdue past ``overdue_days``. A budget back before its approver because
the ERP refused its file is listed apart, as *refused by the ERP*, with the ERP's message. A
version whose email to its level went out less than ``summary_grace_minutes`` ago waits for
the next summary: its approvers have just been told of it.

It goes to the people of the approval level each version waits on (a delegate standing in
for one of them receives it in their place). Each is queued under a key with the approver
and the local date, so however often the daemon passes, restarts or the clock shifts for
daylight saving, a day gets one of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline.domain.approval_route import LevelDecision
from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import Action, ProjectBudget
from pipeline.domain.notification import Notification, summary_date
from pipeline.domain.people import Person
from pipeline.domain.status_view import age_text
from pipeline.domain.working_time import working_time
from pipeline.services.approval_routing import receivers, route_of
from pipeline.services.budget_amounts import amounts, sent_totals
from pipeline.services.context import Services
from pipeline.services.erp_standing import refusal_of
from pipeline.services.notifications import enqueue_all, prepare


class SentAs:
    """What a version is to its approver, in the summary's words."""

    FIRST = "first send"
    RESEND = "re-send"
    CHANGE = "budget change"
    CHANGE_RESENT = "budget change, re-sent"


@dataclass(frozen=True, kw_only=True)
class PendingBudget:
    """One budget awaiting an approver, as the summary lists it."""

    project_number: str
    project_name: str
    version: int
    sender: str
    sent_at: datetime
    age: str  # in working time: "2 d 3 h"
    total: str
    sent_as: str  # a ``SentAs``
    review_path: str
    refusal: Refusal | None = None  # back before the approver because the ERP refused it
    net_change: str = ""  # "+1,200.00" against the version in force; empty for a first budget
    overdue: bool = False  # waiting longer than ``overdue_days`` working days
    # On a route of several levels: "Controller (level 2 of 2)" and the earlier Accepts.
    level: str = ""
    accepted: tuple[LevelDecision, ...] = ()


def queue_daily_mail(app: Services, force: bool = False) -> list[Notification]:
    """Queue today's summaries (and reminders) if due and not yet queued; return the new ones.

    ``force`` queues today's even before the configured summary time, and lists even the
    versions sent within ``summary_grace_minutes``.
    """
    now = app.clock.now()
    zone = ZoneInfo(app.settings.time_zone)
    day = summary_date(now, zone, app.settings.summary_time)
    if day is None:
        if not force:
            return []
        day = now.astimezone(zone).date()
    # Asked for by a person (``budget-erp summary``), it lists even what was sent just now.
    grace = timedelta(0) if force else timedelta(minutes=app.settings.summary_grace_minutes)
    # The day's summaries are out and nothing they depend on has changed: nothing to look at.
    looked = (day, app.store.decisions_mark(), app.identity.people())
    if not force and app.memory.summary.unchanged(looked, now):
        return []
    pending, released = _pending(app, now, grace)
    queued = []
    for approver, mine in _by_receiver(app, pending, day):
        queued += _for_approver(app, approver, mine, day)
    if queued:
        with app.store.transaction():
            enqueue_all(app, queued)
    # A version held back by the grace is listed once it has passed: look again then.
    app.memory.summary.saw(None if queued else looked, released)
    return queued


def _by_receiver(
    app: Services, pending: list[PendingBudget], day: date
) -> list[tuple[Person, list[PendingBudget]]]:
    """Each person told of the versions waiting on them: the people of the level each version
    waits on, each away one replaced by their delegate that day (who so receives the
    summaries of the person they stand in for)."""
    directory = app.identity.people()
    found: dict[str, tuple[Person, list[PendingBudget]]] = {}
    for budget in pending:
        step = route_of(app, budget.project_number, budget.version).current
        for person in receivers(directory, step, budget.project_number, day):
            found.setdefault(person.name, (person, []))[1].append(budget)
    return list(found.values())


def _for_approver(
    app: Services, approver: Person, mine: list[PendingBudget], day: date
) -> list[Notification]:
    if not mine or not approver.email:
        return []
    found: list[Notification] = []
    key = f"summary:{approver.email}:{day.isoformat()}"
    if approver.digest and not app.store.has_notification(key):
        found += prepare(
            app,
            key,
            "daily_summary",
            [approver.email],
            {"approver": approver.name, "date": day.isoformat(), "pending": mine},
        )
    if app.settings.reminders == "separate":
        for budget in mine:
            reminder = f"reminder:{budget.project_number}:v{budget.version}:{approver.email}:{day}"
            sent_on = budget.sent_at.astimezone(ZoneInfo(app.settings.time_zone)).date()
            if sent_on < day and not app.store.has_notification(reminder):
                found += prepare(
                    app,
                    reminder,
                    "reminder",
                    [approver.email],
                    {"approver": approver.name, "budget": budget},
                )
    return found


def _pending(
    app: Services, now: datetime, grace: timedelta
) -> tuple[list[PendingBudget], datetime | None]:
    """The versions waiting on someone, oldest first, and when the first of those held back
    (their people emailed within the grace) comes out of it (None: none held back)."""
    zone = ZoneInfo(app.settings.time_zone)
    found = []
    released: datetime | None = None
    for budget in app.store.budgets():
        if not budget.with_approver or budget.sent_at is None:
            continue
        submission = app.store.submission(budget.project_number, budget.version)
        if submission is None:
            continue
        exports = app.store.exports(budget.project_number)
        refusal = refusal_of(app, budget, exports) if budget.export_failed else None
        since = refusal.at if refusal else budget.sent_at
        mailed = _mailed(app, budget, since)
        if now - mailed < grace:  # its level's people have just been emailed: listed later
            released = min(released or mailed + grace, mailed + grace)
            continue
        waited = working_time(since, now, zone, app.settings.working_days)
        money = amounts(budget, submission.total, exports, sent_totals(app, budget.project_number))
        route = route_of(app, budget.project_number, budget.version)
        found.append(
            PendingBudget(
                project_number=budget.project_number,
                project_name=submission.project_name,
                version=budget.version,
                sender=budget.sender,
                sent_at=budget.sent_at,
                age=age_text(waited),
                total=money.total_text,
                sent_as=_sent_as(submission.action, money.below is not None),
                review_path=str(app.settings.approval / submission.review_file),
                refusal=refusal,
                net_change=money.net_change_text,
                overdue=waited > timedelta(days=app.settings.overdue_days),
                level=route.stage() if route.several else "",
                accepted=route.decisions if route.several else (),
            )
        )
    return sorted(found, key=lambda p: p.sent_at), released


def _mailed(app: Services, budget: ProjectBudget, since: datetime) -> datetime:
    """When the people of the level the version waits on were emailed of it: when its review
    was issued to that level (a later level's, after the Accept before it), else ``since``."""
    issue = app.store.current_review_issue(budget.project_number, budget.version)
    return max(since, issue.issued_at) if issue is not None else since


def _sent_as(action: Action, changes_erp: bool) -> str:
    """A first send, a re-send after a rejection, or a change to a version in the ERP."""
    resent = action is Action.RESEND
    if changes_erp or action is Action.CHANGE:
        return SentAs.CHANGE_RESENT if resent else SentAs.CHANGE
    return SentAs.RESEND if resent else SentAs.FIRST
