"""A blank budget workbook in the contract layout, with dropdowns fed by the ERP lists and a
Budget Total that adds up the amounts by itself."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.input_layout import (
    LINE_HEADERS,
    MONEY,
    add_dropdowns,
    last_row,
    set_columns,
    total_formula,
)
from pipeline.adapters.writing.xlsx_styles import SAFE_OPTIONS
from pipeline.errors import NotAnOpenJob

FIRST_LINE = 8  # Excel row of the first budget line
LAST_LINE = last_row(FIRST_LINE)  # dropdowns, formats and the total reach this far


def job_name(rules: ValidationRules, project_number: str) -> str:
    """The name the ERP's job list gives the job ("" without a number or a list); refused,
    naming it, for a job the list does not have or has closed: a template for it would
    only come back refused."""
    if not project_number or rules.lists.jobs is None:
        return ""
    job = rules.lists.job(project_number)
    if job is None:
        raise NotAnOpenJob(
            f"{project_number} is not a job in the ERP's list (rules/jobs.csv): check the "
            "number, or export the jobs from the ERP again"
        )
    if not job.open:
        named = f" ({job.name})" if job.name else ""
        raise NotAnOpenJob(
            f"{project_number}{named} is closed in the ERP's list (rules/jobs.csv): reopen it "
            "in the ERP and export the jobs again first"
        )
    return job.name


def write_template(
    target: Path, rules: ValidationRules, project_number: str = "", project_name: str = ""
) -> None:
    """Write the template; cost codes and types come from rules/ when those lists exist, and
    the project's name from the job list unless given."""
    project_name = project_name or job_name(rules, project_number)
    book = xlsxwriter.Workbook(str(target), {**SAFE_OPTIONS, "constant_memory": False})
    bold = book.add_format({"bold": True})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1})
    formats = {
        "text": book.add_format({"num_format": "@"}),
        "money": book.add_format({"num_format": MONEY}),
    }
    sheet = book.add_worksheet("Budget")
    for row, (label, value) in enumerate(
        (("Project Number", project_number), ("Project Name", project_name), ("Prepared By", ""))
    ):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, value, formats["text"])
    sheet.write_string(3, 0, "Budget Total", bold)
    # A number cell holding the sum: typing amounts (or formulas) keeps it right.
    sheet.write_formula(3, 1, total_formula(FIRST_LINE, LAST_LINE), formats["money"], 0)
    # Not beside the total: a total left blank would read the note as its value.
    sheet.write_string(4, 3, "Budget Total adds up the amounts by itself; leave it as it is.")
    for col, title in enumerate(LINE_HEADERS):
        sheet.write_string(FIRST_LINE - 2, col, title, head)
    set_columns(sheet, formats)
    sheet.freeze_panes(FIRST_LINE - 1, 0)
    add_dropdowns(book, sheet, rules, project_number, (FIRST_LINE - 1, LAST_LINE - 1))
    sheet.activate()
    book.close()
