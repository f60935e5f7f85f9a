"""Open a workbook in a real LibreOffice Calc, type into it, and save it as another .xlsx file
(File > Save As, *Excel 2007-365*), through the Python UNO bridge; the original is untouched.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_save_as.py SOURCE TARGET SHEET!CELL=VALUE ...
Values are typed as ``libreoffice_edit`` types them.
"""

from __future__ import annotations

import os
import sys

import uno

# Run as a script: its neighbours are imported by file name, not as tests.e2e.<module>.
from libreoffice_edit import type_into  # type: ignore[import-not-found]
from libreoffice_session import opened, prop  # type: ignore[import-not-found]

EXCEL = "Calc MS Excel 2007 XML"  # LibreOffice's filter for "Excel 2007-365 (.xlsx)"


def main(source: str, target: str, *edits: str) -> None:
    with opened(source) as doc:
        for edit in edits:
            where, value = edit.split("=", 1)
            sheet, ref = where.split("!", 1)
            type_into(doc.Sheets.getByName(sheet).getCellRangeByName(ref), value)
        url = uno.systemPathToFileUrl(os.path.abspath(target))
        doc.storeAsURL(url, (prop("FilterName", EXCEL), prop("Overwrite", True)))


if __name__ == "__main__":
    main(*sys.argv[1:])
