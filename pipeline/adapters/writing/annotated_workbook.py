"""The annotated copy handed back with a refused workbook: the admin's values sheet by sheet,
looking as the admin made them (column widths, number formats, fonts, fills), every problem
cell filled and commented in plain words, and a Problems sheet linking to each. Values only:
no formula, link, connection or object of the original reaches the copy. The rule ids stay
in the ``.refused.txt`` beside it, for support."""

from __future__ import annotations

import datetime as dt
import math
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import python_calamine
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.adapters.reading.package_styles import ColumnLook, Style, read_styles, sheet_looks
from pipeline.adapters.writing.plain_words import plain_words
from pipeline.adapters.writing.text_fit import fit_row
from pipeline.adapters.writing.xlsx_styles import printable
from pipeline.domain.problems import Problem, Severity

FILLS = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
HEADERS = ("Severity", "Where", "Column", "Value", "Problem", "How to fix")
WIDTHS = (9, 14, 18, 18, 50, 60)
WRAPPED = (3, 4, 5)  # Value, Problem and How to fix wrap within their widths
NUMBER_FORMATS = {
    dt.datetime: "yyyy-mm-dd hh:mm:ss",
    dt.date: "yyyy-mm-dd",
    dt.time: "hh:mm:ss",
    dt.timedelta: "[h]:mm:ss",
}
# Text stays text and no string becomes a link; rows are streamed to disk as they are written.
OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}
MAX_LINKS = 65_530  # Excel's limit of hyperlinks on one sheet
# xlsxwriter adds a character's padding (5 of 7 pixels) to the width it is given.
WIDTH_PADDING = 5 / 7
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
Marks = dict[int, dict[int, Problem]]  # row -> column -> problem, 0-based


def write_annotated_copy(source: Path, problems: Sequence[Problem], target: Path) -> None:
    """Write the values of ``source`` with ``problems`` marked into ``target``.

    A module-level function of picklable arguments, so that it can run in the parse worker.
    """
    book = python_calamine.CalamineWorkbook.from_path(str(source))
    package = zipfile.ZipFile(source)
    copy = xlsxwriter.Workbook(str(target), OPTIONS)
    try:
        styles = _Styles(copy, read_styles(package))
        marks = _marks(problems)
        names: dict[str, str] = {}  # the original's sheet names -> the copy's
        for meta in book.sheets_metadata:
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet:
                names[meta.name] = _sheet_name(meta.name, names.values())
                sheet = printable(copy.add_worksheet(names[meta.name]))
                if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                    sheet.hide()
                looks = _Looks(sheet_looks(package, meta.name), sheet, styles)
                _copy_sheet(book.get_sheet_by_name(meta.name), sheet, marks[meta.name], looks)
        _problems_sheet(copy, problems, styles, names)
    finally:
        copy.close()
        package.close()
        book.close()


def _sheet_name(name: str, taken: Iterable[str]) -> str:
    """The name itself when Excel takes it; else one made from it (a hostile package may name
    a sheet in ways Excel never would)."""
    used = {n.casefold() for n in taken}
    base = _NOT_IN_SHEET_NAMES.sub("_", name).strip("'")[:31] or "Sheet"
    candidate, number = base, 2
    while candidate.casefold() in used or candidate.casefold() == "history":
        candidate, number = f"{base[:26]} ({number})", number + 1
    return candidate


def _marks(problems: Sequence[Problem]) -> defaultdict[str, Marks]:
    marks: defaultdict[str, Marks] = defaultdict(dict)
    for problem in problems:
        if problem.sheet and problem.cell:
            row, col = xlsxwriter.utility.xl_cell_to_rowcol(problem.cell)
            marks[problem.sheet].setdefault(row, {}).setdefault(col, problem)
    return marks


class _Styles:
    """The copy's cell formats, made once each: the admin's style of the cell (by its index in
    the original), a number format for a date, a problem's fill, or none of these."""

    def __init__(self, book: xlsxwriter.Workbook, admin: list[Style]) -> None:
        self.book, self.admin = book, admin
        self.made: dict[tuple[int, str, Severity | None, str], Format | None] = {}

    def cell(
        self, value: Any, problem: Problem | None, extra: str = "", admin: int = 0
    ) -> Format | None:
        """The format of a cell holding ``value`` in the admin's style ``admin``, filled when
        it has a problem."""
        number_format = next(
            (f for kind, f in NUMBER_FORMATS.items() if isinstance(value, kind)), ""
        )
        severity = problem.severity if problem else None
        key = (admin, number_format, severity, extra)
        if key not in self.made:
            properties: dict[str, Any] = {}
            if number_format:
                properties["num_format"] = number_format
            if 0 < admin < len(self.admin):
                properties |= self.admin[admin]
            if severity is not None:
                properties |= {"pattern": 1, "bg_color": FILLS[severity]}
            if extra == "bold":
                properties["bold"] = True
            elif extra == "link":
                properties |= {"font_color": "#0563C1", "underline": 1}
            elif extra == "wrap":
                properties |= {"text_wrap": True, "valign": "top"}
            self.made[key] = self.book.add_format(properties) if properties else None
        return self.made[key]

    def is_plain(self, admin: int) -> bool:
        """Whether the admin's style ``admin`` changes nothing a cell shows."""
        return not (0 < admin < len(self.admin) and self.admin[admin])


class _Looks:
    """The admin's column widths and cell styles of one sheet, taken as the rows are written
    (in row order, as the copy streams them): the widths at once, each row's styles when
    the copy reaches that row."""

    def __init__(
        self,
        looks: Iterator[ColumnLook | tuple[int, dict[int, int]]],
        sheet: Worksheet,
        styles: _Styles,
    ) -> None:
        self.looks, self.sheet, self.styles = looks, sheet, styles
        self.ahead: tuple[int, dict[int, int]] | None = None

    def row(self, row: int) -> dict[int, int]:
        """The styles of the cells of ``row`` (0-based column -> the admin's style)."""
        while self.ahead is None or self.ahead[0] < row:
            look = next(self.looks, None)
            if look is None:
                self.ahead = (1 << 31, {})
            elif isinstance(look, ColumnLook):
                self._column(look)
            else:
                self.ahead = look
        return self.ahead[1] if self.ahead[0] == row else {}

    def _column(self, look: ColumnLook) -> None:
        width = None if look.width is None else max(look.width - WIDTH_PADDING, 0)
        style = (
            None
            if self.styles.is_plain(look.style)
            else self.styles.cell(None, None, admin=look.style)
        )
        if width is not None or style is not None or look.hidden:
            self.sheet.set_column(look.first, look.last, width, style, {"hidden": look.hidden})


def _copy_sheet(source: Any, sheet: Worksheet, marks: Marks, looks: _Looks) -> None:
    """Stream the sheet's values into the copy in row order (constant memory), in the admin's
    styles, marking the problem cells, those beyond the values included."""
    looks.row(-1)  # the column widths, which come before the rows
    start = source.start
    first_row, first_col = start if start else (0, 0)
    rows: list[list[Any]] = source.to_python() if start else []
    end = first_row + len(rows)
    for row in sorted(r for r in marks if r < first_row):
        _write_row(sheet, looks, row, (first_col, []), marks[row])
    for offset, values in enumerate(rows):
        row = first_row + offset
        _write_row(sheet, looks, row, (first_col, values), marks.get(row, {}))
        rows[offset] = []  # free each row once written
    for row in sorted(r for r in marks if r >= end):
        _write_row(sheet, looks, row, (first_col, []), marks[row])


def _write_row(
    sheet: Worksheet,
    looks: _Looks,
    row: int,
    cells: tuple[int, list[Any]],
    marks: dict[int, Problem],
) -> None:
    first_col, values = cells
    admin = looks.row(row)
    styles = looks.styles
    for offset, value in enumerate(values):
        col = first_col + offset
        if col in marks:
            _write_value(
                sheet, row, col, value, styles.cell(value, marks[col], "", admin.get(col, 0))
            )
        elif col not in admin and value.__class__ is float and math.isfinite(value):
            sheet.write_number(row, col, value)  # most cells: no style at all
        elif value != "":
            _write_value(sheet, row, col, value, styles.cell(value, None, "", admin.get(col, 0)))
    for col, problem in marks.items():
        if not 0 <= col - first_col < len(values):  # a blank cell outside the values
            sheet.write_blank(row, col, None, styles.cell(None, problem, "", admin.get(col, 0)))
        sheet.write_comment(
            row, col, _note(problem), {"author": "budget-erp", "width": 320, "height": 110}
        )


def _note(problem: Problem) -> str:
    """What a problem cell's comment says, in plain words: what was found and the fix."""
    return plain_words(f"{problem.message}. {problem.hint}".replace(". .", ".").rstrip(". ") + ".")


def _write_value(sheet: Worksheet, row: int, col: int, value: Any, style: Format | None) -> None:
    """One value as what it is: text stays text, and a number or date that Excel cannot hold
    is written as the text it shows."""
    if value == "" or value is None:
        sheet.write_blank(row, col, None, style)
    elif isinstance(value, bool):
        sheet.write_boolean(row, col, value, style)
    elif isinstance(value, int | float) and math.isfinite(value):
        sheet.write_number(row, col, value, style)
    elif isinstance(value, dt.date | dt.time | dt.timedelta):
        try:
            sheet.write_datetime(row, col, value, style)
        except (TypeError, ValueError, OverflowError):
            sheet.write_string(row, col, str(value), style)
    else:
        sheet.write_string(row, col, str(value), style)


def _problems_sheet(
    book: xlsxwriter.Workbook, problems: Sequence[Problem], styles: _Styles, names: dict[str, str]
) -> None:
    """Last, so a re-sent copy still reads its budget sheet; active, so it opens first.
    In plain words: no rule ids or file paths for the project manager reading it."""
    name = "Problems"
    while name.casefold() in {n.casefold() for n in names.values()}:
        name = f"{name}+"
    sheet = printable(book.add_worksheet(name), header_rows=1)
    for col, title in enumerate(HEADERS):
        sheet.write_string(0, col, title, styles.cell(title, None, "bold"))
    wrap = styles.cell("", None, "wrap")
    for row, problem in enumerate(problems, start=1):
        values = (
            str(problem.severity),
            problem.where,
            problem.column,
            problem.value,
            plain_words(problem.message),
            plain_words(problem.hint),
        )
        # as tall as its longest wrapped text, so no line prints over the next problem's
        fit_row(sheet, row, [(values[col], WIDTHS[col]) for col in WRAPPED])
        for col, value in enumerate(values):
            style = styles.cell(value, problem) if col == 0 else wrap if col in WRAPPED else None
            sheet.write_string(row, col, value, style)
        if problem.sheet in names and problem.cell and row <= MAX_LINKS:
            # A link to a place in this workbook (a location), never to anything outside it.
            location = "'{}'!{}".format(names[problem.sheet].replace("'", "''"), problem.cell)
            sheet.write_url(
                row, 1, f"internal:{location}", styles.cell("", None, "link"), problem.where
            )
    # The Where column as wide as its longest place ("Original Budget!A9"), within reason.
    where = max((len(p.where) for p in problems), default=0)
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, min(max(width, where + 2), 40) if col == 1 else width)
    sheet.freeze_panes(1, 0)
    sheet.activate()
