"""The budget in force as written into ``current/``: a live workbook in our input layout that
intake reads back as the very version it holds, carrying that version's mark; and the mark
read from any workbook, bounded, never failing."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pipeline.adapters.reading.version_mark import read_version_mark
from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.current_workbook import write_current_workbook
from pipeline.config import default_settings
from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.domain.erp_lists import ErpLists
from tests.support.workbooks import make_workbook

LISTED = ValidationRules(
    lists=ErpLists(
        cost_codes={"01-100": frozenset(), "03-300": frozenset(), "09-900": frozenset()},
        cost_types={"L": (), "M": (), "S": ()},
    )
)
LINES = (
    BudgetLine(
        row=7,
        sub_job="",
        cost_code="01-100",
        cost_type="L",
        description="Labour",
        amount=Decimal("610499.89"),
        unit_qty=Decimal("333"),
        uom="HR",
        unit_cost=Decimal("1833.333"),
    ),
    BudgetLine(
        row=8,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="Concrete",
        amount=Decimal("8000.00"),
    ),
    BudgetLine(
        row=9,
        sub_job="A",
        cost_code="03-300",
        cost_type="M",
        description="Concrete, wing A",
        amount=Decimal("1500.25"),
    ),
    BudgetLine(
        row=10,
        sub_job="B",
        cost_code="09-900",
        cost_type="S",
        description="=2+3 painting",
        amount=Decimal("-8000.00"),
    ),
)
DOCUMENT = BudgetDocument(
    project_number="P-1001",
    lines=LINES,
    project_name="Riverside Clinic",
    prepared_by="Ada Admin",
    stated_total=Decimal("612000.14"),
)


@pytest.fixture
def current(tmp_path: Path) -> Path:
    target = tmp_path / "P-1001_current.xlsx"
    write_current_workbook(DOCUMENT, 3, target, LISTED)
    return target


def test_it_is_live_in_our_input_layout_with_sub_jobs_and_the_erp_lists(current: Path) -> None:
    book = openpyxl.load_workbook(current)
    sheet = book["Budget"]

    assert [c.value for c in sheet[6]] == [
        "Sub Job",
        "Cost Code",
        "Cost Type",
        "Description",
        "Unit Qty",
        "UOM",
        "Unit Cost",
        "Original Budget Amount",  # and no rejection's note column
    ]
    assert sheet["B4"].value == "=SUM(H7:H5006)"
    assert [sheet[f"H{row}"].value for row in range(7, 11)] == [
        "=ROUND(E7*G7,2)",
        8000,
        1500.25,
        -8000,
    ]
    assert [sheet[f"A{row}"].value or "" for row in range(7, 11)] == ["", "", "A", "B"]
    assert sheet["D10"].value == "=2+3 painting" and sheet["D10"].data_type == "s"
    assert str(sheet["D5"].value).startswith("Version 3, in force in the ERP.")
    sources = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert sources["B7:B5006"] == "'ERP Lists'!$A$2:$A$4"
    assert book.sheetnames == ["Budget", "ERP Lists"]


def test_intake_reads_it_back_as_the_version_it_holds_with_its_mark(
    current: Path, tmp_path: Path
) -> None:
    result = read_and_check(current, default_settings(tmp_path))

    assert [p for p in result.problems if p.rule != "list.not_checked"] == []
    assert result.document is not None
    assert result.document.fingerprint() == DOCUMENT.fingerprint()
    assert result.version_mark == "P-1001 v3"


def test_the_mark_of_a_workbook_without_one_or_unreadable_is_empty(tmp_path: Path) -> None:
    assert read_version_mark(make_workbook(tmp_path / "own.xlsx")) == ""
    (tmp_path / "text.xlsx").write_text("not a zip package")
    assert read_version_mark(tmp_path / "text.xlsx") == ""
    assert read_version_mark(tmp_path / "missing.xlsx") == ""


def test_a_properties_part_too_big_for_any_mark_is_not_read(current: Path, tmp_path: Path) -> None:
    padded = tmp_path / "padded.xlsx"
    with zipfile.ZipFile(current) as source, zipfile.ZipFile(padded, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "docProps/custom.xml":
                data = data.replace(b"</Properties>", b"<!--" + b"x" * 2**20 + b"--></Properties>")
            target.writestr(item, data)

    assert read_version_mark(current) == "P-1001 v3"
    assert read_version_mark(padded) == ""
