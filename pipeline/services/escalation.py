"""Use case helper: escalation. A version waiting at its approval level longer than
``[notify] escalate_after_days`` business days (0: never) is *escalated*: the status page
and ``status`` say so, and ``escalation_mail`` mails its level again.

The level started waiting when its review workbook was issued (the version's current review
issue): a later level waits from the Accept before it, and a version the ERP refused waits
afresh from that refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.escalation import escalated
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.working_time import working_time
from pipeline.services.approval_routing import route_of
from pipeline.services.context import Services


@dataclass(frozen=True)
class LevelWait:
    """How long a version has waited at the level it is with."""

    route: ApprovalRoute
    since: datetime  # when the level's review workbook was issued
    waited: timedelta  # in working time, as the daily summary counts it


def level_wait(app: Services, budget: ProjectBudget, now: datetime) -> LevelWait | None:
    """Since when and how long the version waits at its level; None when it waits on no
    approver."""
    if not budget.with_approver:
        return None
    project, version = budget.project_number, budget.version
    issue = app.store.current_review_issue(project, version)
    # A version sent before review issues were recorded waits from when it was sent.
    since = issue.issued_at if issue is not None else budget.sent_at
    if since is None:
        return None
    zone = ZoneInfo(app.settings.time_zone)
    waited = working_time(since, now, zone, app.settings.working_days)
    return LevelWait(route_of(app, project, version), since, waited)


def is_escalated(app: Services, budget: ProjectBudget, now: datetime) -> bool:
    """Whether the version has waited at its level longer than ``escalate_after_days``."""
    after = app.settings.escalate_after_days
    if not after:
        return False  # asks nothing of the state when escalation is off
    wait = level_wait(app, budget, now)
    return wait is not None and escalated(wait.waited, after)
