"""Read an admin's budget workbook into raw header values and line cells (python-calamine).

The contract: the sheet "Budget" or "Budget Line Items", else the first; a header block of
label/value pairs; then a line table whose header row names Cost Code, Cost Type, Amount,
under any of the names ``budget_table`` reads them by.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import python_calamine

from pipeline.adapters.layouts import rejection_reasons
from pipeline.adapters.layouts.budget import COLUMN_NAMES, HEADER_LABELS, PREFERRED_SHEETS
from pipeline.adapters.reading.budget_table import NotALine, Row, find_table, line_rows
from pipeline.adapters.reading.sheet_extent import BYTES_PER_CELL, oversized_grid
from pipeline.adapters.reading.xlsx_parts import (
    SheetFacts,
    first_cell_outside,
    last_modified_by,
    sheet_facts,
    sheet_xml,
)
from pipeline.domain.budget import ReasonResponse
from pipeline.domain.column_names import ColumnNames, HeaderReading, label_key
from pipeline.domain.problems import cell_ref
from pipeline.errors import UnreadableWorkbook

_CLEAN = re.compile(r"(?:\S+(?: \S+)*)?")  # no outer spaces, single inner spaces
MAX_RESPONSE_ROWS = 250_000  # the Rejection Reasons sheet is read within A-Z and these rows
DEFAULT_MEMORY_MB = 2048  # [limits] parse_memory_mb's default


@dataclass(kw_only=True)
class RawBudget:
    """A budget sheet as found: header values and line cells, each with its Excel position."""

    file: str
    sheet: str
    header: dict[str, tuple[Any, str]]
    columns: dict[str, int]
    rows: list[Row]
    table: HeaderReading = field(default_factory=lambda: HeaderReading(columns={}, titles={}))
    header_row: int = 0  # the Excel row of the table's header
    not_lines: list[NotALine] = field(default_factory=list)  # headings and total rows
    last_modified_by: str = ""
    hidden_sheets: list[str] = field(default_factory=list)
    facts: SheetFacts = field(default_factory=SheetFacts)
    responses: tuple[ReasonResponse, ...] = ()

    def cell(self, row: int, column: str) -> str:
        """The A1 reference of ``column`` in Excel row ``row``."""
        return cell_ref(row, self.columns[column])


def read_budget(
    path: Path, names: ColumnNames = COLUMN_NAMES, memory_mb: int = DEFAULT_MEMORY_MB
) -> RawBudget:
    """Open ``path`` and find its header block and line table (its columns by ``names``), or
    raise UnreadableWorkbook; a budget sheet whose grid would not fit in ``memory_mb`` is
    refused before it is laid out."""
    if not zipfile.is_zipfile(path):
        raise UnreadableWorkbook(
            f"{path.name}: not an .xlsx workbook (not a zip package); "
            "save it from Excel as 'Excel Workbook (*.xlsx)'"
        )
    try:
        book = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet_name = _pick_sheet(book.sheet_names)
        # The sheet's XML is scanned (and let go) before its cells are laid out: holding
        # both was the parse worker's peak (at 200,000 lines, 226 MiB traced).
        xml = sheet_xml(path, sheet_name)
        _refuse_oversized(path.name, sheet_name, xml, memory_mb)
        facts = sheet_facts(xml)
        del xml
        cells = book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
        hidden = [m.name for m in book.sheets_metadata if str(m.visible).endswith("Hidden")]
        editor = last_modified_by(path)
        responses = _responses(path, book, sheet_name)
    except UnreadableWorkbook:
        raise
    except Exception as exc:  # calamine raises several undocumented types for damaged files
        raise UnreadableWorkbook(f"{path.name}: cannot read the workbook ({exc})") from exc
    header_index, table = find_table(cells, names, path.name, sheet_name)
    rows, not_lines = line_rows(cells, header_index, table.columns)
    return RawBudget(
        file=path.name,
        sheet=sheet_name,
        header=_header_block(cells[:header_index]),
        columns=table.columns,
        rows=rows,
        table=table,
        header_row=header_index + 1,
        not_lines=not_lines,
        last_modified_by=editor,
        hidden_sheets=hidden,
        facts=facts,
        responses=responses,
    )


def _refuse_oversized(file: str, sheet: str, xml: bytes, memory_mb: int) -> None:
    grid = oversized_grid(xml, memory_mb * 2**20 // BYTES_PER_CELL)
    if grid is not None:
        raise UnreadableWorkbook(
            f"{file}: too big: sheet {sheet!r} has something at {grid.farthest.ref}, which makes "
            f"it a grid of {grid.cells:,} cells / {grid.mib:,} MiB (limit {memory_mb:,} MiB, "
            "[limits] parse_memory_mb); clear what is far from the budget and save it again"
        )


def normalise_label(value: Any) -> str:
    """Labels match case-, space- and punctuation-insensitively, as column names do."""
    return label_key(value)


def text_of(value: Any) -> str:
    """A cell value as the text a person sees, trimmed; whole floats lose their ``.0``."""
    if value.__class__ is str and _CLEAN.fullmatch(value):
        return value  # the common case, without splitting and joining
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return " ".join(str(value).split())


def _responses(path: Path, book: Any, budget_sheet: str) -> tuple[ReasonResponse, ...]:
    """The admin's answers on the *Rejection Reasons* sheet of a workbook we handed back;
    none (and nothing read) when the workbook has no such sheet."""
    wanted = normalise_label(rejection_reasons.SHEET)
    name = next(
        (n for n in book.sheet_names if normalise_label(n) == wanted and n != budget_sheet), None
    )
    if name is None:
        return ()
    far = first_cell_outside(path, name, MAX_RESPONSE_ROWS, 26)
    if far:  # one far cell would make calamine's grid of the sheet enormous
        raise UnreadableWorkbook(
            f"{path.name}: sheet {name!r} has something at {far}, far outside the reasons "
            f"(columns A-Z, rows 1-{MAX_RESPONSE_ROWS:,}); clear it and save the workbook again"
        )
    rows = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    return rejection_reasons.read_responses(rows, text_of)


def _pick_sheet(names: list[str]) -> str:
    if not names:
        raise UnreadableWorkbook("the workbook has no sheets")
    for wanted in PREFERRED_SHEETS:
        for name in names:
            if normalise_label(name) == wanted:
                return name
    return names[0]


def _header_block(cells: list[list[Any]]) -> dict[str, tuple[Any, str]]:
    """Label/value pairs: the value is the first filled cell right of the label (a merged
    label leaves blanks between them), unless that cell is itself a label."""
    found: dict[str, tuple[Any, str]] = {}
    for index, row in enumerate(cells):
        for col, value in enumerate(row):
            name = HEADER_LABELS.get(normalise_label(value)) if isinstance(value, str) else None
            if name and name not in found:
                found[name] = _value_right_of(row, index + 1, col)
    return found


def _value_right_of(row: list[Any], excel_row: int, col: int) -> tuple[Any, str]:
    for right in range(col + 1, min(col + 4, len(row))):
        value = row[right]
        if isinstance(value, str) and normalise_label(value) in HEADER_LABELS:
            break
        if text_of(value):
            return value, cell_ref(excel_row, right)
    return "", cell_ref(excel_row, col + 1)
