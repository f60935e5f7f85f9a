"""Golden problem reports: each workbook in tests/golden/workbooks beside the report it must give.

Each report is made as a pass makes it (``read_and_check``: the package guard, the reader and
the rules tightened to the job's ERP layout) with the golden workspace's settings
(tests/golden/budget-erp.toml). ``pytest --update-golden`` rewrites the reports;
``python -m tests.golden.build_workbooks`` rebuilds the workbooks (some through LibreOffice).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest

from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.config import load_settings
from pipeline.domain.problems import Problem
from pipeline.errors import UnreadableWorkbook

GOLDEN = Path(__file__).parent.parent / "golden"
WORKBOOKS = sorted((GOLDEN / "workbooks").glob("*.xlsx"))
# Cases only the whole intake catches: not one of them reaches the reader's checks alone.
GUARD_AND_PROFILE_CASES = {
    "macros_in_an_xlsx",
    "part_that_expands_like_a_zip_bomb",
    "text_over_the_jobs_erp_layout",
}


def report(path: Path) -> str:
    """The problem report of one workbook, one problem a line, as the admin reads it."""
    try:
        problems = read_and_check(path, load_settings(GOLDEN)).problems
    except UnreadableWorkbook as exc:
        problems = [Problem(rule="workbook.unreadable", message=str(exc))]
    lines = [f"{problem.severity:<7} {problem}" for problem in problems]
    return "\n".join(lines or ["no problems"]) + "\n"


def test_there_are_enough_golden_workbooks() -> None:
    assert len(WORKBOOKS) >= 25
    assert all(path.with_name(path.name + ".report.txt").exists() for path in WORKBOOKS)
    assert {path.stem for path in WORKBOOKS} >= GUARD_AND_PROFILE_CASES


@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.stem)
def test_golden_report(workbook: Path, request: pytest.FixtureRequest) -> None:
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
