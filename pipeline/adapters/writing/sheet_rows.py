"""Stream a big sheet's rows as XML into an .xlsx that xlsxwriter wrote with the sheet empty.

xlsxwriter's per-cell API is most of the cost of a large review workbook; writing the rows
as text is several times faster. Everything else (styles, validation, protection) stays
xlsxwriter's: this only fills ``<sheetData>`` and fixes ``<dimension>``.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import IO

from pipeline.adapters.files.temp_files import temp_path
from pipeline.domain.text import clean_text

# What XML cannot hold and clean_text keeps: two code points that are no characters at all.
_NOT_CHARACTERS = re.compile("[\ufffe\uffff]")
_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})
_ESCAPED_CHARACTER = re.compile("(_x[0-9A-Fa-f]{4}_)")

Cell = str | float | int | None


def column_letters(count: int) -> list[str]:
    """A, B, ... for the first ``count`` columns."""
    letters = []
    for index in range(count):
        name, n = "", index + 1
        while n:
            n, rem = divmod(n - 1, 26)
            name = chr(65 + rem) + name
        letters.append(name)
    return letters


def row_xml(
    number: int, cells: Sequence[Cell], styles: Sequence[int], letters: Sequence[str]
) -> str:
    """One ``<row>``: numbers as values, text as inline strings (never formulas)."""
    n = str(number)
    parts = ['<row r="', n, '">']
    for value, style, letter in zip(cells, styles, letters, strict=False):
        s = f' s="{style}"' if style else ""
        if value is None or value == "":
            if style:  # an empty cell that still carries its row's highlight
                parts += ('<c r="', letter, n, '"', s, "/>")
            continue
        if isinstance(value, str):
            text = xml_text(value)
            space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
            parts += ('<c r="', letter, n, '"', s, ' t="inlineStr"><is><t', space, ">")
            parts += (text, "</t></is></c>")
        else:
            parts += ('<c r="', letter, n, '"', s, "><v>", repr(value), "</v></c>")
    parts.append("</row>")
    return "".join(parts)


def xml_text(value: str) -> str:
    """``value`` as a cell's XML text: what the cell is to show (``sheet_text``) with ``&``,
    ``<`` and ``>`` escaped, and ``_xHHHH_`` kept from reading as an escaped character
    (Excel, LibreOffice and calamine read ``_x0041_`` in a cell's text as ``A``), as
    xlsxwriter keeps it: ``_x005F_x0041_``."""
    value = sheet_text(value)
    if "&" in value or "<" in value or ">" in value:
        value = value.translate(_ESCAPES)
    if "_x" in value:
        value = _ESCAPED_CHARACTER.sub(r"_x005F\1", value)
    return value


def sheet_text(value: str) -> str:
    """What a text cell shows: ``value`` cleaned as every text we show is (``clean_text``:
    nothing hidden, on one line), without what XML cannot hold. Most texts need none of
    it, and are found so without a regular expression (it runs for every text cell of a
    200,000-line sheet)."""
    if not value.isprintable():  # printable text holds nothing to clean, nor U+FFFE/U+FFFF
        value = _NOT_CHARACTERS.sub("", clean_text(value))
    return value


def splice_rows(
    workbook: Path,
    sheet_index: int,
    rows: Iterable[str],
    last_ref: str,
    written: IO[bytes] | None = None,
) -> None:
    """Put ``rows`` at the end of ``<sheetData>`` of the ``sheet_index``-th sheet (1-based).

    ``written``: the package xlsxwriter wrote in memory, copied into ``workbook`` with the
    rows in one go; else the package in ``workbook`` itself is rewritten (through a
    temporary file of its folder)."""
    if written is not None:
        _copy_with_rows(written, workbook, sheet_index, rows, last_ref)
        return
    temp = temp_path(workbook.parent)  # named by its writer, so a crash's leftover is swept
    try:
        _copy_with_rows(workbook, temp, sheet_index, rows, last_ref)
        os.replace(temp, workbook)
    finally:
        temp.unlink(missing_ok=True)


def _copy_with_rows(
    source: Path | IO[bytes], target: Path, sheet_index: int, rows: Iterable[str], last_ref: str
) -> None:
    member = f"xl/worksheets/sheet{sheet_index}.xml"
    with (
        zipfile.ZipFile(source) as package,
        zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as copy,
    ):
        for item in package.infolist():
            data = package.read(item)
            if item.filename != member:
                copy.writestr(item, data)
                continue
            head, _, tail = data.decode("utf-8").partition("</sheetData>")
            head = re.sub(
                r'<dimension ref="[^"]*"/>', f'<dimension ref="A1:{last_ref}"/>', head, count=1
            )
            with copy.open(item.filename, "w") as handle:
                handle.write(head.encode("utf-8"))
                batch: list[str] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 2000:
                        handle.write("".join(batch).encode("utf-8"))
                        batch.clear()
                handle.write("".join(batch).encode("utf-8"))
                handle.write(("</sheetData>" + tail).encode("utf-8"))
