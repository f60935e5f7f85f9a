"""File names of ERP change files and the references an ERP's change log asks for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.names import change_reference, current_file, export_file, project_stem


def test_a_change_file_says_what_it_is_where_the_layout_cannot() -> None:
    assert export_file("P-1001", 3, 1, False, "txt") == "P-1001_v3_001.txt"
    assert export_file("P-1001", 3, 1, True, "csv") == "P-1001_v3_001_change.csv"
    assert (
        export_file("P-1001", 3, 2, True, "txt", "approved-estimate-change")
        == "changes/P-1001_v3_002_approved-estimate-change.txt"
    )


def test_a_change_reference_reads_as_version_and_file() -> None:
    assert change_reference(3, 1, 8) == "V003S001"
    assert change_reference(12, 2, 10) == "V00012S002"


@given(
    st.tuples(st.integers(1, 46655), st.integers(1, 46655)),
    st.tuples(st.integers(1, 46655), st.integers(1, 46655)),
)
def test_change_references_always_fit_and_never_repeat(
    first: tuple[int, int], second: tuple[int, int]
) -> None:
    one, two = change_reference(*first, 8), change_reference(*second, 8)
    assert len(one) == len(two) == 8 and one.isalnum() and two.isalnum()
    assert (one == two) == (first == second)


def test_the_budget_in_force_is_one_workbook_per_project_named_like_its_others() -> None:
    assert current_file("P-1001") == "P-1001_current.xlsx"
    # A number no file name can hold keeps the stem its other files have (hashed).
    assert current_file("J/100") == f"{project_stem('J/100')}_current.xlsx"
    assert current_file("J/100") != current_file("J_100")
