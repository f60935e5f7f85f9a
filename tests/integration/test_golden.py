"""Golden problem reports: each workbook in tests/golden/workbooks beside the report it must give.

``pytest --update-golden`` rewrites the reports; ``python -m tests.golden.build_workbooks``
rebuilds the workbooks (some through LibreOffice).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import load_validation_rules
from pipeline.domain.problems import Problem
from pipeline.errors import UnreadableWorkbook

GOLDEN = Path(__file__).parent.parent / "golden"
WORKBOOKS = sorted((GOLDEN / "workbooks").glob("*.xlsx"))


def report(path: Path) -> str:
    """The problem report of one workbook, one problem a line, as the admin reads it."""
    try:
        _, problems = check_budget(read_budget(path), load_validation_rules(GOLDEN / "rules"))
    except UnreadableWorkbook as exc:
        problems = [Problem("workbook.unreadable", str(exc))]
    lines = [f"{problem.severity:<7} {problem}" for problem in problems]
    return "\n".join(lines or ["no problems"]) + "\n"


def test_there_are_enough_golden_workbooks():
    assert len(WORKBOOKS) >= 25
    assert all(path.with_name(path.name + ".report.txt").exists() for path in WORKBOOKS)


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.stem)
def test_golden_report(workbook: Path, request: pytest.FixtureRequest):
    expected_path = workbook.with_name(workbook.name + ".report.txt")
    actual = report(workbook)
    if request.config.getoption("--update-golden"):
        expected_path.write_text(actual, encoding="utf-8")
    expected = expected_path.read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(True), actual.splitlines(True), "expected", "actual"
        )
    )
    assert not diff, diff
