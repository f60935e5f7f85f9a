"""Which budget cells the values of an ERP layout are made of, so that intake checks a value
against every field that writes it, and names the cell to fix. Pure.

A profile's fields name values (``[[records.*]] value``); the export fills the line values
from each line and these job values from the budget's header.
"""

from __future__ import annotations

from typing import Final

# The job values made of the header block: the header fields each is made of, the one a
# person would shorten first leading (a QuickBooks Customer:Job is "Name:Number").
HEADER_FIELDS: Final[dict[str, tuple[str, ...]]] = {
    "job": ("project_number",),
    "project_name": ("project_name",),
    "customer_job": ("project_name", "project_number"),
}
# The line values that are numbers, and the line column each is made of.
LINE_NUMBERS: Final[dict[str, str]] = {
    "amount": "amount",
    "negative_amount": "amount",
    "unit_qty": "unit_qty",
    "unit_cost": "unit_cost",
}


def header_values(project_number: str, project_name: str) -> dict[str, str]:
    """Each job value of ``HEADER_FIELDS`` as the ERP file gets it (before the formula
    guard): the same at intake and at export."""
    return {
        "job": project_number,
        "project_name": project_name,
        "customer_job": f"{project_name}:{project_number}" if project_name else project_number,
    }
