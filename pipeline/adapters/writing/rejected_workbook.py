"""Write the editable workbook handed back after a rejection: the budget in the input layout,
live (Budget Total a SUM, amounts quantity x unit cost where they are), flagged lines marked,
the ERP-list dropdowns, and the reasons with a Response column. Dropping it back re-sends it."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.layouts.rejection_reasons import reasons_sheet
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.budget_sheet import write_budget_workbook
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.names import current_file
from pipeline.domain.review import Rejection
from pipeline.domain.version_mark import VersionMark

NOTE_HEADER = "Rejection Note"


def write_rejected_workbook(
    document: BudgetDocument,
    rejection: Rejection,
    target: Path,
    rules: ValidationRules | None = None,
    time_zone: str = "UTC",
) -> None:
    """Write the admin's budget with the rejection marked into ``target``; ``rules`` gives
    the ERP lists for the dropdowns (none without it); times are shown in ``time_zone``."""
    notes = {flag.key: f"REJECTED: {flag.note}" for flag in rejection.flags}
    write_budget_workbook(
        target,
        document,
        VersionMark(document.project_number, rejection.version),
        rules,
        (NOTE_HEADER, notes),
        more=lambda book: reasons_sheet(
            book, rejection, current_file(document.project_number), time_zone
        ),
    )
