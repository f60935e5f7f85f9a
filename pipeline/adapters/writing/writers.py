"""The writers of the workbooks handed to people (review, rejected, current, template) as the
use cases call them: each imports its module, and with it xlsxwriter, at its first workbook,
and reads the validation rules it needs afresh, as intake does."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.validation.rules_files import load_validation_rules
from pipeline.config import Settings
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.review import Rejection
from pipeline.domain.review_figures import ReviewFigures
from pipeline.services import ports, workbook_ports


def write_review_workbook(content: ports.ReviewContent, target: Path) -> ReviewFigures:
    """Write a review workbook."""
    from pipeline.adapters.writing.review_workbook import write_review_workbook as write

    return write(content, target)


def rejected_writer(settings: Settings) -> workbook_ports.RejectedWriter:
    """Write the workbook handed back with a rejection's reasons."""

    def write(document: BudgetDocument, rejection: Rejection, target: Path) -> None:
        from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook

        rules = load_validation_rules(settings.rules)
        write_rejected_workbook(document, rejection, target, rules, settings.time_zone)

    return write


def current_writer(settings: Settings) -> workbook_ports.CurrentWriter:
    """Write ``current/<project>_current.xlsx``, the budget in force in the ERP."""

    def write(document: BudgetDocument, version: int, target: Path) -> None:
        from pipeline.adapters.writing.current_workbook import write_current_workbook

        write_current_workbook(document, version, target, load_validation_rules(settings.rules))

    return write


def template_writer(settings: Settings) -> workbook_ports.TemplateWriter:
    """Write an empty budget workbook for a project (``template``)."""

    def write(target: Path, project_number: str) -> None:
        from pipeline.adapters.writing.template_workbook import write_template

        write_template(target, load_validation_rules(settings.rules), project_number)

    return write
