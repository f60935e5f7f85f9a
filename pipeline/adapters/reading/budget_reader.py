"""Read an admin's budget workbook into raw header values and line cells (python-calamine).

The contract: the sheet "Budget" or "Budget Line Items", else the first; a header block of
label/value pairs; then a line table whose header row names Cost Code, Cost Type, Amount.
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
from pipeline.adapters.layouts.budget import (
    COLUMN_LABELS,
    HEADER_LABELS,
    PREFERRED_SHEETS,
    REQUIRED_COLUMNS,
)
from pipeline.adapters.reading.sheet_extent import BYTES_PER_CELL, oversized_grid
from pipeline.adapters.reading.xlsx_parts import (
    SheetFacts,
    first_cell_outside,
    last_modified_by,
    sheet_facts,
    sheet_xml,
)
from pipeline.domain.budget import ReasonResponse
from pipeline.domain.problems import cell_ref
from pipeline.errors import UnreadableWorkbook

_CLEAN = re.compile(r"(?:\S+(?: \S+)*)?")  # no outer spaces, single inner spaces
_TOTAL_ROW = re.compile(r"^(grand|sub)?[\s-]*totals?\b", re.IGNORECASE)
MAX_RESPONSE_ROWS = 250_000  # the Rejection Reasons sheet is read within A-Z and these rows
DEFAULT_MEMORY_MB = 2048  # [limits] parse_memory_mb's default


@dataclass
class RawBudget:
    """A budget sheet as found: header values and line cells, each with its Excel position."""

    file: str
    sheet: str
    header: dict[str, tuple[Any, str]]
    columns: dict[str, int]
    rows: list[tuple[int, list[Any]]]
    last_modified_by: str = ""
    hidden_sheets: list[str] = field(default_factory=list)
    facts: SheetFacts = field(default_factory=SheetFacts)
    responses: tuple[ReasonResponse, ...] = ()

    def cell(self, row: int, column: str) -> str:
        """The A1 reference of ``column`` in Excel row ``row``."""
        return cell_ref(row, self.columns[column])


def read_budget(path: Path, memory_mb: int = DEFAULT_MEMORY_MB) -> RawBudget:
    """Open ``path`` and find its header block and line table, or raise UnreadableWorkbook;
    a budget sheet whose grid would not fit in ``memory_mb`` is refused before it is laid out."""
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
    header_index, columns = _find_table(cells, path.name, sheet_name)
    return RawBudget(
        file=path.name,
        sheet=sheet_name,
        header=_header_block(cells[:header_index]),
        columns=columns,
        rows=_line_rows(cells, header_index, columns),
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
    """Labels match case-, space- and punctuation-insensitively."""
    return re.sub(r"[^a-z0-9]", "", str(value).casefold())


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


def _find_table(cells: list[list[Any]], file: str, sheet: str) -> tuple[int, dict[str, int]]:
    for index, row in enumerate(cells):
        columns: dict[str, int] = {}
        for col, value in enumerate(row):
            name = COLUMN_LABELS.get(normalise_label(value))
            if name and name not in columns:
                columns[name] = col
        if all(name in columns for name in REQUIRED_COLUMNS):
            return index, columns
    raise UnreadableWorkbook(
        f"{file}, sheet {sheet!r}: no line table found: a header row needs the columns "
        "Cost Code, Cost Type and Original Budget Amount"
    )


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


def _line_rows(
    cells: list[list[Any]], header_index: int, columns: dict[str, int]
) -> list[tuple[int, list[Any]]]:
    used = sorted(columns.values())
    rows: list[tuple[int, list[Any]]] = []
    for index in range(header_index + 1, len(cells)):
        row = cells[index]
        if _has_value(row, used) and not _is_total_row(row, columns):
            rows.append((index + 1, row))
    return rows


def _has_value(row: list[Any], used: list[int]) -> bool:
    """Whether any of these cells shows something; it runs for every row."""
    width = len(row)
    return any(not _blank(row[col]) for col in used if col < width)


def _blank(value: Any) -> bool:
    """``text_of(value) == ""``, without building the text."""
    return value.__class__ is str and not value.strip()


def _is_total_row(row: list[Any], columns: dict[str, int]) -> bool:
    """A row whose label says Total or Subtotal and that names no cost type is not a line."""
    type_col = columns["cost_type"]
    if type_col < len(row) and not _blank(row[type_col]):
        return False
    label_cols = [columns.get("sub_job"), columns["cost_code"], columns.get("description")]
    labels = [row[c] for c in label_cols if c is not None and c < len(row)]
    labels.extend(row[: min(columns.values())])
    return any(isinstance(v, str) and _TOTAL_ROW.match(v.strip()) for v in labels)
