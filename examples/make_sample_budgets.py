"""Build the sample budgets of the README's "Try it" section into examples/.

    .venv/bin/python examples/make_sample_budgets.py [FOLDER]

Job P-1001 Riverside Clinic, a 12,000 sq ft outpatient clinic, prepared by Ada Admin:
the original budget, a change order that adds an X-ray room, and a copy with two mistakes
for ``budget-erp check``. Each passes (or fails) the ERP lists in the repository's rules/.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import xlsxwriter

HERE = Path(__file__).resolve().parent
PROJECT, PROJECT_NAME, PREPARED_BY = "P-1001", "Riverside Clinic", "Ada Admin"
ORIGINAL = "P-1001_riverside_clinic.xlsx"
CHANGE_ORDER = "P-1001_change_order_1.xlsx"
WITH_MISTAKES = "P-1001_with_mistakes.xlsx"
HEADERS = (
    "Sub Job",
    "Cost Code",
    "Cost Type",
    "Description",
    "Unit Qty",
    "UOM",
    "Unit Cost",
    "Original Budget Amount",
)
FIRST_LINE = 8  # Excel row of the first line, as in `budget-erp template`
# A fixed date, so that the same script always builds the same workbooks.
CREATED = datetime(2026, 3, 2, 7, 0, 0)


@dataclass(frozen=True)
class Line:
    """One budget line. With a quantity its amount is the formula Unit Qty x Unit Cost."""

    code: str | int
    kind: str
    text: str
    qty: Decimal | None
    uom: str
    unit_cost: Decimal | None
    lump_sum: Decimal | None = None
    typed_amount: Decimal | None = None  # a number typed over the formula (a mistake)

    @property
    def amount(self) -> Decimal:
        if self.typed_amount is not None:
            return self.typed_amount
        if self.lump_sum is not None:
            return self.lump_sum
        assert self.qty is not None and self.unit_cost is not None
        return self.qty * self.unit_cost


def unit(code: str, kind: str, text: str, qty: str, uom: str, cost: str) -> Line:
    return Line(code, kind, text, Decimal(qty), uom, Decimal(cost))


# Cost types: L labour, M material, S subcontract, E equipment, O other (rules/cost_types.csv).
LINES = (
    unit("01-100", "L", "Project manager and superintendent", "52", "WK", "4850.00"),
    unit("01-500", "E", "Site office trailer and storage rental", "12", "MO", "1150.00"),
    unit("01-500", "O", "Temporary power, water and sanitation", "12", "MO", "2400.00"),
    unit("01-740", "S", "Final cleaning", "12000", "SF", "0.35"),
    Line("01-900", "O", "Contractor contingency", None, "", None, Decimal("120000.00")),
    unit("03-100", "S", "Formwork for footings and grade beams", "6800", "SF", "7.85"),
    unit("03-200", "M", "Reinforcing steel, delivered", "18.5", "TON", "1640.00"),
    unit("03-300", "M", "Ready-mix concrete, 4000 psi", "420", "CY", "168.50"),
    unit("03-300", "L", "Place and finish slab on grade", "12000", "SF", "2.15"),
    unit("03-300", "E", "Concrete pump truck", "6", "DAY", "1450.00"),
    unit("04-200", "S", "CMU walls and brick veneer", "5400", "SF", "28.60"),
    unit("05-120", "S", "Structural steel, fabricated and erected", "46", "TON", "4950.00"),
    unit("05-500", "M", "Lintels, railings and miscellaneous metals", "1", "LS", "18650.00"),
    unit("06-100", "M", "Blocking and backing lumber", "3200", "BF", "2.85"),
    unit("06-100", "L", "Rough carpentry labour", "240", "HR", "62.00"),
    unit("06-400", "S", "Exam room and nurse station casework", "185", "LF", "385.00"),
    unit("07-210", "M", "Batt and rigid insulation", "14500", "SF", "1.42"),
    unit("07-500", "S", "TPO roofing over tapered insulation", "12600", "SF", "11.25"),
    unit("07-900", "S", "Joint sealants", "1", "LS", "9800.00"),
    unit("08-110", "M", "Hollow metal doors and frames", "64", "EA", "685.00"),
    unit("08-400", "S", "Aluminium storefront and entrances", "1450", "SF", "78.00"),
    unit("08-710", "M", "Door hardware sets", "64", "SET", "545.00"),
    unit("09-290", "S", "Gypsum board partitions and ceilings", "26000", "SF", "6.40"),
    unit("09-510", "S", "Acoustical tile ceilings", "11200", "SF", "4.75"),
    unit("09-650", "M", "Sheet vinyl and resilient flooring", "9800", "SF", "6.90"),
    unit("09-650", "L", "Flooring installation", "9800", "SF", "2.60"),
    unit("09-910", "S", "Interior and exterior painting", "38000", "SF", "1.15"),
    unit("10-280", "M", "Toilet and bath accessories", "14", "EA", "612.50"),
    unit("22-100", "S", "Plumbing piping and fixtures", "48", "EA", "3850.00"),
    unit("22-600", "S", "Medical gas and vacuum systems", "1", "LS", "68000.00"),
    unit("23-090", "S", "Controls, testing and balancing", "1", "LS", "36500.00"),
    unit("23-300", "S", "Ductwork and air distribution", "12000", "SF", "14.20"),
    unit("23-700", "M", "Rooftop units, 12.5 ton", "4", "EA", "38750.00"),
    unit("23-700", "L", "Set and start up rooftop units", "96", "HR", "88.00"),
    unit("26-050", "S", "Electrical rough-in and wiring", "12000", "SF", "16.75"),
    unit("26-240", "M", "Switchboard and panelboards", "1", "LS", "48900.00"),
    unit("26-320", "M", "Standby generator, 150 kW", "1", "EA", "62000.00"),
    unit("26-500", "M", "LED light fixtures", "310", "EA", "265.00"),
    unit("31-100", "S", "Site clearing and grubbing", "1.8", "AC", "6500.00"),
    unit("31-200", "E", "Excavator and compactor rental", "18", "DAY", "1380.00"),
    unit("31-200", "L", "Equipment operators and labourers", "288", "HR", "58.50"),
    unit("31-200", "M", "Imported structural fill", "1350", "CY", "24.80"),
    unit("32-120", "S", "Asphalt parking and drives", "26000", "SF", "3.95"),
    unit("33-100", "S", "Water and sewer service connections", "1", "LS", "46500.00"),
)

# Change order 1: the owner adds an X-ray room; its shielding is a P-1001 cost code.
X_RAY = unit("13-490", "S", "X-ray room lead-lined walls and door", "620", "SF", "62.50")


def change_order_lines() -> tuple[Line, ...]:
    """The original lines with the X-ray room's shielding added in cost code order."""
    at = next(i for i, line in enumerate(LINES) if str(line.code) > "13-490")
    return (*LINES[:at], X_RAY, *LINES[at:])


def lines_with_mistakes() -> tuple[Line, ...]:
    """The original lines with two everyday slips, for ``budget-erp check`` to catch."""
    result = []
    for line in LINES:
        if (line.code, line.kind) == ("03-300", "M"):
            line = replace(line, code=3300)  # typed as a number: Excel drops the 0 and dash
        elif (line.code, line.kind) == ("08-710", "M"):
            line = replace(line, typed_amount=Decimal("34800.00"))  # 64 x 545.00 is 34,880.00
        result.append(line)
    return tuple(result)


SAMPLES = {
    ORIGINAL: ("original budget", LINES),
    CHANGE_ORDER: ("change order 1, X-ray room", change_order_lines()),
    WITH_MISTAKES: ("original budget", lines_with_mistakes()),
}


def write_budget(target: Path, title: str, lines: tuple[Line, ...]) -> None:
    """Write one budget in the contract's layout, with formulas and their computed values."""
    book = xlsxwriter.Workbook(str(target), {"in_memory": True})
    book.set_properties(
        {"title": f"{PROJECT_NAME}: {title}", "author": PREPARED_BY, "created": CREATED}
    )
    bold = book.add_format({"bold": True})
    big = book.add_format({"bold": True, "font_size": 14})
    head = book.add_format({"bold": True, "bg_color": "#D9E1F2", "border": 1, "text_wrap": True})
    text = book.add_format({"num_format": "@"})  # 03-300 stays text and keeps its zero
    qty = book.add_format({"num_format": "#,##0.##"})
    money = book.add_format({"num_format": "#,##0.00"})
    total_money = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 1})
    sheet = book.add_worksheet("Budget")

    last = FIRST_LINE + len(lines) - 1
    total = sum((line.amount for line in lines), Decimal(0))
    sheet.write_string(0, 0, f"{PROJECT_NAME}: {title}", big)
    for row, label, value in (
        (1, "Project Number", PROJECT),
        (2, "Project Name", PROJECT_NAME),
        (3, "Prepared By", PREPARED_BY),
    ):
        sheet.write_string(row, 0, label, bold)
        sheet.write_string(row, 1, value)
    sheet.write_string(4, 0, "Budget Total", bold)
    sheet.write_formula(4, 1, f"=H{last + 1}", money, float(total))
    for col, title_text in enumerate(HEADERS):
        sheet.write_string(FIRST_LINE - 2, col, title_text, head)

    for row, line in enumerate(lines, start=FIRST_LINE - 1):
        excel = row + 1
        if isinstance(line.code, int):
            sheet.write_number(row, 1, line.code)
        else:
            sheet.write_string(row, 1, line.code, text)
        sheet.write_string(row, 2, line.kind, text)
        sheet.write_string(row, 3, line.text)
        if line.qty is not None and line.unit_cost is not None:
            sheet.write_number(row, 4, float(line.qty), qty)
            sheet.write_string(row, 5, line.uom, text)
            sheet.write_number(row, 6, float(line.unit_cost), money)
        if line.typed_amount is None and line.lump_sum is None:
            sheet.write_formula(row, 7, f"=E{excel}*G{excel}", money, float(line.amount))
        else:
            sheet.write_number(row, 7, float(line.amount), money)
    # A total row: it names no cost type, so budget-erp does not read it as a line.
    sheet.write_string(last, 3, "Total", bold)
    sheet.write_formula(last, 7, f"=SUM(H{FIRST_LINE}:H{last})", total_money, float(total))

    for col, width in enumerate((8, 10, 9, 42, 10, 6, 12, 16)):
        sheet.set_column(col, col, width)
    sheet.freeze_panes(FIRST_LINE - 1, 0)
    book.close()


def build(folder: Path = HERE) -> list[Path]:
    """Write every sample into ``folder`` and return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (title, lines) in SAMPLES.items():
        write_budget(folder / name, title, lines)
        written.append(folder / name)
    return written


if __name__ == "__main__":
    for path in build(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(f"wrote {path}")
