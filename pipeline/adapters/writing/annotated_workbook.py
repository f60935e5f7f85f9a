"""The annotated copy handed back with a refused workbook: the admin's values sheet by sheet,
every problem cell filled and commented, and a Problems sheet linking to each. Values only:
no formula, link, connection or object of the original reaches the copy."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import python_calamine
import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from pipeline.domain.problems import Problem, Severity

FILLS = {Severity.ERROR: "#FFC7CE", Severity.WARNING: "#FFEB9C"}
HEADERS = ("Severity", "Where", "Rule", "Column", "Value", "Problem", "How to fix")
WIDTHS = (9, 14, 26, 18, 18, 50, 60)
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
_NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
Marks = dict[int, dict[int, Problem]]  # row -> column -> problem, 0-based


def write_annotated_copy(source: Path, problems: Sequence[Problem], target: Path) -> None:
    """Write the values of ``source`` with ``problems`` marked into ``target``.

    A module-level function of picklable arguments, so that it can run in the parse worker.
    """
    book = python_calamine.CalamineWorkbook.from_path(str(source))
    copy = xlsxwriter.Workbook(str(target), OPTIONS)
    try:
        styles = _Styles(copy)
        marks = _marks(problems)
        names: dict[str, str] = {}  # the original's sheet names -> the copy's
        for meta in book.sheets_metadata:
            if meta.typ == python_calamine.SheetTypeEnum.WorkSheet:
                names[meta.name] = _sheet_name(meta.name, names.values())
                sheet = copy.add_worksheet(names[meta.name])
                if meta.visible != python_calamine.SheetVisibleEnum.Visible:
                    sheet.hide()
                _copy_sheet(book.get_sheet_by_name(meta.name), sheet, marks[meta.name], styles)
        _problems_sheet(copy, problems, styles, names)
    finally:
        copy.close()
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
    """The copy's cell formats, made once each: a number format and a fill, or neither."""

    def __init__(self, book: xlsxwriter.Workbook) -> None:
        self.book = book
        self.made: dict[tuple[str, Severity | None, str], Format | None] = {}

    def cell(self, value: Any, problem: Problem | None, extra: str = "") -> Format | None:
        """The format of a cell holding ``value``, filled when it has a problem."""
        number_format = next(
            (f for kind, f in NUMBER_FORMATS.items() if isinstance(value, kind)), ""
        )
        severity = problem.severity if problem else None
        key = (number_format, severity, extra)
        if key not in self.made:
            properties: dict[str, Any] = {}
            if number_format:
                properties["num_format"] = number_format
            if severity is not None:
                properties |= {"pattern": 1, "bg_color": FILLS[severity]}
            if extra == "bold":
                properties["bold"] = True
            elif extra == "link":
                properties |= {"font_color": "#0563C1", "underline": 1}
            self.made[key] = self.book.add_format(properties) if properties else None
        return self.made[key]


def _copy_sheet(source: Any, sheet: Worksheet, marks: Marks, styles: _Styles) -> None:
    """Stream the sheet's values into the copy in row order (constant memory), marking the
    problem cells, those beyond the values included."""
    start = source.start
    first_row, first_col = start if start else (0, 0)
    rows: list[list[Any]] = source.to_python() if start else []
    end = first_row + len(rows)
    for row in sorted(r for r in marks if r < first_row):
        _write_row(sheet, styles, row, (first_col, []), marks[row])
    for offset, values in enumerate(rows):
        row = first_row + offset
        _write_row(sheet, styles, row, (first_col, values), marks.get(row, {}))
        rows[offset] = []  # free each row once written
    for row in sorted(r for r in marks if r >= end):
        _write_row(sheet, styles, row, (first_col, []), marks[row])


def _write_row(
    sheet: Worksheet,
    styles: _Styles,
    row: int,
    cells: tuple[int, list[Any]],
    marks: dict[int, Problem],
) -> None:
    first_col, values = cells
    for offset, value in enumerate(values):
        col = first_col + offset
        if col in marks:
            _write_value(sheet, row, col, value, styles.cell(value, marks[col]))
        elif value.__class__ is float and math.isfinite(value):  # most cells: no style at all
            sheet.write_number(row, col, value)
        elif value != "":
            _write_value(sheet, row, col, value, styles.cell(value, None))
    for col, problem in marks.items():
        if not 0 <= col - first_col < len(values):  # a blank cell outside the values
            sheet.write_blank(row, col, None, styles.cell(None, problem))
        note = f"{problem.message}. {problem.hint} [{problem.rule}]".replace(". .", ".")
        sheet.write_comment(row, col, note, {"author": "budget-erp", "width": 320, "height": 110})


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
    """Last, so a re-sent copy still reads its budget sheet; active, so it opens first."""
    name = "Problems"
    while name.casefold() in {n.casefold() for n in names.values()}:
        name = f"{name}+"
    sheet = book.add_worksheet(name)
    for col, title in enumerate(HEADERS):
        sheet.write_string(0, col, title, styles.cell(title, None, "bold"))
    for row, problem in enumerate(problems, start=1):
        values = (
            str(problem.severity),
            problem.where,
            problem.rule,
            problem.column,
            problem.value,
            problem.message,
            problem.hint,
        )
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, styles.cell(value, problem))
        if problem.sheet in names and problem.cell and row <= MAX_LINKS:
            # A link to a place in this workbook (a location), never to anything outside it.
            location = "'{}'!{}".format(names[problem.sheet].replace("'", "''"), problem.cell)
            sheet.write_url(
                row, 1, f"internal:{location}", styles.cell("", problem, "link"), problem.where
            )
    for col, width in enumerate(WIDTHS):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(1, 0)
    sheet.activate()
