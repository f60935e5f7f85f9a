"""Budget workbooks in the contract's layout, written with openpyxl, and the default lines."""

from __future__ import annotations

import zipfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import openpyxl

ADMIN = "Ada Admin"

# Any, as openpyxl's own cell values: tests put text, numbers, formulas and None in cells.
Line = tuple[Any, ...]  # (sub job, cost code, cost type, description, amount[, qty, UOM, cost])
DEFAULT_LINES: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000),
    ("", "03-300", "M", "Concrete", 45000.5),
    ("", "03-300", "L", "Concrete labour", 30000),
    ("", "09-900", "S", "Painting subcontract", 8000),
]
HEADERS = ("Sub Job", "Cost Code", "Cost Type", "Description", "Original Budget Amount")
# The same with the optional quantity, unit of measure and unit cost columns.
UNIT_HEADERS = (*HEADERS, "Unit Qty", "UOM", "Unit Cost")
AUTO = "auto"  # ``total=AUTO``: the sum of the lines' numeric amounts
# The ``workbook_factory`` fixture: ``make_workbook``'s keywords, a file name, into tmp_path.
WorkbookFactory = Callable[..., Path]


def make_workbook(
    path: Path,
    *,
    project: str = "P-1001",
    lines: Sequence[Line] = DEFAULT_LINES,
    prepared_by: str | None = ADMIN,
    project_name: str = "Riverside Clinic",
    total: Any = AUTO,
    sheet: str = "Budget",
    headers: Sequence[str] = HEADERS,
    extra_rows: Sequence[Sequence[Any]] = (),
) -> Path:
    """Write a budget workbook in the contract's layout; ``total=None`` leaves the total out."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["Budget"])
    ws.append(["Project Number", project])
    ws.append(["Project Name", project_name])
    if prepared_by is not None:
        ws.append(["Prepared By", prepared_by])
    if total == AUTO:
        total = round(sum(float(line[4]) for line in lines if _is_number(line[4])), 2)
    if total is not None:
        ws.append(["Budget Total", total])
    ws.append([])
    ws.append(list(headers))
    for line in lines:
        ws.append(list(line))
    for row in extra_rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def xlsx_escaped(path: Path, characters: Mapping[str, str]) -> Path:
    """Replace each placeholder in the workbook's strings with its character written as
    ``_xHHHH_``, the escape the xlsx format (and Excel) uses for a character XML cannot hold,
    such as NUL or ESC: openpyxl refuses to write one."""
    with zipfile.ZipFile(path) as package:
        parts = {info: package.read(info) for info in package.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for info, data in parts.items():
            if info.filename.startswith("xl/worksheets/") or info.filename.endswith("Strings.xml"):
                for placeholder, character in characters.items():
                    data = data.replace(placeholder.encode(), f"_x{ord(character):04X}_".encode())
            package.writestr(info, data)
    with zipfile.ZipFile(path) as package:
        text = b"".join(package.read(name) for name in package.namelist())
    assert all(f"_x{ord(c):04X}_".encode() in text for c in characters.values())
    return path


def _is_number(value: object) -> bool:
    return isinstance(value, int | float)
