"""The Lines sheet's rows as XML: text cleaned and escaped as the definition says, whatever
the text, and each row well-formed with its values as written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.writing.sheet_rows import column_letters, row_xml, xml_text

ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


@given(st.text())
def test_xml_text_drops_what_xml_cannot_hold_and_escapes_markup(text: str) -> None:
    expected = ILLEGAL.sub("", text).replace("&", "&amp;").replace("<", "&lt;")
    assert xml_text(text) == expected.replace(">", "&gt;")


cell = st.one_of(
    st.none(),
    st.text(),
    st.floats(allow_nan=False, allow_infinity=False),
    st.integers(-(10**12), 10**12),
)


@given(st.lists(cell, min_size=1, max_size=12), st.integers(2, 1_048_576), st.data())
def test_a_row_is_well_formed_and_holds_its_values(
    cells: list[str | float | int | None], number: int, data: st.DataObject
) -> None:
    styles = data.draw(st.lists(st.integers(0, 9), min_size=len(cells), max_size=len(cells)))
    letters = column_letters(len(cells))
    xml = row_xml(number, cells, styles, letters)

    row = ET.fromstring(xml.replace("<row ", f'<row xmlns="{NS[1:-1]}" ', 1))
    assert row.get("r") == str(number)
    found = {c.get("r"): c for c in row}
    for value, style, letter in zip(cells, styles, letters, strict=True):
        element = found.get(f"{letter}{number}")
        if value is None or value == "":
            assert (element is not None) == bool(style)
            continue
        assert element is not None and element.get("s", "0") == str(style)
        if isinstance(value, str):
            shown = element.findtext(f"{NS}is/{NS}t")
            expected = ILLEGAL.sub("", value).replace("\r\n", "\n").replace("\r", "\n")
            assert (shown or "") == expected
        else:
            assert float(element.findtext(f"{NS}v") or "nan") == float(value)
