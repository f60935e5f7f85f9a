"""Row heights and column widths estimated from the text (text_fit): generous, and a row of
short texts keeps the default height."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.writing.text_fit import (
    FILL,
    LINE_POINTS,
    MAX_ROW_POINTS,
    label_width,
    lines_needed,
    row_height,
)

words = st.lists(st.text(st.sampled_from("abcdefghij,."), min_size=1, max_size=14), max_size=60)


def test_a_text_that_fits_keeps_the_default_height() -> None:
    assert row_height([("1. Pick Accept or Reject in the yellow Decision cell.", 80)]) is None


def test_a_wrapped_text_gets_a_line_per_line_and_the_tallest_cell_wins() -> None:
    reason = "over the estimate " * 10  # 180 characters in 50: about five lines
    height = row_height([(reason, 50), ("short", 14)])
    assert height is not None and height >= LINE_POINTS * lines_needed(reason, 50)
    assert lines_needed(reason, 50) >= 180 / (50 * FILL)


def test_a_line_break_starts_a_line_and_a_long_word_breaks() -> None:
    assert lines_needed("one\ntwo", 80) == 2
    assert lines_needed("x" * 100, 20) >= 100 // int(20 * FILL)


def test_a_row_shows_at_least_the_lines_asked_for_and_never_more_than_excel_allows() -> None:
    assert row_height([("", 60)], least=3) == row_height([("a\nb\nc", 60)])
    assert row_height([("word " * 5000, 10)]) == MAX_ROW_POINTS


@given(words, st.integers(4, 120))
def test_every_word_has_room_on_the_lines_counted(text: list[str], width: int) -> None:
    joined = " ".join(text)
    per_line = int(width * FILL)
    # the lines counted hold every character, and at least as many as a perfect packing needs
    assert lines_needed(joined, width) * per_line >= len(joined) - lines_needed(joined, width)


def test_a_column_is_wide_enough_for_its_labels() -> None:
    assert label_width(["Budget Total (stated)"], 10) > len("Budget Total (stated)")
    assert label_width(["Row"], 10) == 10
