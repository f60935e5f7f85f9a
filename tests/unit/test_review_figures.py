"""The fingerprint of a review workbook's figures: the canonical form of a cell (a save that
rewrites a number in another form changes nothing; another figure does), the cells left to
the approver, rows in any order, and the sentence that names a changed cell."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.layouts.review import LINE_HEADERS
from pipeline.adapters.layouts.review_figures import SheetDigest, cell_text, decision_cell
from pipeline.domain.review_figures import (
    FigureChange,
    FigureComparison,
    ReviewFigures,
    SheetFigures,
)

DECISION_CELLS = {"Decision": "Review!B14", "Reason": "Review!B15", "Approver": "Review!B16"}
NOTE = LINE_HEADERS.index("Line Note")


def _digest(sheet: str, rows: Sequence[Sequence[object]]) -> SheetFigures:
    digest = SheetDigest(sheet, DECISION_CELLS)
    digest.add_rows(rows)
    return digest.figures()


def test_a_number_saved_in_another_form_is_the_same_figure() -> None:
    assert cell_text(100000) == cell_text(1e5) == cell_text(100000.0) == "100000"
    assert cell_text(-0.0) == cell_text(0) == "0"
    assert cell_text(95000.5) == cell_text(95000.50000000001)  # past what a save keeps
    assert cell_text(None) == cell_text("") == ""


def test_another_figure_is_another_cell() -> None:
    assert cell_text(95000.5) != cell_text(9500.05)
    assert cell_text(95000.5) != cell_text(95000.51)
    assert cell_text(12) != cell_text("12 ")


def test_a_defined_names_formula_is_its_cell() -> None:
    assert decision_cell("=Review!$B$14") == "Review!B14"
    assert decision_cell("'Earlier Reasons'!$C$4") == "Earlier Reasons!C4"
    assert decision_cell("Review!$B$14:$B$15") == ""


def test_the_cells_the_approver_fills_are_left_out() -> None:
    above = [["Decision"], ["x"]] + [[""] for _ in range(12)]
    review = [*above, ["Decision", "Accept"]]
    blank = [*above, ["Decision", ""]]
    lines: list[list[object]] = [
        list(LINE_HEADERS),
        ["2", "", "03-300", "M", "Concrete", "", "", 95000.5],
    ]
    noted: list[list[object]] = [list(LINE_HEADERS), [*lines[1], "", "", "Reject", "too much"]]

    assert _digest("Review", review) == _digest("Review", blank)
    assert _digest("Lines", noted) == _digest("Lines", lines)
    # The header row of Line Note is a text the approver reads, not a cell they fill.
    renamed: list[list[object]] = [list(LINE_HEADERS), lines[1]]
    renamed[0][NOTE] = "Notes"
    assert _digest("Lines", renamed) != _digest("Lines", lines)
    # On another sheet, the same columns are figures.
    assert _digest("Summary", noted) != _digest("Summary", lines)


def test_how_far_down_a_sheet_was_written_is_recorded() -> None:
    assert _digest("Lines", [["a"], [""], ["b"], [""]]).rows == 3


rows_of_figures = st.lists(
    st.lists(
        st.one_of(
            st.text(max_size=8),
            st.floats(allow_nan=False, allow_infinity=False),
            st.integers(-(10**12), 10**12),
        ),
        min_size=1,
        max_size=6,
    ),
    min_size=1,
    max_size=12,
)


@given(rows_of_figures, st.randoms(use_true_random=False))
def test_the_rows_in_any_order_are_the_same_figures(
    rows: list[list[object]], order: object
) -> None:
    shuffled = list(rows)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    assert _digest("Lines", rows).digest == _digest("Lines", shuffled).digest


@given(rows_of_figures, st.data())
def test_any_figure_changed_changes_the_fingerprint(
    rows: list[list[object]], data: st.DataObject
) -> None:
    row = data.draw(st.integers(0, len(rows) - 1))
    column = data.draw(st.integers(0, len(rows[row]) - 1))
    before = cell_text(rows[row][column])
    new = data.draw(st.floats(allow_nan=False, allow_infinity=False).map(cell_text))
    if new == before:
        return
    changed = [list(r) for r in rows]
    changed[row][column] = new
    # The fingerprint is of rows as a whole: the same row elsewhere is no change.
    if sorted(map(repr, _texts(changed))) == sorted(map(repr, _texts(rows))):
        return
    assert _digest("Summary", changed).digest != _digest("Summary", rows).digest


def _texts(rows: list[list[object]]) -> list[list[str]]:
    digest = SheetDigest("Summary", DECISION_CELLS)
    return [t for i, r in enumerate(rows) if (t := digest.texts(i, r))]


def test_a_changed_cell_is_named_with_what_it_read_and_reads() -> None:
    change = FigureChange("Lines", "H12", 95000.5, 9500.05)
    assert str(change) == (
        "Lines!H12 was 95,000.50 when this review was issued and reads 9,500.05 now"
    )
    assert str(FigureChange("Earlier Reasons", "C4", "over budget", "")) == (
        "'Earlier Reasons'!C4 was 'over budget' when this review was issued and is blank now"
    )
    assert str(FigureChange("Summary", "B3", "", 12.0)) == (
        "Summary!B3 was blank when this review was issued and reads 12 now"
    )
    assert "\n" not in str(FigureChange("Lines", "E2", "Concrete", "Concrete\nplus"))


def test_beyond_the_cells_named_the_rest_are_counted() -> None:
    changes = tuple(FigureChange("Lines", f"H{row}", 10.0, 1.0) for row in range(2, 14))
    found = FigureComparison(changes[:10], 4321).sentences()
    assert len(found) == 11
    assert found[-1] == "and 4,311 more cell(s) differ (4,321 in all)"


def test_what_differs_beyond_cells() -> None:
    issued = ReviewFigures(
        {"Review": SheetFigures("a", 20), "Lines": SheetFigures("b", 3)}, DECISION_CELLS
    )
    same = ReviewFigures(
        {"Review": SheetFigures("a", 21), "Lines": SheetFigures("b", 3)}, DECISION_CELLS
    )
    other = ReviewFigures(
        {
            "Review": SheetFigures("a", 20),
            "Lines": SheetFigures("c", 3),
            "Mine": SheetFigures("", 0),
        },
        {**DECISION_CELLS, "Decision": "Review!B20"},
        ("Lines!H2",),
    )

    assert not issued.differences(same)
    found = issued.differences(other)
    assert found.changed_sheets == ("Lines",)
    assert "the sheet 'Mine' was not in the review issued" in found.notes
    assert any("Decision points at Review!B20" in note for note in found.notes)
    assert any(note.startswith("Lines!H2 holds a formula") for note in found.notes)
