"""Use case: the "ERP Integrations Daily Summary" and daily reminders, once per local day.
A budget back before its approver because the ERP refused its file is listed apart, as
*refused by the ERP*, with the ERP's message.

Each is queued under a key with the approver and the local date, so however often the
daemon passes, restarts or the clock shifts for daylight saving, a day gets one of each.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pipeline.domain.budget import money
from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import Action
from pipeline.domain.notification import Notification, summary_date
from pipeline.domain.people import Person, Role
from pipeline.services.context import Services
from pipeline.services.erp_standing import refusal_of
from pipeline.services.notifications import enqueue_all, prepare


@dataclass(frozen=True)
class PendingBudget:
    """One budget awaiting an approver, as the summary lists it."""

    project_number: str
    project_name: str
    version: int
    sender: str
    sent_at: datetime
    age: str
    total: str
    resends: int
    review_path: str
    refusal: Refusal | None = None  # back before the approver because the ERP refused it


def queue_daily_mail(app: Services, force: bool = False) -> list[Notification]:
    """Queue today's summaries (and reminders) if due and not yet queued; return the new ones.

    ``force`` queues today's even before the configured summary time.
    """
    now = app.clock.now()
    zone = ZoneInfo(app.settings.time_zone)
    day = summary_date(now, zone, app.settings.summary_time)
    if day is None:
        if not force:
            return []
        day = now.astimezone(zone).date()
    pending = _pending(app, now)
    if not pending:
        return []
    queued = []
    approvers = [p for p in app.people().people if Role.ACCOUNTING_APPROVER in p.roles]
    for approver in approvers:
        mine = [p for p in pending if approver.may(Role.ACCOUNTING_APPROVER, p.project_number)]
        queued += _for_approver(app, approver, mine, day)
    with app.store.transaction():
        enqueue_all(app, queued)
    return queued


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


def _pending(app: Services, now: datetime) -> list[PendingBudget]:
    found = []
    for budget in app.store.budgets():
        if not budget.with_approver or budget.sent_at is None:
            continue
        submission = app.store.submission(budget.project_number, budget.version)
        if submission is None:
            continue
        resends = sum(
            1 for e in app.store.history(budget.project_number) if e.action is Action.RESEND
        )
        refusal = (
            refusal_of(app, budget, app.store.exports(budget.project_number))
            if budget.export_failed
            else None
        )
        found.append(
            PendingBudget(
                budget.project_number,
                submission.project_name,
                budget.version,
                budget.sender,
                budget.sent_at,
                _age(now - (refusal.at if refusal else budget.sent_at)),
                money(Decimal(submission.total)),
                resends,
                str(app.settings.approval / submission.review_file),
                refusal,
            )
        )
    return sorted(found, key=lambda p: p.sent_at)


def _age(delta: timedelta) -> str:
    seconds = max(0, int(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    return f"{days} d {rest // 3600} h" if days else f"{rest // 3600} h {rest % 3600 // 60} min"
