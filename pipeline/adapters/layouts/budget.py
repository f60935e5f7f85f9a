"""The budget workbook an admin drops, as readers and writers both see it: the labels of the
header block, the line table's columns (and the titles our own workbooks give them), and
which sheet holds the budget."""

from __future__ import annotations

from pipeline.domain.column_names import ColumnNames

HEADER_LABELS = {
    "projectnumber": "project_number",
    "jobnumber": "project_number",
    "projectname": "project_name",
    "preparedby": "prepared_by",
    "budgettotal": "budget_total",
}
# The names each column is read under, a field's first name winning when two columns name
# it (``column_names.ColumnNames.read``): "Unit" is the unit of measure and "Units" the
# quantity; "Total", "Extended" and "Budget" are the amount after "Amount"; "Type" is the
# cost type only where no Cost Type or Category column is there. A company's own names in
# rules/validation.toml come before these; ``budget-erp check --columns`` prints them all.
COLUMN_SPELLINGS = (
    ("Sub Job", "sub_job"),
    ("Cost Code", "cost_code"),
    ("Phase Code", "cost_code"),
    ("Phase", "cost_code"),
    ("Code", "cost_code"),
    ("Cost Type", "cost_type"),
    ("Category", "cost_type"),
    ("Cost Category", "cost_type"),
    ("Type", "cost_type"),
    ("Description", "description"),
    ("Desc", "description"),
    ("Unit Qty", "unit_qty"),
    ("Quantity", "unit_qty"),
    ("Qty", "unit_qty"),
    ("Units", "unit_qty"),
    ("UOM", "uom"),
    ("U/M", "uom"),
    ("Unit of Measure", "uom"),
    ("Unit", "uom"),
    ("Unit Cost", "unit_cost"),
    ("Unit Price", "unit_cost"),
    ("Unit Rate", "unit_cost"),
    ("Rate", "unit_cost"),
    ("Original Budget Amount", "amount"),
    ("Original Budget", "amount"),
    ("Original Amount", "amount"),
    ("Budget Amount", "amount"),
    ("Amount", "amount"),
    ("Amt", "amount"),
    ("Extended Amount", "amount"),
    ("Extended Cost", "amount"),
    ("Extended Price", "amount"),
    ("Extended", "amount"),
    ("Ext. Amount", "amount"),
    ("Ext. Cost", "amount"),
    ("Ext.", "amount"),
    ("Total Cost", "amount"),
    ("Total Price", "amount"),
    ("Total", "amount"),
    ("Budget", "amount"),
)
COLUMN_NAMES = ColumnNames.of(COLUMN_SPELLINGS)
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
