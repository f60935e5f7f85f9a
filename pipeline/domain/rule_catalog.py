"""Every check a budget goes through, by stable rule id: its default severity and its hint.

Messages, reports, rejection reasons and ``[severity]`` overrides in rules/validation.toml
all name rules by these ids; the README documents each one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pipeline.domain.problems import Severity

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True, slots=True)
class Rule:
    """One check: what it guards and how to fix a failure."""

    id: str
    severity: Severity
    hint: str


RULES: Final[dict[str, Rule]] = {
    r.id: r
    for r in (
        Rule("workbook.unreadable", E, "Save it from Excel as 'Excel Workbook (*.xlsx)'"),
        Rule("project_number.missing", E, "Write the ERP job number next to 'Project Number'"),
        Rule(
            "project_number.hidden_character",
            E,
            "Retype the Project Number: it holds a character no one can see or tell apart",
        ),
        Rule("budget.empty", E, "Add at least one line under the table header"),
        Rule("job.unknown", E, "Use a job number the ERP knows (rules/jobs.csv)"),
        Rule("job.closed", E, "The job is closed in the ERP; reopen it there first"),
        Rule("sub_job.not_allowed", E, "This job takes no sub jobs: clear the Sub Job column"),
        Rule(
            "text.not_ascii",
            E,
            "Job numbers, sub jobs, cost codes and cost types go to the ERP as plain ASCII: "
            "retype it with the keyboard's Latin letters, digits and signs",
        ),
        Rule("cost_code.missing", E, "Every line needs the ERP cost code, for example 03-300"),
        Rule("cost_code.unknown", E, "Use a cost code set up in the ERP (rules/cost_codes.csv)"),
        Rule("cost_code.pattern", E, "Write the cost code in the company's format"),
        Rule("cost_type.missing", E, "Every line needs a cost type (category), for example L"),
        Rule("cost_type.unknown", E, "Use a cost type the ERP knows (rules/cost_types.csv)"),
        Rule("cost_type.not_allowed", E, "This cost type is not set up for this cost code"),
        Rule("line.duplicate", E, "Keep one line per sub job, cost code and cost type"),
        Rule("amount.missing", E, "Every line needs its amount, for example 1234.50"),
        Rule("amount.not_numeric", E, "Type the amount as a number, for example 1234.50"),
        Rule("amount.precision", E, "Amounts carry at most two decimals"),
        Rule(
            "amount.rounded",
            W,
            "The ERP takes cents: the amount was rounded half away from zero, as Excel's ROUND "
            "does; wrap the formula in ROUND(..., 2) to round it yourself",
        ),
        Rule("amount.too_large", E, "Amounts are limited to 9,999,999,999,999.99"),
        Rule("amount.negative", E, "Negative amounts are only allowed where configured"),
        Rule("amount.unit_mismatch", E, "Amount must equal Unit Qty x Unit Cost"),
        Rule("unit_qty.not_numeric", E, "Unit Qty must be a number or blank"),
        Rule("unit_cost.not_numeric", E, "Unit Cost must be a number or blank"),
        Rule(
            "number.digits",
            E,
            "Retype the number with the digits 0-9: another script's digit can look like "
            "another sign (the Arabic-Indic zero like a point)",
        ),
        Rule(
            "number.currency",
            E,
            "Type the amount in the workspace's currency ([amount] currency), without another "
            "currency's sign",
        ),
        Rule(
            "number.separators",
            E,
            "Type the number as this workspace writes numbers ([amount] decimal_separator), "
            "or into a cell formatted as a number",
        ),
        Rule(
            "number.ambiguous",
            E,
            "Type the number without a thousands separator, or into a cell formatted as a "
            "number, so that it reads one way",
        ),
        Rule("text.too_long", E, "Shorten the text to the ERP's limit"),
        Rule(
            "text.unwritable",
            E,
            "Take the character out: the ERP file has no way to write it in this field",
        ),
        Rule(
            "number.erp_decimals",
            E,
            "Round it to the decimals the ERP file writes, so the ERP gets the number you mean",
        ),
        Rule("budget_total.mismatch", E, "Correct the Budget Total or the line amounts"),
        Rule(
            "total_row.mismatch",
            W,
            "Subtotal and total rows are not sent to the ERP, the lines are: correct the "
            "row's amount or the lines above it",
        ),
        Rule("budget_total.not_numeric", E, "Write the total as a number, or leave it empty"),
        Rule(
            "budget_total.rounded",
            W,
            "The ERP gets the lines rounded to cents, so their sum is the budget's total",
        ),
        Rule("cell.excel_error", E, "Fix the formula so it gives a value"),
        Rule(
            "cell.formula_not_calculated",
            E,
            "The file was written by a program and never calculated: open it in Excel "
            "(or LibreOffice), save it, and drop it again",
        ),
        Rule("row.hidden", W, "Hidden rows still count: unhide the row, or delete the line"),
        Rule(
            "text.hidden_removed",
            W,
            "The review workbook and the ERP file hold the text without it; retype the cell "
            "if it was pasted from elsewhere",
        ),
        Rule("sheet.hidden", W, "A hidden sheet is not read; check nothing belongs there"),
        Rule(
            "column.duplicate",
            W,
            "Keep one column for it, or rename the other: 'budget-erp check --columns' lists "
            "the names in the order they are read",
        ),
        Rule(
            "column.misnamed",
            W,
            "Rename the column, or add its name to [column_names] in rules/validation.toml",
        ),
        Rule(
            "column.numbers_not_read",
            W,
            "Title it with a name 'budget-erp check --columns' lists, or add its title to "
            '[column_names] in rules/validation.toml ("ignore" if it is no part of the budget)',
        ),
        Rule(
            "column.uom_numbers",
            W,
            "Type the unit as a word (CY, HR, EA); if the column is the unit cost, name it so in "
            "[column_names] in rules/validation.toml",
        ),
        Rule("list.not_checked", W, "Export that list from the ERP into rules/ to check it"),
        Rule("resend.flagged_unchanged", W, "The approver flagged this line; look at it again"),
        Rule(
            "change.older_file",
            W,
            "Start a change from the budget in force (current/), or check that what changed "
            "since the version it was built from is meant to go back",
        ),
        Rule("export.failed", W, "Accept again once the ERP side is fixed, or reject"),
    )
}


def hint(rule_id: str) -> str:
    """The fix for a rule's failure ("" for an unknown id)."""
    rule = RULES.get(rule_id)
    return rule.hint if rule else ""
