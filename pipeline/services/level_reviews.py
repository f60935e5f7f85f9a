"""Use case: once an approval level accepts and another is needed, issue the review workbook
to the next level: the same figures the first level saw (the version's lines, what it was
compared with, its warnings and the admin's Responses), the earlier Accepts on *Review*,
mailed to that level's people (delegates standing in).

The Accept is committed first; the next review follows it. A crash between the two leaves a
route ahead of its review, and the next pass issues it (``issue_due_level_review``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from pipeline.domain.lifecycle import ProjectBudget, Status, Submission
from pipeline.domain.review import ReviewInputs
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.approval_routing import receivers, route_of, today
from pipeline.services.context import Services, logger
from pipeline.services.intake_checks import (
    assess_change_against_export,
    assess_resend_against_rejection,
)
from pipeline.services.ports import ReviewContent
from pipeline.services.review_issues import write_review
from pipeline.services.review_summary import review_summary
from pipeline.services.versions import stored_document


def issue_due_level_review(app: Services, budget: ProjectBudget) -> Path | None:
    """Issue the review of the level the version waits on, if the review out is an earlier
    level's; the workbook written, or None when none was due."""
    if not level_review_due(app, budget):
        return None
    project, version = budget.project_number, budget.version
    route = route_of(app, project, version)
    submission = app.store.submission(project, version)
    assert submission is not None, "a version awaiting approval is recorded"
    content = level_content(app, submission)
    approvers = receivers(app.identity.people(), route.current, project, today(app))
    content = replace(content, approvers=[p.name for p in approvers])
    now = app.clock.now()
    review, new_issue = write_review(app, content, now)
    new_issue = replace(new_issue, level=route.position)
    crash_point("after_level_review_written")
    mail = notifications.sent_for_approval(app, content, approvers)
    with app.folders.kept_if_committed(review), app.store.transaction():
        notifications.enqueue_all(app, mail)
        app.store.add_review_issue(new_issue)
    logger.debug("%s: version %d now with %s", project, version, route.stage())
    return review


def level_review_due(app: Services, budget: ProjectBudget) -> bool:
    """Whether the review out for a waiting version is an earlier level's than the one it
    waits on (a crash came between a level's Accept and the next level's review)."""
    if not budget.with_approver:
        return False
    project, version = budget.project_number, budget.version
    issue = app.store.current_review_issue(project, version)
    if issue is None:
        return False
    route = route_of(app, project, version)
    return issue.level < route.position < len(route.levels)


def level_content(app: Services, submission: Submission) -> ReviewContent:
    """The review of a version as it was first issued, rebuilt from the state: its lines,
    what it was compared with as the budget stood before it was sent, its warnings."""
    project, version = submission.project_number, submission.version
    inputs = app.store.review_inputs(project, version) or ReviewInputs()
    document = replace(stored_document(app, submission), responses=inputs.responses)
    before = ProjectBudget(
        project_number=project,
        status=Status(inputs.status_before) if inputs.status_before else None,
        version=version - 1,
    )
    resend = assess_resend_against_rejection(app, before, document, None, [])
    change = assess_change_against_export(app, before, document, None)
    return ReviewContent(
        submission=submission,
        document=document,
        approvers=[],
        warnings=list(inputs.warnings),
        resend=resend,
        change=change,
        summary=review_summary(app.workbooks, document, resend, change),
        time_zone=app.settings.time_zone,
        route=route_of(app, project, version),
    )
