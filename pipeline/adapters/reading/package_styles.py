"""How an admin's workbook looks, read straight from its package for the annotated copy:
column widths, and each cell's number format, font, fill, borders and alignment.

Bounded, as the file may be hostile: the styles part is parsed with defusedxml only under a
size limit, and only so many styles are taken; a sheet's XML is read in chunks, never whole,
and only the ``s`` (style) of each cell is looked at. Anything odd is left out: the copy
then shows that cell plain, never fails for it.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pipeline.adapters.reading.xlsx_parts import safe_xml, sheet_member

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
MAX_STYLES_BYTES = 8 << 20  # a styles part bigger than this is no one's formatting
MAX_STYLES = 4000  # cell styles taken; a workbook has tens, a generated one hundreds
MAX_COLUMNS = 16_384  # Excel's last column, XFD
CHUNK = 1 << 20
Style = dict[str, Any]  # xlsxwriter format properties

# Tags of a sheet's XML: <col> (widths, before the cells), <row> and <c> with their attributes.
_TAG = re.compile(rb"<(?:\w+:)?(col|c|row)(?=[\s/>])([^>]*)>")
_ATTR = re.compile(rb"""(\w+)\s*=\s*["']([^"']*)["']""")
_BORDER_STYLES = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6}


@dataclass(frozen=True, kw_only=True)
class ColumnLook:
    """A run of columns (0-based, inclusive): width in characters, hidden, and style."""

    first: int
    last: int
    width: float | None
    hidden: bool
    style: int


def read_styles(package: zipfile.ZipFile) -> list[Style]:
    """The format properties of each cell style (by its index), or [] when there are none
    or the styles part is too big or malformed."""
    try:
        part = package.getinfo("xl/styles.xml")
        if part.file_size > MAX_STYLES_BYTES:
            return []
        root = safe_xml().fromstring(package.read(part))
        return _styles(root)
    except Exception:  # zipfile, defusedxml and damaged values raise several types
        return []


def _styles(root: Any) -> list[Style]:
    formats = {
        int(node.get("numFmtId", "-1")): str(node.get("formatCode", ""))
        for node in root.iter(f"{_MAIN}numFmt")
    }
    fonts = [_font(node) for node in _children(root, "fonts", "font")]
    fills = [_fill(node) for node in _children(root, "fills", "fill")]
    borders = [_border(node) for node in _children(root, "borders", "border")]
    styles: list[Style] = []
    for xf in _children(root, "cellXfs", "xf")[:MAX_STYLES]:
        style: Style = {}
        number = int(xf.get("numFmtId", "0"))
        if number in formats:
            style["num_format"] = formats[number]
        elif 0 < number < 164:
            style["num_format"] = number  # one of Excel's built-in formats, by its index
        for items, key in ((fonts, "fontId"), (fills, "fillId"), (borders, "borderId")):
            index = int(xf.get(key, "0"))
            # Font 0 too: the default font is taken out below, a bold or Arial one stays.
            if 0 <= index < len(items) and (index or key == "fontId"):
                style |= items[index]
        alignment = xf.find(f"{_MAIN}alignment")
        if alignment is not None:
            style |= _alignment(alignment)
        styles.append(style)
    if styles and fonts:  # the workbook's default font is every cell's: only the rest is news
        default = fonts[0]
        styles = [{k: v for k, v in s.items() if default.get(k) != v} for s in styles]
    return styles


def _children(root: Any, parent: str, child: str) -> list[Any]:
    node = root.find(f"{_MAIN}{parent}")
    return [] if node is None else list(node.iter(f"{_MAIN}{child}"))


def _color(node: Any) -> str | None:
    rgb = node.get("rgb", "") if node is not None else ""
    return f"#{rgb[-6:]}" if re.fullmatch(r"[0-9A-Fa-f]{6}|[0-9A-Fa-f]{8}", rgb) else None


def _font(node: Any) -> Style:
    font: Style = {}
    for tag, key in (("b", "bold"), ("i", "italic"), ("strike", "font_strikeout")):
        found = node.find(f"{_MAIN}{tag}")
        if found is not None and found.get("val", "1") not in ("0", "false"):
            font[key] = True
    underline = node.find(f"{_MAIN}u")
    if underline is not None and underline.get("val", "single") != "none":
        font["underline"] = 2 if underline.get("val") == "double" else 1
    size = node.find(f"{_MAIN}sz")
    if size is not None and 1 <= float(size.get("val", "0")) <= 409:
        font["font_size"] = float(size.get("val"))
    name = node.find(f"{_MAIN}name")
    if name is not None and 0 < len(name.get("val", "")) <= 31:
        font["font_name"] = name.get("val")
    color = _color(node.find(f"{_MAIN}color"))
    if color:
        font["font_color"] = color
    return font


def _fill(node: Any) -> Style:
    pattern = node.find(f"{_MAIN}patternFill")
    if pattern is None or pattern.get("patternType") != "solid":
        return {}
    color = _color(pattern.find(f"{_MAIN}fgColor"))
    return {"pattern": 1, "bg_color": color} if color else {}


def _border(node: Any) -> Style:
    border: Style = {}
    for side in ("left", "right", "top", "bottom"):
        found = node.find(f"{_MAIN}{side}")
        if found is not None and found.get("style") in _BORDER_STYLES:
            border[side] = _BORDER_STYLES[found.get("style")]
    return border


def _alignment(node: Any) -> Style:
    alignment: Style = {}
    horizontal = node.get("horizontal")
    if horizontal in ("left", "center", "right", "fill", "justify"):
        alignment["align"] = horizontal
    vertical = node.get("vertical")
    if vertical in ("top", "center", "bottom"):
        alignment["valign"] = "vcenter" if vertical == "center" else vertical
    if node.get("wrapText") in ("1", "true"):
        alignment["text_wrap"] = True
    return alignment


def sheet_looks(
    package: zipfile.ZipFile, sheet_name: str
) -> Iterator[ColumnLook | tuple[int, dict[int, int]]]:
    """A sheet's column runs, then each row (0-based) with its cells' styles (0-based column
    -> style index; style 0, the default, left out), in the order of the sheet's XML."""
    try:
        member = sheet_member(package, sheet_name)
    except Exception:  # no workbook part or a damaged one: the copy is plain
        return
    if member is None:
        return
    with package.open(member) as stream:
        yield from _scan(stream)


def _scan(stream: Any) -> Iterator[ColumnLook | tuple[int, dict[int, int]]]:
    row = column = 0
    cells: dict[int, int] = {}
    rest = b""
    while chunk := stream.read(CHUNK):
        data = rest + chunk
        # Cut at the last "<": every tag before it is whole (no "<" inside a tag).
        cut = data.rfind(b"<")
        data, rest = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
        for match in _TAG.finditer(data):
            attrs = dict(_ATTR.findall(match.group(2)))
            if match.group(1) == b"c":
                column = _column(attrs.get(b"r", b""), column)
                style = attrs.get(b"s", b"0")
                if style.isdigit() and 0 < int(style) < MAX_STYLES and column <= MAX_COLUMNS:
                    cells[column - 1] = int(style)
            elif match.group(1) == b"row":
                if cells:
                    yield row - 1, cells
                number = attrs.get(b"r", b"")
                row = int(number) if number.isdigit() and int(number) > 0 else row + 1
                column, cells = 0, {}
            elif (look := _column_look(attrs)) is not None:
                yield look
    if cells:
        yield row - 1, cells


def _column(ref: bytes, previous: int) -> int:
    """A cell's column from its ``r``; one right of the one before without it (as calamine)."""
    letters = ref.rstrip(b"0123456789").upper()
    if not letters.isalpha() or len(letters) > 3:
        return previous + 1
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _column_look(attrs: dict[bytes, bytes]) -> ColumnLook | None:
    try:
        first, last = int(attrs[b"min"]), min(int(attrs[b"max"]), MAX_COLUMNS)
        width = float(attrs[b"width"]) if b"width" in attrs else None
        style = int(attrs.get(b"style", b"0"))
    except (KeyError, ValueError):
        return None
    if not 1 <= first <= last or (width is not None and not 0 <= width <= 255):
        return None
    hidden = attrs.get(b"hidden") in (b"1", b"true")
    return ColumnLook(
        first=first - 1,
        last=last - 1,
        width=width,
        hidden=hidden,
        style=style if style < MAX_STYLES else 0,
    )
