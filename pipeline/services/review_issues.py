"""Use case: issue a review workbook for a version, tied to it by a token, and put it
back when it goes missing while the version still awaits its approver.

Every issue is recorded (token, version, the workbook's sha256, the fingerprint of its
figures) and its bytes kept in the archive, so the one that counts can be told from copies,
held to its figures, and written again unchanged.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.review import ReviewIssue
from pipeline.domain.review_figures import ReviewFigures
from pipeline.services.context import Services, logger
from pipeline.services.ports import ReviewContent
from pipeline.services.squatters import reclaim


def write_review(app: Services, content: ReviewContent, at: datetime) -> tuple[Path, ReviewIssue]:
    """Write the review workbook under a new token; the caller records the issue in the
    transaction that makes the version await its approver."""
    token = uuid.uuid4().hex
    content = replace(content, token=token)
    sub = content.submission
    review = app.settings.approval / sub.review_file
    written: list[ReviewFigures] = []
    app.folders.write(
        review, lambda temp: written.append(app.workbooks.write_review(content, temp))
    )
    sha = app.folders.archive(review)
    return review, ReviewIssue(
        token=token,
        project_number=sub.project_number,
        version=sub.version,
        review_file=sub.review_file,
        sha256=sha,
        issued_at=at,
        figures=written[-1],
    )


def review_missing_from(app: Services, budget: ProjectBudget, listed: frozenset[str]) -> bool:
    """Whether the current review workbook of a waiting version is not among ``listed``
    (the regular files of approval/ listed this pass)."""
    if not budget.with_approver:
        return False
    issue = app.store.current_review_issue(budget.project_number, budget.version)
    # issued before tokens were recorded: nothing kept to restore
    return issue is not None and issue.review_file not in listed


def restore_missing_review(app: Services, budget: ProjectBudget) -> Path | None:
    """Write the current review workbook of a waiting version again if it is gone (deleted,
    moved, cleared away with a foreign copy saved over it, or its name taken by a link or a
    folder, moved aside first: ``squatters``); None when nothing was done."""
    if not budget.with_approver:
        return None
    issue = app.store.current_review_issue(budget.project_number, budget.version)
    if issue is None:  # issued before tokens were recorded: nothing kept to restore
        return None
    review = app.settings.approval / issue.review_file
    reclaim(app, review, budget.project_number, budget.version, "review workbook")
    # Excel deletes the original before renaming its new save into place; its lock file
    # is there all the while, so a workbook that is open is never put back under it.
    if app.folders.exists(review) or app.folders.is_open(review):
        return None
    if not app.folders.restore(issue.sha256, ".xlsx", review):
        return None
    logger.warning(
        "%s: the review workbook of version %d was missing; written again as %s",
        budget.project_number,
        budget.version,
        review.name,
    )
    return review
