"""The workbook handed back after a rejection stays a live spreadsheet, and the admin's
Responses on its Rejection Reasons sheet are read back when it returns."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
import python_calamine

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.version_mark import read_version_mark
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey, ReasonResponse
from pipeline.domain.erp_lists import ErpLists
from pipeline.domain.review import LineFlag, Rejection
from pipeline.errors import UnreadableWorkbook

NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
LISTED = ValidationRules(
    lists=ErpLists(
        cost_codes={"01-100": frozenset(), "03-300": frozenset(), "09-900": frozenset()},
        cost_types={"L": (), "M": (), "S": ()},
        code_names={"01-100": "General conditions", "03-300": "Concrete"},
    )
)
LINES = (
    # 333 x 1,833.333 is 610,499.889: the amount kept to the cent is still the product
    BudgetLine(
        row=8,
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
        row=9,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="Concrete",
        amount=Decimal("8000.00"),
        unit_qty=Decimal("2.5"),
        uom="M3",
        unit_cost=Decimal("3200"),
    ),
    BudgetLine(
        row=10,
        sub_job="",
        cost_code="03-300",
        cost_type="L",
        description="Pour",
        amount=Decimal("150.00"),
        unit_qty=Decimal("10"),
        uom="HR",
        unit_cost=Decimal("10"),
    ),
    BudgetLine(
        row=11,
        sub_job="A",
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
    stated_total=None,
)
FLAG = LineFlag(LineKey("", "03-300", "M"), "too high")
REJECTION = Rejection(
    version=1, approver="Carl Accountant", at=NOW, reasons=("Recheck 01-100",), flags=(FLAG,)
)


@pytest.fixture
def handed_back(tmp_path: Path) -> Path:
    target = tmp_path / "P-1001_v1_rejected.xlsx"
    write_rejected_workbook(DOCUMENT, REJECTION, target, LISTED)
    return target


def test_the_total_is_a_sum_and_amounts_are_products_where_they_equal_them(
    handed_back: Path,
) -> None:
    sheet = openpyxl.load_workbook(handed_back)["Budget"]

    assert sheet["B4"].value == "=SUM(H7:H5006)"
    assert [sheet[f"H{row}"].value for row in range(7, 11)] == [
        "=ROUND(E7*G7,2)",
        "=ROUND(E8*G8,2)",
        150,  # 10 x 10 is not 150: the admin's amount stays as it was
        -8000,
    ]
    assert sheet["D10"].value == "=2+3 painting" and sheet["D10"].data_type == "s"


def test_readers_that_do_not_calculate_see_the_cached_values(handed_back: Path) -> None:
    rows = (
        python_calamine.CalamineWorkbook.from_path(str(handed_back))
        .get_sheet_by_name("Budget")
        .to_python()
    )

    assert rows[3][:2] == ["Budget Total", 610499.89 + 8000 + 150 - 8000]
    assert [row[7] for row in rows[6:10]] == [610499.89, 8000.0, 150.0, -8000.0]
    again, problems = check_budget(
        read_budget(handed_back), ValidationRules(unit_tolerance=Decimal(200))
    )
    assert problems == [] and again is not None
    assert again.same_content(DOCUMENT.fingerprint())


def test_formats_dropdowns_and_flags_are_kept(handed_back: Path) -> None:
    book = openpyxl.load_workbook(handed_back)
    sheet = book["Budget"]

    assert [sheet[f"{col}8"].number_format for col in "BCGH"] == ["@", "@", "#,##0.00", "#,##0.00"]
    assert sheet.column_dimensions["B"].width > 0
    sources = {str(v.sqref): v.formula1 for v in sheet.data_validations.dataValidation}
    assert sources["B7:B5006"] == "'ERP Lists'!$A$2:$A$4"
    assert sources["C7:C5006"] == "'ERP Lists'!$B$2:$B$4"
    assert [c.value for c in book["ERP Lists"]["A"]] == [
        "Cost Codes",
        "01-100 \u2013 General conditions",
        "03-300 \u2013 Concrete",
        "09-900",  # no description: the code alone
    ]
    assert sheet["B8"].value == "03-300"  # the lines keep their codes alone
    # a code typed alone is read too: Excel and Calc warn, and keep it if asked
    assert {v.errorStyle for v in sheet.data_validations.dataValidation if v.type == "list"} == {
        "warning"
    }
    flagged = [cell.fill.fgColor.rgb for cell in sheet[8][:8]]
    assert all(str(rgb).endswith("F8CBAD") for rgb in flagged)
    assert sheet["I8"].value == "REJECTED: too high" and sheet["I7"].value is None
    assert not str(sheet["A7"].fill.fgColor.rgb).endswith("F8CBAD")


def test_the_reasons_sheet_has_a_response_column_beside_each_reason(handed_back: Path) -> None:
    sheet = openpyxl.load_workbook(handed_back)["Rejection Reasons"]

    assert [c.value for c in sheet[5]] == ["Line", "Reason", "Response"]
    assert [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=6)] == [
        (None, "Recheck 01-100", None),
        ("03-300 / M", "too high", None),
    ]


def test_responses_are_read_back_beside_their_reason(handed_back: Path) -> None:
    assert read_budget(handed_back).responses == ()
    book = openpyxl.load_workbook(handed_back)
    sheet = book["Rejection Reasons"]
    sheet["C6"], sheet["C7"] = "  Checked with\nthe foreman ", 12
    sheet["C9"] = "x" * 2500  # a row of its own, below the reasons
    book.save(handed_back)

    responses = read_budget(handed_back).responses

    assert responses[:2] == (
        ReasonResponse("", "Recheck 01-100", "Checked with the foreman"),
        ReasonResponse("03-300 / M", "too high", "12"),
    )
    assert responses[2].text.startswith("x" * 2000 + "... [cut at 2,000 of 2,500 characters")


def test_a_reasons_sheet_reaching_far_away_is_refused_unread(handed_back: Path) -> None:
    book = openpyxl.load_workbook(handed_back)
    book["Rejection Reasons"]["XFD1"] = "far"
    book.save(handed_back)

    with pytest.raises(UnreadableWorkbook, match="'Rejection Reasons' has something at XFD1"):
        read_budget(handed_back)


def test_a_reasons_sheet_without_its_titles_gives_no_responses(handed_back: Path) -> None:
    book = openpyxl.load_workbook(handed_back)
    sheet = book["Rejection Reasons"]
    sheet["C5"], sheet["C6"] = "Answer", "an answer under another title"
    book.save(handed_back)

    assert read_budget(handed_back).responses == ()


def test_it_carries_its_version_and_says_where_the_next_change_starts(handed_back: Path) -> None:
    sheet = openpyxl.load_workbook(handed_back)["Rejection Reasons"]

    assert read_version_mark(handed_back) == "P-1001 v1"
    assert sheet["A4"].value == (
        "Once this budget is in the ERP, current/P-1001_current.xlsx holds it: start the next "
        "change from that workbook (a copy of it), not from this one."
    )
