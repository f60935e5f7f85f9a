"""Small facts read straight from an .xlsx package: defined names and the last-modified-by property.

Parsed with defusedxml, so a hostile workbook cannot expand entities or reach out of the file.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pipeline.adapters.reading import sheet_extent

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_REF = re.compile(r"^'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def safe_xml() -> Any:
    """defusedxml's ElementTree: no entity expansion, nothing reached outside the file."""
    # Imported here, so a missing defusedxml is reported by bootstrap's check, not a traceback.
    from defusedxml import ElementTree

    return ElementTree


def defined_names(path: Path) -> dict[str, tuple[str, str]]:
    """Workbook-level defined names that point at one cell: name -> (sheet, ``B4``)."""
    with zipfile.ZipFile(path) as package:
        root = safe_xml().fromstring(package.read("xl/workbook.xml"))
    found: dict[str, tuple[str, str]] = {}
    for node in root.iter(f"{_MAIN}definedName"):
        if node.get("localSheetId") is not None:
            continue
        match = _REF.match((node.text or "").strip())
        if match:
            sheet = match["sheet"].replace("''", "'")
            found[str(node.get("name"))] = (sheet, f"{match['col']}{match['row']}")
    return found


def last_modified_by(path: Path) -> str:
    """The ``lastModifiedBy`` document property, or "" when absent."""
    with zipfile.ZipFile(path) as package:
        if "docProps/core.xml" not in package.namelist():
            return ""
        root = safe_xml().fromstring(package.read("docProps/core.xml"))
    node = root.find(f"{_CORE}lastModifiedBy")
    return (node.text or "").strip() if node is not None else ""


def split_ref(ref: str) -> tuple[int, int]:
    """``B4`` -> (row 4, column index 1)."""
    match = re.fullmatch(r"([A-Z]{1,3})(\d+)", ref)
    if not match:
        raise ValueError(f"not a cell reference: {ref!r}")
    col = 0
    for char in match[1]:
        col = col * 26 + ord(char) - 64
    return int(match[2]), col - 1


_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_DOC_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_HIDDEN_ROW_TAG = re.compile(rb'<(?:\w+:)?row\b([^>]*\bhidden="(?:1|true)"[^>]*)>')
_CELL = re.compile(rb"<(?:\w+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:\w+:)?c>)", re.DOTALL)
_ATTR = re.compile(rb'(\w+)="([^"]*)"')
_VALUE = re.compile(rb"<(?:\w+:)?v>(.*?)</(?:\w+:)?v>", re.DOTALL)


@dataclass(frozen=True)
class SheetFacts:
    """What calamine's values do not show: hidden rows, error cells, uncalculated formulas."""

    hidden_rows: frozenset[int] = frozenset()
    errors: dict[str, str] = field(default_factory=dict)
    uncalculated: frozenset[str] = frozenset()


def sheet_xml(path: Path, sheet_name: str) -> bytes:
    """One worksheet's XML, or b"" when the workbook does not say where it is."""
    with zipfile.ZipFile(path) as package:
        member = sheet_member(package, sheet_name)
        return b"" if member is None else package.read(member)


def sheet_facts(data: bytes) -> SheetFacts:
    """Scan one worksheet's XML for the facts above; cheap when the sheet has no formulas."""
    # Only the row tags that say hidden are taken apart, and only if any does: every row's
    # attributes were half a second of a 200,000-line sheet.
    hidden = (
        frozenset(
            int(attrs[b"r"])
            for attrs in (dict(_ATTR.findall(m.group(1))) for m in _HIDDEN_ROW_TAG.finditer(data))
            if attrs.get(b"hidden") in (b"1", b"true") and attrs.get(b"r", b"").isdigit()
        )
        if b'hidden="' in data
        else frozenset()
    )
    if b"<f" not in data and b't="e"' not in data:
        return SheetFacts(hidden)
    errors: dict[str, str] = {}
    uncalculated: set[str] = set()
    for match in _CELL.finditer(data):
        attrs = dict(_ATTR.findall(match.group(1)))
        inner = match.group(2) or b""
        ref = attrs.get(b"r", b"").decode()
        value = _VALUE.search(inner)
        if attrs.get(b"t") == b"e":
            errors[ref] = value.group(1).decode() if value else "#ERROR"
        elif b"<f" in inner and attrs.get(b"t") != b"str" and not (value and value.group(1)):
            uncalculated.add(ref)
    return SheetFacts(hidden, errors, frozenset(uncalculated))


def sheet_member(package: zipfile.ZipFile, sheet_name: str) -> str | None:
    workbook = safe_xml().fromstring(package.read("xl/workbook.xml"))
    rel_id = next(
        (
            s.get(f"{_DOC_REL}id")
            for s in workbook.iter(f"{_MAIN}sheet")
            if s.get("name") == sheet_name
        ),
        None,
    )
    rels = safe_xml().fromstring(package.read("xl/_rels/workbook.xml.rels"))
    target = next(
        (r.get("Target") for r in rels.iter(f"{_REL}Relationship") if r.get("Id") == rel_id), None
    )
    if not target:
        return None
    member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    return member if member in package.namelist() else None


_CUSTOM = "{http://schemas.openxmlformats.org/officeDocument/2006/custom-properties}"
_POSITION = re.compile(rb'<(?:\w+:)?c\b[^>]*?\sr="([A-Z]{1,3})([0-9]+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


# The custom properties of a workbook are a few names and short values: a part bigger than
# this is no one's properties, and is not read (a file not yet through the package guard).
MAX_CUSTOM_PROPERTIES = 1 << 20


def custom_property(path: Path, name: str) -> str:
    """The text of a custom document property (``docProps/custom.xml``), or ""."""
    with zipfile.ZipFile(path) as package:
        if "docProps/custom.xml" not in package.namelist():
            return ""
        part = package.getinfo("docProps/custom.xml")
        if part.file_size > MAX_CUSTOM_PROPERTIES:
            return ""
        root = safe_xml().fromstring(package.read(part))
    for node in root.iter(f"{_CUSTOM}property"):
        if node.get("name") == name:
            return "".join(node.itertext()).strip()
    return ""


def first_cell_outside(path: Path, sheet_name: str, max_row: int, max_col: int) -> str:
    """The first cell of a sheet beyond ``max_row`` x ``max_col``, or "".

    A cheap scan of the positions only, made before a reader that lays the sheet out as a
    grid from A1 sees it: one value at XFD1048576 would make that grid billions of cells.
    """
    return scan_sheet(path, sheet_name, max_row, max_col).outside


@dataclass(frozen=True)
class SheetScan:
    """What a scan of a sheet's XML finds before its cells are laid out."""

    outside: str = ""  # the first cell beyond the bounds given, or ""
    formula: str = ""  # the first cell holding a formula, or ""


def scan_sheet(path: Path, sheet_name: str, max_row: int, max_col: int) -> SheetScan:
    """The first cell beyond ``max_row`` x ``max_col`` (see ``first_cell_outside``) and the
    first cell holding a formula, in one read of the sheet's XML."""
    data = sheet_xml(path, sheet_name)
    if not data:
        return SheetScan()
    # Every spelling of a position, as calamine reads it (``sheet_extent``).
    return SheetScan(sheet_extent.first_cell_outside(data, max_row, max_col), _first_formula(data))


def _first_formula(data: bytes) -> str:
    """The cell of the first ``<f>`` element (a data validation's ``<formula1>`` is none)."""
    found = _FORMULA.search(data)
    if found is None:
        return ""
    cells = list(_POSITION.finditer(data, max(0, found.start() - 4096), found.start()))
    return f"{cells[-1].group(1).decode()}{cells[-1].group(2).decode()}" if cells else "?"
