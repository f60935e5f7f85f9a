"""The version mark a workbook we hand out carries, read back whatever the Project Number;
and when a workbook's mark says it was built from a version older than the one in force."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.budget import BudgetLine
from pipeline.domain.changes import diff_lines
from pipeline.domain.version_mark import VersionMark, built_from_older, parse_mark, put_back


@given(st.text(min_size=1, max_size=100).map(str.strip).filter(bool), st.integers(1, 10**9 - 1))
def test_a_mark_reads_back_as_written(project: str, version: int) -> None:
    mark = VersionMark(project, version)
    assert parse_mark(str(mark)) == mark


@pytest.mark.parametrize(
    "text",
    ["", "   ", "P-1001", "P-1001 v", "P-1001 v0", "P-1001 v03", "P-1001 v3.1", "v3", "x" * 500],
)
def test_anything_else_is_no_mark(text: str) -> None:
    assert parse_mark(text) is None


def test_a_mark_is_read_as_written_by_a_spreadsheet_that_pads_it() -> None:
    assert parse_mark("  P-1001 v12 ") == VersionMark("P-1001", 12)


@pytest.mark.parametrize(
    ("mark", "older"),
    [
        (VersionMark("P-1001", 1), True),
        (VersionMark("p-1001", 2), True),  # the same budget, as Project Numbers compare
        (VersionMark("P-1001", 3), False),  # the version in force itself
        (VersionMark("P-1001", 4), False),  # a later one (a change rejected, handed back)
        (VersionMark("P-1002", 1), False),  # another budget's workbook, copied to start this
        (None, False),
    ],
)
def test_only_an_older_version_of_the_same_budget_is_older(
    mark: VersionMark | None, older: bool
) -> None:
    assert (built_from_older(mark, "P-1001", 3) is not None) == older


def _line(code: str, amount: str) -> BudgetLine:
    return BudgetLine(
        row=7, sub_job="", cost_code=code, cost_type="L", description=code, amount=Decimal(amount)
    )


def test_what_a_workbook_from_an_older_version_puts_back_is_named() -> None:
    built_from = [_line("01-100", "100.00"), _line("02-200", "200.00"), _line("03-300", "300")]
    in_force = [_line("01-100", "150.00"), _line("02-200", "200.00"), _line("04-400", "400")]
    dropped = [_line("01-100", "100.00"), _line("02-200", "250.00"), _line("03-300", "300")]

    changes = diff_lines(in_force, dropped)
    back = put_back(changes, built_from)

    # 01-100 goes back to its old amount, 04-400 (added since) goes, 03-300 (removed since)
    # comes back; 02-200 is this change's own.
    assert [str(key) for key in back] == ["01-100 / L", "03-300 / L", "04-400 / L"]
