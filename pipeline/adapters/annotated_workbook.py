"""The annotated copy handed back with a refused workbook: every problem cell filled and
commented, and a Problems sheet listing them all. The admin's original is never touched."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.comments import Comment
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.hyperlink import Hyperlink

from pipeline.domain.problems import Problem, Severity

FILLS = {
    Severity.ERROR: PatternFill("solid", fgColor="FFC7CE"),
    Severity.WARNING: PatternFill("solid", fgColor="FFEB9C"),
}
HEADERS = ("Severity", "Where", "Rule", "Column", "Value", "Problem", "How to fix")


def write_annotated_copy(source: Path, problems: Sequence[Problem], target: Path) -> None:
    """Write a copy of ``source`` with ``problems`` marked into ``target``.

    The copy holds values, not formulas (``data_only``): nothing in it recalculates.
    """
    book = openpyxl.load_workbook(source, data_only=True)
    for problem in problems:
        if problem.sheet in book.sheetnames and problem.cell:
            cell = book[problem.sheet][problem.cell]
            cell.fill = FILLS[problem.severity]
            note = f"{problem.message}. {problem.hint} [{problem.rule}]".replace(". .", ".")
            cell.comment = Comment(note, "budget-erp", width=320, height=110)
    _problems_sheet(book, problems)
    book.save(target)


def _problems_sheet(book: Any, problems: Sequence[Problem]) -> None:
    name = "Problems"
    while name in book.sheetnames:
        name = f"{name}+"
    sheet = book.create_sheet(name)  # last, so a re-sent copy still reads its budget sheet
    for col, title in enumerate(HEADERS, start=1):
        _text(sheet.cell(1, col), title).font = Font(bold=True)
    for row, problem in enumerate(problems, start=2):
        values = (
            str(problem.severity),
            problem.where,
            problem.rule,
            problem.column,
            problem.value,
            problem.message,
            problem.hint,
        )
        for col, value in enumerate(values, start=1):
            _text(sheet.cell(row, col), value).fill = FILLS[problem.severity]
        if problem.sheet in book.sheetnames and problem.cell:
            where = sheet.cell(row, 2)
            # A link inside the workbook (a location), never a target outside it.
            where.hyperlink = Hyperlink(
                ref=where.coordinate, location=f"'{problem.sheet}'!{problem.cell}"
            )
            where.font = Font(color="0563C1", underline="single")
    for letter, width in zip("ABCDEFG", (9, 14, 26, 18, 18, 50, 60), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    book.active = book.sheetnames.index(name)
    for other in book.worksheets:
        other.sheet_view.tabSelected = other.title == name


def _text(cell: Any, value: str) -> Any:
    """Write text that stays text: openpyxl would turn a leading "=" into a live formula."""
    cell.value = value
    cell.data_type = "s"
    return cell
