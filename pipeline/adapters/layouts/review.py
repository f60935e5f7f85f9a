"""The review workbook, as its writer and its reader both see it: the defined names of the
decision cells, the document property and hidden sheet that carry the issue's token, and
the Lines sheet's columns."""

from __future__ import annotations

DECISION_NAMES = ("Decision", "Reason", "Approver")
REVIEW_PROPERTY = "budget-erp review"  # the custom document property that holds the issue id
META_SHEET = "_meta"
LINES_SHEET = "Lines"
LINE_HEADERS = (
    "Row",
    "Sub Job",
    "Cost Code",
    "Cost Type",
    "Description",
    "Unit Qty",
    "UOM",
    "Unit Cost",
    "Amount",
    "Change",
    "Line Decision",
    "Line Note",
)
