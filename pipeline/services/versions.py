"""A version's budget as the state database keeps it, for the workbooks written from it after
the admin's own file is gone (the review issued again, the hand-back, the budget in force)."""

from __future__ import annotations

from decimal import Decimal

from pipeline.domain.budget import BudgetDocument
from pipeline.domain.lifecycle import Submission
from pipeline.services.context import Services


def stored_document(app: Services, submission: Submission) -> BudgetDocument:
    """Rebuild a version's budget from the state database."""
    return BudgetDocument(
        project_number=submission.project_number,
        lines=tuple(app.store.lines(submission.project_number, submission.version)),
        project_name=submission.project_name,
        prepared_by=submission.prepared_by,
        stated_total=Decimal(submission.stated_total) if submission.stated_total else None,
    )
