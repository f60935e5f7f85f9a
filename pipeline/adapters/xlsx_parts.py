"""Small facts read straight from an .xlsx package: defined names and the last-modified-by property.

Parsed with defusedxml, so a hostile workbook cannot expand entities or reach out of the file.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from defusedxml import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_CORE = "{http://schemas.openxmlformats.org/package/2006/metadata/core-properties}"
_REF = re.compile(r"^'?(?P<sheet>.+?)'?!\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)$")


def defined_names(path: Path) -> dict[str, tuple[str, str]]:
    """Workbook-level defined names that point at one cell: name -> (sheet, ``B4``)."""
    with zipfile.ZipFile(path) as package:
        root = ElementTree.fromstring(package.read("xl/workbook.xml"))
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
        root = ElementTree.fromstring(package.read("docProps/core.xml"))
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
