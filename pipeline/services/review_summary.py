"""Use case helper: the Summary of a review workbook, against the version it replaces (the
rejected one for a re-send, the one in force in the ERP for a budget change)."""

from __future__ import annotations

from pipeline.domain.budget import BudgetDocument
from pipeline.domain.changes import ResendAssessment
from pipeline.domain.summary_figures import BudgetSummary, EarlierVersion, summarise
from pipeline.services.context import Workbooks
from pipeline.services.ports import ChangeAssessment


def review_summary(
    workbooks: Workbooks,
    document: BudgetDocument,
    resend: ResendAssessment | None = None,
    change: ChangeAssessment | None = None,
) -> BudgetSummary:
    """Totals by cost type and division; for a re-send against the rejected version, for a
    budget change against the exported one (a re-sent change: the rejected one, and the
    ERP's by its net change only)."""
    earlier: list[EarlierVersion] = []
    if resend is not None:
        version = resend.rejection.version
        description = f"rejected version {version}"
        earlier.append(EarlierVersion(version, description, resend.previous, resend.changes))
    if change is not None:
        version = change.exported_version
        earlier.append(
            EarlierVersion(
                version,
                f"version {version}, in the ERP",
                change.exported,
                change.changes,
            )
        )
    return summarise(document.lines, workbooks.summary_names(), earlier)
