"""Use case: the escalation mail. Once each working day, from the daily summary's time on
(or the first pass after a version crosses the limit), every escalated version's level
people (delegates standing in) are emailed again with the level's ``escalate_to`` in copy
(Cc). A level naming no ``escalate_to`` still mails its own people, with nobody in copy: a
limit set in ``[notify]`` holds for every level.

Each mail is queued under a key with the version, its level and the local date, so however
often the daemon passes or restarts, a day has one per level.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from pipeline.domain.escalation import escalated
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.notification import Notification, summary_date
from pipeline.domain.people import Directory, Person
from pipeline.domain.status_view import age_text
from pipeline.services.approval_routing import receivers
from pipeline.services.context import Services
from pipeline.services.escalation import LevelWait, level_wait
from pipeline.services.mail_facts import amounts
from pipeline.services.notifications import content_path, enqueue_all, prepare


def queue_escalations(app: Services) -> list[Notification]:
    """Queue today's escalation mail of every escalated version not yet mailed today; the
    new ones. Only on working days (a weekend adds no business day to the wait, and nobody
    is there to act), and not before the daily summary's time: a day's reminders go
    together."""
    after = app.settings.escalate_after_days
    if not after:
        return []
    now = app.clock.now()
    day = summary_date(now, ZoneInfo(app.settings.time_zone), app.settings.summary_time)
    if day is None or not app.settings.working_days.counts(day):
        return []
    directory = app.identity.people()
    queued: list[Notification] = []
    for budget in app.store.budgets():
        wait = level_wait(app, budget, now)
        if wait is None or not escalated(wait.waited, after):
            continue
        key = (
            f"escalated:{budget.project_number}:v{budget.version}:"
            f"level{wait.route.position + 1}:{day.isoformat()}"
        )
        if not app.store.has_notification(key):
            queued += _escalation(app, budget, wait, (directory, day), key)
    if queued:
        with app.store.transaction():
            enqueue_all(app, queued)
    return queued


def _escalation(
    app: Services,
    budget: ProjectBudget,
    wait: LevelWait,
    people: tuple[Directory, date],
    key: str,
) -> list[Notification]:
    """The mail to the level's people on ``people``'s local day (delegates standing in), its
    ``escalate_to`` (or their delegate) in copy."""
    project = budget.project_number
    directory, day = people
    step = wait.route.current
    to = receivers(directory, step, project, day)
    copied = _copied(directory, step.level.escalate_to, day)
    if copied in to:  # the person escalated to decides the level too: in To already
        copied = None
    submission = app.store.submission(project, budget.version)
    return prepare(
        app,
        key,
        "escalated",
        [p.email for p in to],
        {
            "project_number": project,
            "project_name": submission.project_name if submission else "",
            "version": budget.version,
            "sender": budget.sender,
            **amounts(app, submission),
            "level": wait.route.stage(),
            "approvers": ", ".join(p.name for p in to),
            "since": wait.since,
            "waited": age_text(wait.waited),
            "after_days": app.settings.escalate_after_days,
            "escalate_to": copied.name if copied else "",
            "review_path": str(content_path(app, submission.review_file)) if submission else "",
        },
        copy=[copied.email] if copied else [],
    )


def _copied(directory: Directory, name: str, day: date) -> Person | None:
    """The person a level escalates to, or the delegate standing in for them that day (their
    emails go to the delegate, as everyone's do)."""
    person = directory.find(name) if name else None
    if person is None:
        return None
    return directory.delegate_of(person, day) or person
