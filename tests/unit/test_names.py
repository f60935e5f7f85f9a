"""File names of ERP change files and the references an ERP's change log asks for."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.names import change_reference, export_file


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
