"""Type into a workbook in a real LibreOffice Calc, through its Python UNO bridge, and save it.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_edit.py FILE SHEET!CELL=VALUE ...
Each VALUE is typed as a person would type it into the cell: text starting with "=" is a
formula (English function names, "," between arguments, as Excel writes them), a number is a
number, anything else is text; a value starting with "'" is read as Calc reads its input
line, the apostrophe keeping what follows as text (``'1.234``: the text 1.234, not a number).
Then File > Save (``doc.store()``: the file's own format, .xlsx) and quit; what the workbook
shows afterwards is what LibreOffice calculated.
"""

from __future__ import annotations

import sys
from typing import Any

# Run as a script: its neighbour is imported by file name, not as tests.e2e.libreoffice_session.
from libreoffice_session import opened  # type: ignore[import-not-found]


def type_into(cell: Any, value: str) -> None:  # Any: a UNO cell, untyped
    if value.startswith("'"):
        cell.setFormula(value)  # read as Calc reads the input line: ' makes the rest text
        return
    if value.startswith("="):
        # The API reads formulas in its own grammar, with ";" between arguments.
        cell.setFormula(value.replace(",", ";"))
        return
    try:
        cell.setValue(float(value))
    except ValueError:
        cell.setString(value)


def main(path: str, *edits: str) -> None:
    with opened(path) as doc:
        for edit in edits:
            where, value = edit.split("=", 1)
            sheet, ref = where.split("!", 1)
            type_into(doc.Sheets.getByName(sheet).getCellRangeByName(ref), value)
        doc.store()


if __name__ == "__main__":
    main(*sys.argv[1:])
