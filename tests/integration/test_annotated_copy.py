"""The problems copy of a refused workbook looks like the admin's file (widths, number and
date formats, fonts, fills) and tells its problems in plain words; a hostile package's
styles leave it plain, never unwritten."""

from __future__ import annotations

import datetime as dt
import difflib
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill

from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.adapters.writing.annotated_workbook import write_annotated_copy
from pipeline.config import load_settings
from pipeline.domain.problems import Problem
from tests.support.workbooks import make_workbook

GOLDEN = Path(__file__).parent.parent / "golden"
BILLION_LAUGHS = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">&lol2;</styleSheet>"""


def _admins_workbook(path: Path) -> Path:
    """A budget as an admin formats it: wide columns, money and dates, a bold Arial header
    on a blue fill; one amount typed as text, one cost code unknown."""
    make_workbook(
        path,
        lines=[
            ("", "01-100", "L", "General conditions and site office", 39504684.44),
            ("", "01-100", "M", "Site office", "lots"),
            ("", "77-700", "L", "Cranes", 1000),
        ],
        total=None,
        extra_rows=[["Prepared on", dt.datetime(2024, 3, 5)]],
    )
    book = openpyxl.load_workbook(path)
    sheet = book["Budget"]
    for letter, width in zip("ABCDE", (16, 12, 10, 44, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    for cell in sheet["E"][6:]:
        cell.number_format = "#,##0.00"
    for cell in sheet[6]:
        cell.font = Font(name="Arial", bold=True)
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
    sheet["B10"].number_format = "mm/dd/yyyy"
    book.save(path)
    return path


def _problems(path: Path) -> list[Problem]:
    return read_and_check(path, load_settings(GOLDEN)).problems


def test_the_copy_keeps_the_admins_widths_formats_fonts_and_fills(tmp_path: Path) -> None:
    source = _admins_workbook(tmp_path / "budget.xlsx")
    problems = _problems(source)
    assert {p.cell for p in problems} >= {"E8", "B9"}

    write_annotated_copy(source, problems, tmp_path / "copy.xlsx")

    sheet = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Budget"]
    widths = [sheet.column_dimensions[letter].width for letter in "ABCDE"]
    assert widths == pytest.approx([16, 12, 10, 44, 22], abs=0.02)
    total = sheet["E7"]  # 39,504,684.44, never "39504684"
    assert (total.value, total.number_format) == (39504684.44, "#,##0.00")
    assert (sheet["B10"].value, sheet["B10"].number_format) == (
        dt.datetime(2024, 3, 5),
        "mm/dd/yyyy",
    )
    header = sheet["D6"]
    assert (header.font.name, header.font.b) == ("Arial", True)
    assert header.fill.fgColor.rgb.endswith("DDEBF7")
    text_amount = sheet["E8"]  # the problem's fill over the admin's number format
    assert text_amount.value == "lots" and text_amount.number_format == "#,##0.00"
    assert text_amount.fill.fgColor.rgb.endswith("FFC7CE")
    plain = sheet["A7"]
    assert plain.font.name == "Calibri" and not plain.font.b and plain.fill.fill_type is None
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.fitToHeight == 0
    fit = sheet.sheet_properties.pageSetUpPr
    assert fit is not None and fit.fitToPage  # one page wide


def test_the_where_column_holds_the_longest_place(tmp_path: Path) -> None:
    source = make_workbook(tmp_path / "budget.xlsx", lines=[("", "01-100", "L", "A", "x")])
    problem = Problem(
        rule="amount.not_numeric", message="not a number", sheet="Original Budget", cell="A9"
    )

    write_annotated_copy(source, [problem], tmp_path / "copy.xlsx")

    sheet = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Problems"]
    assert sheet["B2"].value == "Original Budget!A9"
    assert sheet.column_dimensions["B"].width >= len("Original Budget!A9") + 1
    assert sheet.print_title_rows == "$1:$1"


def problems_text(copy: Path) -> str:
    """What a project manager reads in the copy: the Problems sheet and each cell's note."""
    book = openpyxl.load_workbook(copy)
    lines = [
        " | ".join(str(v or "") for v in row)
        for row in book["Problems"].iter_rows(values_only=True)
    ]
    for sheet in book:
        for row in sheet.iter_rows():
            lines += [f"{sheet.title}!{c.coordinate}: {c.comment.text}" for c in row if c.comment]
    return "\n".join(lines) + "\n"


def test_the_problems_are_told_in_plain_words(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = _admins_workbook(tmp_path / "budget.xlsx")
    write_annotated_copy(source, _problems(source), tmp_path / "copy.xlsx")

    actual = problems_text(tmp_path / "copy.xlsx")

    expected_path = GOLDEN / "check" / "problems_copy.txt"
    if request.config.getoption("--update-golden"):
        expected_path.write_text(actual, encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            expected_path.read_text(encoding="utf-8").splitlines(True),
            actual.splitlines(True),
            "expected",
            "actual",
        )
    )
    assert not diff, diff
    assert "rules/" not in actual and "cost_code.unknown" not in actual
    assert "Rule" not in actual.splitlines()[0].split(" | ")


def _with_parts(source: Path, target: Path, parts: dict[str, bytes]) -> Path:
    """``source`` with some of its package's parts replaced."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as package:
        for item in original.infolist():
            data = parts.get(item.filename, original.read(item))
            package.writestr(item.filename, data, zipfile.ZIP_DEFLATED)
    return target


def _hostile_sheet(data: bytes) -> bytes:
    """Columns and cell styles no one writes: a width past Excel's, columns to the billions,
    a style index far beyond the styles."""
    cols = (
        b'<cols><col min="1" max="999999999" width="1e308"/><col min="0" max="2" width="9"/>'
        b'<col min="2" max="3" width="nan" style="x"/></cols><sheetData>'
    )
    data = data.replace(b"<sheetData>", cols, 1)
    return data.replace(b'r="E8"', b'r="E8" s="99999999"', 1)


@pytest.mark.parametrize(
    "replace",
    [
        (b"", BILLION_LAUGHS),
        (b'fontId="1"', b'fontId="zz"'),
        (b'fontId="1"', b'fontId="99999999999999999999"'),
        (b'<cellXfs count="5">', b'<cellXfs count="5">' + b'<xf numFmtId="0"/>' * 5000),
    ],
    ids=["entities", "not-a-number", "far-index", "too-many-styles"],
)
def test_a_hostile_package_still_gets_its_copy_with_its_values(
    tmp_path: Path, replace: tuple[bytes, bytes]
) -> None:
    """Each a styles part calamine reads the values beside: the copy is written, whole."""
    styled = _admins_workbook(tmp_path / "budget.xlsx")
    with zipfile.ZipFile(styled) as package:
        sheet, styles = package.read("xl/worksheets/sheet1.xml"), package.read("xl/styles.xml")
    old, new = replace
    assert not old or styles.count(old) == 1  # the part really is changed
    source = _with_parts(
        styled,
        tmp_path / "hostile.xlsx",
        {
            "xl/styles.xml": styles.replace(old, new) if old else new,
            "xl/worksheets/sheet1.xml": _hostile_sheet(sheet),
        },
    )
    problems = [
        Problem(rule="amount.not_numeric", message="not a number", sheet="Budget", cell="E8")
    ]

    write_annotated_copy(source, problems, tmp_path / "copy.xlsx")

    sheet_copy = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Budget"]
    assert sheet_copy["E7"].value == 39504684.44 and sheet_copy["E8"].value == "lots"
    # No style taken from the hostile part (but the far style index, out of its range).
    assert sheet_copy["E7"].number_format in ("General", "#,##0.00")
    assert sheet_copy["E8"].fill.fgColor.rgb.endswith("FFC7CE")  # the problem still marked
    assert sheet_copy.column_dimensions["A"].width != 1e308


def test_a_styles_part_over_the_limit_is_not_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pipeline.adapters.reading import package_styles

    source = _admins_workbook(tmp_path / "budget.xlsx")
    monkeypatch.setattr(package_styles, "MAX_STYLES_BYTES", 100)

    write_annotated_copy(source, [], tmp_path / "copy.xlsx")

    sheet = openpyxl.load_workbook(tmp_path / "copy.xlsx")["Budget"]
    assert sheet["E7"].number_format == "General" and not sheet["D6"].font.b
    assert sheet.column_dimensions["D"].width == pytest.approx(44, abs=0.02)  # widths kept
