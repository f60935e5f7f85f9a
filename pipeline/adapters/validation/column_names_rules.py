"""``[column_names]`` of ``rules/validation.toml``: the company's own names for the line
table's columns, checked, and put before ours."""

from __future__ import annotations

from typing import Any

from pipeline.adapters.layouts.budget import COLUMN_NAMES
from pipeline.domain.column_names import FIELDS, IGNORE, ColumnNames, label_key


def company_column_names(entries: Any) -> ColumnNames:
    """``"Menge" = "unit_qty"``, ``"Unit" = "unit_cost"`` (another meaning for one of ours),
    ``"Notes" = "ignore"`` (neither read nor reported)."""
    if not isinstance(entries, dict):
        raise ValueError('[column_names] must be a table of "Column name" = "field"')
    own: dict[str, str] = {}
    seen: dict[str, str] = {}
    for text, name in entries.items():
        if name not in (*FIELDS, IGNORE):
            raise ValueError(
                f"[column_names] {text!r} = {name!r}: the field must be one of "
                f"{', '.join((*FIELDS, IGNORE))}"
            )
        key = label_key(text)
        if not key:
            raise ValueError(f"[column_names] {text!r}: a name needs a letter or a digit")
        if key in seen:
            raise ValueError(
                f"[column_names] {seen[key]!r} and {text!r} are one name (case, spaces and "
                "punctuation aside)"
            )
        seen[key], own[text] = text, name
    return COLUMN_NAMES.with_company(own)
