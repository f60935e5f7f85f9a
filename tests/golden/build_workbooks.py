"""Rebuild the golden problem workbooks in tests/golden/workbooks/.

    .venv/bin/python -m tests.golden.build_workbooks

Each case is a few lines of code on top of ``make_workbook``; the ones marked ``via="lo"``
are then opened and saved by LibreOffice (headless), so the suite also reads files a real
spreadsheet application wrote. After rebuilding, regenerate the expected reports with
``pytest tests/integration/test_golden.py --update-golden`` and review the diff.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import openpyxl
import xlsxwriter

from tests.support.workbooks import DEFAULT_LINES, HEADERS, UNIT_HEADERS, make_workbook

HERE = Path(__file__).parent / "workbooks"
CASES: dict[str, Callable[[Path], None]] = {}
THROUGH_LIBREOFFICE: set[str] = set()


def case(
    name: str, via: str = "openpyxl"
) -> Callable[[Callable[[Path], None]], Callable[[Path], None]]:
    """Register a builder for ``<name>.xlsx``."""

    def register(build: Callable[[Path], None]) -> Callable[[Path], None]:
        CASES[name] = build
        if via == "lo":
            THROUGH_LIBREOFFICE.add(name)
        return build

    return register


def lines_with(index: int, **changes: object) -> list[tuple[object, ...]]:
    """DEFAULT_LINES with one line's fields replaced (sub_job, code, kind, text, amount)."""
    fields = ("sub_job", "code", "kind", "text", "amount")
    result = [list(line) for line in DEFAULT_LINES]
    for name, value in changes.items():
        result[index][fields.index(name)] = value
    return [tuple(line) for line in result]


@case("valid_minimal")
def _(path: Path) -> None:
    make_workbook(path)


@case("valid_money_as_text_and_spaces")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[
            ("", " 01-100 ", "L ", "  General  conditions ", "$12,000.00"),
            ("", "99-900", "CR", "Rebate", "(500.00)"),
        ],
        total="11,500.00",
    )


@case("valid_libreoffice_saved", via="lo")
def _(path: Path) -> None:
    make_workbook(path)


@case("missing_project_number")
def _(path: Path) -> None:
    make_workbook(path, project="")


@case("unknown_job")
def _(path: Path) -> None:
    make_workbook(path, project="P-9999")


@case("closed_job")
def _(path: Path) -> None:
    make_workbook(path, project="P-3003")


@case("blank_cost_code")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, code=None))


@case("unknown_cost_code")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, code="04-400"))


@case("cost_code_lost_its_zero")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, code=3300))


@case("cost_code_of_another_job")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(0, code="05-500"))


@case("blank_cost_type")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(2, kind=""))


@case("unknown_cost_type")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(2, kind="X"))


@case("cost_type_not_for_this_code")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(3, kind="E"))


@case("duplicate_line")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(2, kind="M"))


@case("sub_job_on_a_job_without_sub_jobs")
def _(path: Path) -> None:
    make_workbook(path, project="P-2002", lines=lines_with(0, sub_job="A"))


@case("amount_is_text")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, amount="forty five k"), total=None)


@case("numbers_typed_as_text_that_read_two_ways")
def _(path: Path) -> None:
    make_workbook(
        path,
        headers=UNIT_HEADERS,
        lines=[
            ("", "01-100", "L", "General conditions", "1.234"),
            ("", "03-300", "M", "Concrete", "125", "10", "m3", "12,5"),
            ("", "03-300", "L", "Concrete labour", "1.234,56"),
            ("", "09-900", "S", "Painting subcontract", "1\u06605"),
            ("", "02-200", "L", "Survey", "€1,234.56"),
            ("", "02-200", "M", "Fill", "(-500)"),
            ("", "01-100", "O", "Testing", "12,34,5"),
        ],
        total=None,
    )


@case("valid_numbers_typed_as_text")
def _(path: Path) -> None:
    make_workbook(
        path,
        headers=UNIT_HEADERS,
        lines=[
            ("", "01-100", "L", "General conditions", "1,234.56"),
            ("", "03-300", "M", "Concrete", "$1,250.00", "100", "m3", "12.50"),
            ("", "03-300", "L", "Concrete labour", "1\u00a0234\u00a0567.00"),
            ("", "09-900", "S", "Painting subcontract", "1,234"),
        ],
        total="$1,238,285.56",
    )


@case("amount_three_decimals")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, amount=45000.505), total=None)


@case("negative_amount_not_allowed")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(0, amount=-12000))


@case("unit_qty_times_cost_mismatch")
def _(path: Path) -> None:
    make_workbook(
        path,
        headers=UNIT_HEADERS,
        lines=[
            ("", "01-100", "L", "Supervision", 12000, 400, "HR", 30),
            ("", "03-300", "M", "Concrete", 45000.5, 100, "CY", 450),
        ],
        total=None,
    )


@case("description_too_long")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(3, text="Painting " * 10))


@case("total_off_by_a_cent")
def _(path: Path) -> None:
    make_workbook(path, total=95000.51)


@case("total_is_text")
def _(path: Path) -> None:
    make_workbook(path, total="TBD")


@case("empty_budget")
def _(path: Path) -> None:
    make_workbook(path, lines=[], total=None)


@case("no_line_table")
def _(path: Path) -> None:
    make_workbook(path, headers=("Code", "Type", "Money"))


@case("excel_errors_in_cells", via="lo")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[("", "01-100", "L", "Labour", "=1/0"), ("", "03-300", "M", "=#REF!", 45000.5)],
        total=None,
    )


@case("formulas_with_cached_values", via="lo")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[
            ("", "01-100", "L", "Labour", "=400*30"),
            ("", "03-300", "M", "Concrete", "=45000+0.5"),
        ],
        total="=SUM(E8:E9)",
    )


@case("formulas_without_cached_values")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[("", "01-100", "L", "Labour", "=400*30"), ("", "03-300", "M", "Concrete", 45000.5)],
        total=None,
    )


@case("merged_header_cells", via="lo")
def _(path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Budget"
    for row, (label, value) in enumerate(
        (
            ("Project Number", "P-1001"),
            ("Project Name", "Riverside Clinic"),
            ("Prepared By", "Ada Admin"),
        ),
        start=1,
    ):
        sheet.cell(row, 1, label)
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
        sheet.cell(row, 3, value)
    sheet.append([])
    sheet.append(["Cost Code", "Cost Type", "Original Budget Amount"])
    sheet.append(["01-100", "L", 12000])
    sheet.append(["09-900", "X", 8000])
    book.save(path)


@case("header_block_below_a_logo")
def _(path: Path) -> None:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Budget")
    sheet.set_row(0, 60)
    sheet.insert_image(0, 0, "logo.png", {"image_data": _png(120, 40)})
    rows = [
        ["Project Number", "P-1001"],
        ["Prepared By", "Ada Admin"],
        [],
        ["Cost Code", "Cost Type", "Description", "Amount"],
        ["01-100", "L", "Supervision", 12000],
        ["03-300", "Q", "Concrete", 45000.5],
    ]
    for index, row in enumerate(rows, start=3):
        sheet.write_row(index, 0, row)
    book.close()


@case("hidden_row_and_hidden_sheet")
def _(path: Path) -> None:
    make_workbook(path)
    book = openpyxl.load_workbook(path)
    book["Budget"].row_dimensions[9].hidden = True
    book.create_sheet("Old numbers").sheet_state = "hidden"
    book.save(path)


@case("many_problems_at_once", via="lo")
def _(path: Path) -> None:
    make_workbook(
        path,
        project="P-2002",
        total=1,
        lines=[
            ("A", "01-100", "L", "Supervision", 12000),
            ("", "3300", "M", "Concrete", "45,000.50"),
            ("", "03-300", "Z", "Forms", 1.005),
            ("", "01-100", "L", "Supervision again", 10),
            ("", "", "S", "Painting", -5),
        ],
    )


@case("formula_amount_with_sub_cent_digits", via="lo")
def _(path: Path) -> None:
    make_workbook(
        path,
        headers=UNIT_HEADERS,
        lines=[
            ("", "01-100", "L", "Supervision", "=F8*H8", 400, "HR", 30),
            ("", "03-300", "M", "Concrete", "=F9*H9", 333, "CY", 1833.333),
        ],
        total="=SUM(E8:E9)",
    )


@case("total_is_the_sum_before_rounding", via="lo")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[("", code, "L", "A third", "=10/3") for code in ("01-100", "02-200", "03-300")],
        total="=SUM(E8:E10)",
    )


@case("cost_codes_and_types_in_another_case")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[
            ("", "01-100", "l", "General conditions", 12000),
            ("", "03-300", "m", "Concrete", 45000.5),
            ("", "99-900", "cr", "Rebate", -500),
        ],
    )


@case("cost_code_near_misses")
def _(path: Path) -> None:
    make_workbook(
        path,
        lines=[
            ("", "3-300", "L", "Concrete labour", 30000),
            ("", "03-3OO", "M", "Concrete", 45000.5),
            ("", "09.900", "S", "Painting subcontract", 8000),
            ("", "01-100", "0", "Other costs", 100),
        ],
    )


@case("macros_in_an_xlsx")
def _(path: Path) -> None:
    make_workbook(path)
    with zipfile.ZipFile(path, "a") as package:  # a .xlsm's macros, under an .xlsx name
        package.writestr("xl/vbaProject.bin", b"macro")


@case("part_that_expands_like_a_zip_bomb")
def _(path: Path) -> None:
    make_workbook(path)
    with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as package:
        package.writestr("xl/media/padding.bin", bytes(4 * 2**20))


@case("text_over_the_jobs_erp_layout")
def _(path: Path) -> None:
    make_workbook(  # within the rules (60 characters), over Sage 300's fields for P-4004
        path,
        project="P-4004",
        project_name="Lakeside School",
        headers=(*HEADERS, "Unit Qty", "UOM", "Unit Cost"),
        lines=[
            ("", "01-100", "L", "Site supervision, two foremen, nights", 12000, 400, "HOURS", 30),
            ("", "03-300", "M", "Concrete", 45000.5, 1, "LS", 45000.5),
        ],
    )


# An admin's own layout (issue 23): the names people give the columns, the amount last.
OWN_HEADERS = ("Code", "Description", "Type", "Qty", "Unit", "Unit Price", "Total")


@case("columns_as_people_name_them", via="lo")
def _(path: Path) -> None:
    make_workbook(  # headings, subtotals (SUM formulas) and a grand total: no problem at all
        path,
        headers=OWN_HEADERS,
        lines=[
            ("DIVISION 03 \u2013 CONCRETE", "", "", "", "", "", ""),
            ("03-300", "Ready mix", "M", 100, "CY", 450, "=D9*F9"),
            ("03-300", "Placing crew", "L", 10, "DAY", 3000.05, "=D10*F10"),
            ("", "Subtotal Concrete", "", "", "", "", "=SUM(G9:G10)"),
            ("DIVISION 09 \u2013 FINISHES", "", "", "", "", "", ""),
            ("09-900", "Painting", "S", "", "", "", 8000),
            ("", "Subtotal Finishes", "", "", "", "", "=SUM(G13:G13)"),
            ("Grand Total", "", "", "", "", "", "=G11+G14"),
        ],
        total="=G15",
    )


@case("columns_not_read")
def _(path: Path) -> None:
    make_workbook(  # Notes is "ignore" in the golden rules: its numbers are not told
        path,
        headers=(*OWN_HEADERS[:6], "Amount", "Total", "Qantity", "Labor", "Notes", ""),
        lines=[
            ("03-300", "Ready mix", "M", 100, "CY", 450, 45000, 45000, 100, 12, 1, 3),
            ("03-300", "Placing crew", "L", 10, "DAY", 3000, 30000, 30000, 10, 7, 2, 4),
        ],
        total=75000,
    )


@case("total_rows_that_do_not_add_up")
def _(path: Path) -> None:
    make_workbook(
        path,
        headers=OWN_HEADERS,
        lines=[
            ("DIVISION 03 \u2013 CONCRETE", "", "", "", "", "", ""),
            ("03-300", "Ready mix", "M", 100, "CY", 450, 45000),
            ("03-300", "Placing crew", "L", 10, "DAY", 3000, 30000),
            ("", "Subtotal Concrete", "", "", "", "", 75500),
            ("DIVISION 09 \u2013 FINISHES", "", "", "", "", "", ""),
            ("09-900", "Painting", "S", "", "", "", 8000),
            ("", "Subtotal Finishes", "", "", "", "", 8000),
            ("Grand Total", "", "", "", "", "", 83500.01),
        ],
        total=83000,
    )


@case("own_layout_refused", via="lo")
def _(path: Path) -> None:
    make_workbook(  # an unknown cost type refuses it; the column and a subtotal are warnings
        path,
        headers=(*OWN_HEADERS, "Qantity"),
        lines=[
            ("DIVISION 03 \u2013 CONCRETE", "", "", "", "", "", "", ""),
            ("03-300", "Ready mix", "M", 100, "CY", 450, 45000, 100),
            ("03-300", "Placing crew", "X", 10, "DAY", 3000, 30000, 10),
            ("", "Subtotal Concrete", "", "", "", "", "=SUM(G8:G9)+500", ""),
            ("DIVISION 09 \u2013 FINISHES", "", "", "", "", "", "", ""),
            ("09-900", "Painting", "S", "", "", "", 8000, ""),
            ("Total", "", "", "", "", "", 83000, ""),
        ],
        total=None,
    )


@case("amount_blank")
def _(path: Path) -> None:
    make_workbook(path, lines=lines_with(1, amount=None), total=None)


def _png(width: int, height: int) -> io.BytesIO:
    """A plain grey PNG, made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\x00" + b"\x99\x99\x99" * width for _ in range(height))
    png = (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )
    return io.BytesIO(png)


def _through_libreoffice(path: Path) -> None:
    """Open and save ``path`` in LibreOffice Calc (via .ods, so Calc writes the .xlsx)."""
    with tempfile.TemporaryDirectory() as scratch:
        profile = f"-env:UserInstallation=file://{scratch}/profile"
        ods = Path(scratch) / f"{path.stem}.ods"
        for fmt, source, outdir in (("ods", path, scratch), ("xlsx", ods, str(path.parent))):
            subprocess.run(
                [
                    "soffice",
                    profile,
                    "--headless",
                    "--convert-to",
                    fmt,
                    "--outdir",
                    outdir,
                    str(source),
                ],
                check=True,
                capture_output=True,
                timeout=180,
            )


def main() -> None:
    """Build every case (or those named on the command line)."""
    HERE.mkdir(exist_ok=True)
    wanted = sys.argv[1:] or list(CASES)
    for name in wanted:
        path = HERE / f"{name}.xlsx"
        CASES[name](path)
        if name in THROUGH_LIBREOFFICE:
            _through_libreoffice(path)
        print(f"built {path.relative_to(HERE.parent.parent.parent)}")


if __name__ == "__main__":
    main()
