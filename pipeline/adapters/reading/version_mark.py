"""Read the version mark of a workbook: the one we wrote into the budget in force or a
workbook handed back, kept by every save of it and of its copies."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.layouts.version_mark import VERSION_PROPERTY
from pipeline.adapters.reading.xlsx_parts import custom_property


def read_version_mark(path: Path) -> str:
    """The mark's text, or "" when the workbook has none or cannot be read: a damaged file
    has no mark, and whoever reads it learns that elsewhere."""
    try:
        return custom_property(path, VERSION_PROPERTY)
    except Exception:  # zipfile and defusedxml raise several types for damaged files
        return ""
