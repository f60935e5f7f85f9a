"""Write the budget in force in the ERP (``current/<project>_current.xlsx``): the version the
ERP has, in the input layout, live, with the ERP-list dropdowns and the mark of its version,
for the admin to start the next change from."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.budget_sheet import write_budget_workbook
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.version_mark import VersionMark


def write_current_workbook(
    document: BudgetDocument, version: int, target: Path, rules: ValidationRules | None = None
) -> None:
    """Write version ``version`` of the budget, ``document``, into ``target``."""
    mark = VersionMark(document.project_number, version)
    write_budget_workbook(target, document, mark, rules, remark=remark(version))


def remark(version: int) -> str:
    """What the workbook is, and how to send a change from it, above the table."""
    return (
        f"Version {version}, in force in the ERP. For a change, save a copy, change the "
        "copy and drop it into inbox/; the Budget Total follows the lines by itself."
    )
