"""Budget workbooks with one value at the far corner of the sheet (XFD1048576), its position
spelled in each of the ways a hand-made or rewritten package can spell it."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import python_calamine

from tests.support.workbooks import make_workbook

FAR = "XFD1048576"
SHEET = "xl/worksheets/sheet1.xml"
WRITTEN = b'<c r="XFD1048576" t="inlineStr">'  # as openpyxl writes it
SPELLINGS = {
    "double quotes": WRITTEN,
    "single quotes": b"<c r='XFD1048576' t=\"inlineStr\">",
    "r after t": b'<c t="inlineStr" r="XFD1048576">',
}


def far_cell_workbook(path: Path, spelling: str, project: str = "P-FAR") -> Path:
    """A valid budget, plus "x" at XFD1048576 on its Budget sheet, spelled as ``spelling``."""
    plain = make_workbook(path.with_suffix(".plain.xlsx"), project=project)
    book = openpyxl.load_workbook(plain)
    book["Budget"][FAR] = "x"
    book.save(plain)
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == SHEET:
                assert WRITTEN in data
                data = data.replace(WRITTEN, SPELLINGS[spelling])
            target.writestr(item, data)
    plain.unlink()
    return path


def lay_out_unchecked(path: Path) -> int:
    """In a parse worker: lay the Budget sheet out as calamine does, with no scan before."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return len(book.get_sheet_by_name("Budget").to_python(skip_empty_area=False))
