"""Reading real .xlsx budgets: layouts, aliases, total rows, and clear errors for broken files."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.problems import Problem
from pipeline.errors import UnreadableWorkbook
from tests.support.workbooks import WorkbookFactory, make_workbook


def _read(path: Path) -> tuple[BudgetDocument | None, list[Problem]]:
    return check_budget(read_budget(path), ValidationRules())


def test_reads_header_block_and_lines(workbook_factory: WorkbookFactory) -> None:
    document, problems = _read(workbook_factory())
    assert problems == []
    assert document is not None
    assert (document.project_number, document.project_name, document.prepared_by) == (
        "P-1001",
        "Riverside Clinic",
        "Ada Admin",
    )
    assert [line.row for line in document.lines] == [8, 9, 10, 11]
    assert str(document.total) == "95000.50"


def test_aliases_and_case_insensitive_labels(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Other"
    data = book.create_sheet("budget line items")
    data.append(["  JOB number ", 4711])
    data.append([])
    data.append(["cost code", "CATEGORY", "amount", "Description"])
    data.append(["01-100", "L", 10, "Labour"])
    data.append(["Subtotal", None, 10, None])
    data.append([None, None, None, None])
    data.append(["Grand Total", None, 10, None])
    book.save(tmp_path / "alias.xlsx")

    raw = read_budget(tmp_path / "alias.xlsx")
    document, _ = check_budget(raw, ValidationRules())

    assert raw.sheet == "budget line items"
    assert document is not None and document.project_number == "4711"
    assert [(line.cost_code, line.cost_type) for line in document.lines] == [("01-100", "L")]


def test_rows_of_spaces_and_total_rows_with_a_blank_type_are_not_lines(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["Project Number", "P-1"])
    ws.append(["Cost Code", "Cost Type", "Amount", "Description"])
    ws.append(["01-100", "L", 10, "Labour"])
    ws.append(["  ", " ", "\u00a0", "   "])  # spaces only, a no-break space among them
    ws.append(["Total", "  ", 10, None])
    ws.append(["02-200", "M", 5, "  "])
    book.save(tmp_path / "spaces.xlsx")

    raw = read_budget(tmp_path / "spaces.xlsx")

    assert [row for row, _ in raw.rows] == [3, 6]


def test_hidden_rows_are_found_and_only_they(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "hidden.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Budget"]
    sheet.row_dimensions[9].hidden = True
    sheet.row_dimensions[11].hidden = True
    sheet.row_dimensions[10].height = 30  # a row with attributes of its own, not hidden
    book.save(path)

    assert read_budget(path).facts.hidden_rows == {9, 11}
    assert read_budget(make_workbook(tmp_path / "plain.xlsx")).facts.hidden_rows == set()


def test_a_line_whose_description_starts_with_total_is_still_a_line(
    workbook_factory: WorkbookFactory,
) -> None:
    document, _ = _read(workbook_factory(lines=[("", "01-100", "E", "Total station rental", 500)]))
    assert document is not None and len(document.lines) == 1


def test_first_sheet_is_used_when_no_budget_sheet(workbook_factory: WorkbookFactory) -> None:
    raw = read_budget(workbook_factory(sheet="Estimate"))
    assert raw.sheet == "Estimate"


def test_no_line_table_names_file_and_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Project Number", "P-1"])
    book.save(tmp_path / "empty.xlsx")
    with pytest.raises(UnreadableWorkbook, match=r"empty.xlsx, sheet 'Sheet': no line table"):
        read_budget(tmp_path / "empty.xlsx")


def test_not_a_zip_is_unreadable(tmp_path: Path) -> None:
    path = tmp_path / "fake.xlsx"
    path.write_text("name,amount\n")
    with pytest.raises(UnreadableWorkbook, match=r"fake\.xlsx: not an \.xlsx workbook"):
        read_budget(path)


def test_problems_name_the_cell(workbook_factory: WorkbookFactory) -> None:
    lines = [
        ("", "01-100", "L", "A", 10),
        ("", "01-100", "L", "B", 20.123),
        ("", "02-200", "", "C", "1O0"),
    ]
    document, problems = _read(workbook_factory(lines=lines, total=None))
    assert document is None
    found = {(p.rule, p.cell, p.value) for p in problems}
    assert ("line.duplicate", "B7", "01-100") not in found  # the first one is the original
    assert ("line.duplicate", "B8", "01-100") in found
    assert ("amount.rounded", "E8", "20.123") in found  # a warning, but named all the same
    assert ("cost_type.missing", "C9", "") in found
    assert ("amount.not_numeric", "E9", "1O0") in found


def test_header_total_must_match_the_lines(workbook_factory: WorkbookFactory) -> None:
    _, problems = _read(workbook_factory(total=1.0))
    assert [(p.rule, p.where) for p in problems] == [("budget_total.mismatch", "Budget!B5")]


def test_negative_amounts_refused_when_configured(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "Credit", -50)], total=None)
    _, problems = check_budget(read_budget(path), ValidationRules(allow_negative=False))
    assert [p.rule for p in problems] == ["amount.negative"]


def test_money_written_as_text_reads_as_numbers(workbook_factory: WorkbookFactory) -> None:
    lines = [("", "01-100", "L", "A", "$1,234.50"), ("", "01-200", "L", "B", "(500.00)")]
    document, problems = _read(workbook_factory(lines=lines, total=734.5))
    assert problems == []
    assert document is not None and [str(x.amount) for x in document.lines] == [
        "1234.50",
        "-500.00",
    ]


@pytest.mark.slow
def test_a_workbook_written_by_libreoffice_reads_the_same(tmp_path: Path) -> None:
    source = make_workbook(tmp_path / "src" / "budget.xlsx")
    ods = tmp_path / "ods"
    out = tmp_path / "out"
    profile = f"-env:UserInstallation=file://{tmp_path}/profile"
    for target, fmt, src in ((ods, "ods", source), (out, "xlsx", ods / "budget.ods")):
        subprocess.run(
            [
                "soffice",
                profile,
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(target),
                str(src),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )

    original, _ = _read(source)
    converted, problems = _read(out / "budget.xlsx")

    assert problems == []
    assert original is not None and converted is not None
    assert converted.fingerprint() == original.fingerprint()
