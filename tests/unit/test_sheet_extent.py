"""Where a sheet's cells reach, read from its XML as calamine reads it: every spelling of a
cell's position, and cells without one."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.adapters.reading.sheet_extent import (
    Position,
    first_cell_outside,
    oversized_grid,
    positions,
)

HEAD = (
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    b'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheetData>'
)
TAIL = b"</sheetData></worksheet>"
SPELLINGS = {
    "double quotes": b'<c r="{ref}" t="inlineStr"><is><t>x</t></is></c>',
    "single quotes": b"<c r='{ref}' t=\"inlineStr\"><is><t>x</t></is></c>",
    "r after t": b'<c t="inlineStr" s="1" r="{ref}"><is><t>x</t></is></c>',
    "spaced": b'<c\tr = "{ref}"/>',
    "lower case": b"<c r='{lower}'><v>1</v></c>",
    "prefixed": b'<x:c r="{ref}"><x:v>1</x:v></x:c>',
}


def _sheet(*cells: bytes) -> bytes:
    return HEAD + b"".join(cells) + TAIL


def _cell(spelling: str, ref: str) -> bytes:
    return (
        SPELLINGS[spelling]
        .replace(b"{ref}", ref.encode())
        .replace(b"{lower}", ref.lower().encode())
    )


def test_every_spelling_of_a_position_is_read() -> None:
    for spelling in SPELLINGS:
        xml = _sheet(b'<row r="1048576">', _cell(spelling, "XFD1048576"), b"</row>")
        assert list(positions(xml)) == [Position(1048576, 16384)], spelling
        assert first_cell_outside(xml, 100, 26) == "XFD1048576", spelling
        grid = oversized_grid(xml, 10**6)
        assert grid is not None and grid.farthest.ref == "XFD1048576", spelling
        assert grid.cells == 1048576 * 16384


def test_a_cell_without_r_sits_right_of_the_one_before_in_its_row() -> None:
    xml = _sheet(b'<row r="7"><c r="B7"/><c/><c t="s"><v>0</v></c></row><row><c/></row>')
    assert [p.ref for p in positions(xml)] == ["B7", "C7", "D7", "A8"]


def test_cells_without_r_in_a_far_row_make_a_grid_too_big() -> None:
    xml = _sheet(b'<row r="1000000">', b"<c/>" * 50, b"</row>")
    grid = oversized_grid(xml, 45_000_000)
    assert grid is not None and grid.farthest == Position(1000000, 46)


def test_an_ordinary_sheet_is_refused_only_past_the_limit() -> None:
    rows = b"".join(
        f'<row r="{n}"><c r="A{n}"><v>1</v></c><c r="Z{n}"><v>2</v></c></row>'.encode()
        for n in range(1, 50)
    )
    assert oversized_grid(_sheet(rows), 26 * 49) is None
    over = oversized_grid(_sheet(rows), 26 * 49 - 1)
    assert over is not None and over.farthest.ref == "A49"  # row 49 takes it over
    assert first_cell_outside(_sheet(rows), 49, 26) == ""


@settings(max_examples=200)
@given(
    st.lists(
        st.tuples(
            st.integers(1, 1_048_576), st.integers(1, 16_384), st.sampled_from(list(SPELLINGS))
        ),
        min_size=1,
        max_size=6,
    ),
    st.integers(1, 2**35),
)
def test_the_grid_is_refused_exactly_when_it_is_over_the_limit(
    cells: list[tuple[int, int, str]], max_cells: int
) -> None:
    xml = _sheet(*(_cell(s, Position(row, column).ref) for row, column, s in cells))
    rows = max(row for row, _, _ in cells)
    columns = max(column for _, column, _ in cells)
    assert [(p.row, p.column) for p in positions(xml)] == [(r, c) for r, c, _ in cells]
    assert (oversized_grid(xml, max_cells) is not None) == (rows * columns > max_cells)
