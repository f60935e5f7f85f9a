"""The Lines sheet's rows as XML: text cleaned as every text we show is (``clean_text``),
without what XML cannot hold and escaped, whatever the text, and each row well-formed with
its values as written."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given
from hypothesis import strategies as st

from pipeline.adapters.writing.sheet_rows import column_letters, row_xml, xml_text
from pipeline.domain.text import clean_text

NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"


def _shown(text: str) -> str:
    """What a text cell shows: cleaned, without U+FFFE and U+FFFF."""
    return clean_text(text).replace("\ufffe", "").replace("\uffff", "")


@given(st.text())
def test_xml_text_cleans_drops_what_xml_cannot_hold_and_escapes_markup(text: str) -> None:
    written = xml_text(text)

    expected = _shown(text).replace("&", "&amp;").replace("<", "&lt;")
    assert written == expected.replace(">", "&gt;")
    assert not NOT_XML.search(written)


def test_xml_text_shows_what_the_erp_file_gets() -> None:
    assert xml_text("null\x00byte \x1b[31m\u202eevil\u200b & co") == "nullbyte [31mevil &amp; co"


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
            assert (shown or "") == _shown(value)
        else:
            assert float(element.findtext(f"{NS}v") or "nan") == float(value)
