"""The budget workbook an admin drops, as readers and writers both see it: the labels of the
header block, the line table's columns (and the titles our own workbooks give them), and
which sheet holds the budget."""

from __future__ import annotations

HEADER_LABELS = {
    "projectnumber": "project_number",
    "jobnumber": "project_number",
    "projectname": "project_name",
    "preparedby": "prepared_by",
    "budgettotal": "budget_total",
}
COLUMN_LABELS = {
    "subjob": "sub_job",
    "costcode": "cost_code",
    "costtype": "cost_type",
    "category": "cost_type",
    "description": "description",
    "unitqty": "unit_qty",
    "uom": "uom",
    "unitcost": "unit_cost",
    "originalbudgetamount": "amount",
    "originalbudget": "amount",
    "amount": "amount",
}
REQUIRED_COLUMNS = ("cost_code", "cost_type", "amount")
COLUMN_TITLES = {
    "sub_job": "Sub Job",
    "cost_code": "Cost Code",
    "cost_type": "Cost Type",
    "description": "Description",
    "unit_qty": "Unit Qty",
    "uom": "UOM",
    "unit_cost": "Unit Cost",
    "amount": "Original Budget Amount",
}
# The line table's columns in the contract's order, as the workbooks we hand out write them.
INPUT_LINE_HEADERS = tuple(COLUMN_TITLES.values())
PREFERRED_SHEETS = ("budget", "budgetlineitems")
