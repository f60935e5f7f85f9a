"""Look at a workbook package before any parser does: size, zip-bomb limits, macros, and the
formats that are not .xlsx. Reads only the zip's directory, never the XML."""

from __future__ import annotations

import zipfile
from pathlib import Path

from pipeline.config import PackageLimits
from pipeline.errors import UnreadableWorkbook

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
REFUSED_SUFFIXES = {
    ".xlsm": "a macro-enabled workbook (.xlsm) is not taken; save it as .xlsx",
    ".xlsb": "a binary workbook (.xlsb) is not taken; save it as .xlsx",
    ".xls": "an Excel 97-2003 workbook (.xls) is not taken; save it as .xlsx",
}


def inspect_package(path: Path, limits: PackageLimits) -> None:
    """Raise UnreadableWorkbook, naming the file and the reason, for anything not a plain
    .xlsx within the limits."""
    name = path.name
    if path.suffix.lower() in REFUSED_SUFFIXES:
        raise UnreadableWorkbook(f"{name}: {REFUSED_SUFFIXES[path.suffix.lower()]}")
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise UnreadableWorkbook(
            f"{name}: {size / 2**20:.1f} MB is over the limit of "
            f"{limits.max_bytes / 2**20:.0f} MB ([limits] max_workbook_mb)"
        )
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == OLE2_MAGIC:
        raise UnreadableWorkbook(
            f"{name}: an Excel 97-2003 (.xls) or password-protected "
            "workbook; save it as .xlsx without a password"
        )
    try:
        with zipfile.ZipFile(path) as package:
            entries = package.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise UnreadableWorkbook(
            f"{name}: not an .xlsx workbook ({exc}); save it from Excel "
            "as 'Excel Workbook (*.xlsx)'"
        ) from exc
    _check_entries(name, entries, limits)


def _check_entries(name: str, entries: list[zipfile.ZipInfo], limits: PackageLimits) -> None:
    if len(entries) > limits.max_entries:
        raise UnreadableWorkbook(
            f"{name}: {len(entries)} parts in the package, over the limit "
            f"of {limits.max_entries}: refused as a possible zip bomb"
        )
    total = sum(e.file_size for e in entries)
    if total > limits.max_uncompressed:
        raise UnreadableWorkbook(
            f"{name}: unpacks to {total / 2**20:.0f} MB, over the limit of "
            f"{limits.max_uncompressed / 2**20:.0f} MB: refused as a "
            "possible zip bomb"
        )
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > 2**20 and ratio > limits.max_ratio:
            raise UnreadableWorkbook(
                f"{name}: part {entry.filename} expands {ratio:.0f} times: "
                "refused as a possible zip bomb"
            )
        lowered = entry.filename.lower()
        if lowered.endswith("vbaproject.bin"):
            raise UnreadableWorkbook(
                f"{name}: contains macros (a renamed .xlsm); save it as 'Excel Workbook (*.xlsx)'"
            )
        if lowered == "xl/workbook.bin":
            raise UnreadableWorkbook(
                f"{name}: a binary workbook (.xlsb) renamed to .xlsx; save it as .xlsx"
            )
