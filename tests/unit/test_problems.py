"""Workbook problems: Excel cell references and how a problem reads."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from openpyxl.utils import get_column_letter

from pipeline.domain.problems import Problem, Severity, cell_ref, errors


@given(st.integers(1, 1_048_576), st.integers(0, 16_383))
def test_cell_ref_matches_openpyxl(row: int, col: int) -> None:
    assert cell_ref(row, col) == f"{get_column_letter(col + 1)}{row}"


def test_cell_ref_edges() -> None:
    assert [cell_ref(1, c) for c in (0, 25, 26, 701, 702)] == ["A1", "Z1", "AA1", "ZZ1", "AAA1"]


def test_str_names_where_value_and_rule() -> None:
    problem = Problem(
        rule="amount.not_numeric",
        message="Amount is not a number",
        sheet="Budget",
        cell="E14",
        column="Amount",
        value="abc",
        hint="Type the amount as a number",
    )
    text = str(problem)
    assert problem.where == "Budget!E14"
    assert text.startswith("Budget!E14: Amount is not a number")
    assert "(found 'abc')" in text
    assert text.endswith(" [amount.not_numeric]")


def test_where_falls_back_to_sheet_or_nothing() -> None:
    assert Problem(rule="budget.empty", message="no lines", sheet="Budget").where == "Budget"
    assert str(Problem(rule="x.y", message="bad")) == "bad [x.y]"


def test_errors_keeps_only_errors() -> None:
    error, warning = (
        Problem(rule="a", message="a"),
        Problem(rule="b", message="b", severity=Severity.WARNING),
    )
    assert errors([warning, error, warning]) == [error]
