"""Budgets of any size, written fast with xlsxwriter, in the contract layout."""

from __future__ import annotations

from pathlib import Path

import xlsxwriter

HEADER_ROW = 6  # 0-based row of the table header (Excel row 7)
COLUMNS = [
    "Cost Code",
    "Description",
    "Cost Type",
    "Unit Qty",
    "UOM",
    "Unit Cost",
    "Original Budget Amount",
]


def make_budget(
    path: Path, lines: int, project: str = "P-24017", prepared_by: str = "Ada Admin"
) -> Path:
    """A valid budget with ``lines`` unique (cost code, cost type) lines."""
    path.parent.mkdir(parents=True, exist_ok=True)
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Budget")
    money = book.add_format({"num_format": "#,##0.00"})
    total = 0.0
    rows = []
    for i in range(lines):
        code = i // 5
        qty, cost = 1 + i % 37, round(10 + (i % 101) * 1.25, 2)
        amount = round(qty * cost, 2)
        total += amount
        rows.append(
            [
                f"{code // 1000:02d}-{code % 1000:03d}",
                f"Line {i} of the estimate, work item {i % 997}",
                "LMESO"[i % 5],
                qty,
                "EA",
                cost,
                amount,
            ]
        )
    sheet.write_row(0, 0, ["Budget"])
    sheet.write_row(1, 0, ["Project Number", project])
    sheet.write_row(2, 0, ["Project Name", "Benchmark Tower"])
    sheet.write_row(3, 0, ["Prepared By", prepared_by])
    sheet.write(4, 0, "Budget Total")
    sheet.write_number(4, 1, round(total, 2), money)
    sheet.write_row(HEADER_ROW, 0, COLUMNS)
    for index, row in enumerate(rows, start=HEADER_ROW + 1):
        sheet.write_row(index, 0, row)
    sheet.set_column(1, 1, 40)
    sheet.freeze_panes(HEADER_ROW + 1, 0)
    book.close()
    return path
