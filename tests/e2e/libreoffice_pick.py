"""Pick from a cell's dropdown in a real LibreOffice Calc, through its Python UNO bridge, as
an admin does, then save the workbook.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_pick.py FILE SHEET!CELL=VALUE ...
A VALUE ``?03-300`` picks, from the list Calc shows in that cell's dropdown (its validity
list, as Calc reads it from the workbook), the one entry for the code 03-300 ("03-300 \u2013
Concrete"); it fails if the cell has no dropdown or the dropdown no such entry. Any other
VALUE is typed as libreoffice_edit types it. Then File > Save and quit.
"""

from __future__ import annotations

import sys
from typing import Any

# Run as scripts: the neighbours are imported by file name, not as tests.e2e.*.
from libreoffice_edit import type_into  # type: ignore[import-not-found]
from libreoffice_session import opened  # type: ignore[import-not-found]

SEPARATOR = " \u2013 "


def dropdown(doc: Any, cell: Any) -> list[str]:
    """The entries of the cell's dropdown, read from the range its validity names."""
    validity = cell.getPropertyValue("Validation")
    if validity.Type.value != "LIST":
        raise SystemExit(f"{cell.AbsoluteName}: no dropdown")
    source = validity.getFormula1()  # $'ERP Lists'.$A$2:$A$7, in Calc's own grammar
    sheet_name, _, cells = source.lstrip("$").rpartition(".")
    listing = doc.Sheets.getByName(sheet_name.strip("'"))
    return [str(row[0]) for row in listing.getCellRangeByName(cells).getDataArray()]


def pick(doc: Any, cell: Any, code: str) -> None:
    entries = [e for e in dropdown(doc, cell) if e == code or e.startswith(code + SEPARATOR)]
    if len(entries) != 1:
        raise SystemExit(f"{cell.AbsoluteName}: the dropdown has {entries} for {code}")
    cell.setString(entries[0])


def main(path: str, *edits: str) -> None:
    with opened(path) as doc:
        for edit in edits:
            where, value = edit.split("=", 1)
            sheet, ref = where.split("!", 1)
            cell = doc.Sheets.getByName(sheet).getCellRangeByName(ref)
            if value.startswith("?"):
                pick(doc, cell, value[1:])
            else:
                type_into(cell, value)
        doc.store()


if __name__ == "__main__":
    main(*sys.argv[1:])
