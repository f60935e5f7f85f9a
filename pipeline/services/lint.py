"""Use case: check workbooks against the rules without sending anything (``budget-erp check``)."""

from __future__ import annotations

from pathlib import Path

from pipeline.domain.problems import Problem
from pipeline.domain.rule_catalog import hint
from pipeline.errors import UnreadableWorkbook
from pipeline.services.context import Services


def check_file(app: Services, path: Path) -> list[Problem]:
    """Every problem of one workbook; an unreadable file is one problem, not an exception."""
    try:
        return app.read_budget(path).problems
    except UnreadableWorkbook as exc:
        return [Problem("workbook.unreadable", str(exc), hint=hint("workbook.unreadable"))]
