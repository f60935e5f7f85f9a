"""A budget typed in LibreOffice Calc in an admin's own layout (Qty, Unit, Unit Price and
Total columns, division headings, SUM subtotals and a grand total) reaches the ERP with its
quantities; a column typed with a misnamed title is a warning the approver sees."""

from __future__ import annotations

import re
import subprocess
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.support.erp_readers import read_erp_file
from tests.support.workspace import Workspace, age

EDIT = Path(__file__).with_name("libreoffice_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
HEADERS = ("Code", "Description", "Type", "Qty", "Unit", "Unit Price", "Total")
# Excel row -> cells from column A, as the admin types them (from row 6, the header row).
TYPED: dict[int, tuple[str, ...]] = {
    1: ("Budget",),
    2: ("Project Number", "P-1001"),
    3: ("Prepared By", "Ada Admin"),
    4: ("Budget Total", "=G14"),
    6: HEADERS,
    7: ("DIVISION 03 \u2013 CONCRETE",),
    8: ("03-300", "Ready mix", "M", "100", "CY", "450", "=D8*F8"),
    9: ("03-300", "Placing crew", "L", "10", "DAY", "3000", "=D9*F9"),
    10: ("", "Subtotal Concrete", "", "", "", "", "=SUM(G8:G9)"),
    11: ("DIVISION 09 \u2013 FINISHES",),
    12: ("09-900", "Painting", "S", "400", "HR", "20", "=D12*F12"),
    13: ("", "Subtotal Finishes", "", "", "", "", "=SUM(G12:G12)"),
    14: ("Grand Total", "", "", "", "", "", "=G10+G13"),
}


def _typed_in_libreoffice(target: Path, typed: dict[int, tuple[str, ...]]) -> Path:
    """An empty workbook, every cell then typed in LibreOffice Calc and saved there."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Budget"
    book.save(target)
    edits = [
        f"Budget!{'ABCDEFGH'[col]}{row}={value}"
        for row, cells in typed.items()
        for col, value in enumerate(cells)
        if value
    ]
    subprocess.run([SYSTEM_PYTHON, str(EDIT), str(target), *edits], check=True, timeout=180)
    age(target)
    return target


def _review_texts(ws: Workspace) -> list[str]:
    review = openpyxl.load_workbook(ws.review())["Review"]
    return [c.value for row in review.iter_rows() for c in row if isinstance(c.value, str)]


@pytest.mark.slow
def test_a_budget_in_an_admins_own_layout_reaches_the_erp_with_its_quantities(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.configure("export", profile="sage300")
    workspace.drop_file(_typed_in_libreoffice(tmp_path / "own layout.xlsx", TYPED))

    sent = workspace.run("process")

    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    texts = _review_texts(workspace)
    assert not any("[column." in t or "[total_row." in t for t in texts), texts
    workspace.decide(decision="Accept")
    exported = workspace.run("process")
    assert exported.exit_code == 0 and "outbox/P-1001_v1_001.txt" in exported.output, (
        exported.output
    )

    records = read_erp_file(
        "sage300", (workspace.root / "outbox" / "P-1001_v1_001.txt").read_bytes()
    )
    assert [(r.cost_code, r.cost_type, r.quantity, r.unit, r.amount) for r in records] == [
        ("03-300", "M", Decimal("100.00"), "CY", Decimal("45000.00")),
        ("03-300", "L", Decimal("10.00"), "DAY", Decimal("30000.00")),
        ("09-900", "S", Decimal("400.00"), "HR", Decimal("8000.00")),
    ]


@pytest.mark.slow
def test_a_misnamed_column_typed_in_libreoffice_is_a_warning(
    workspace: Workspace, tmp_path: Path
) -> None:
    typed = {**TYPED, 6: ("Code", "Description", "Type", "Qantity", *HEADERS[4:])}
    path = _typed_in_libreoffice(tmp_path / "misnamed.xlsx", typed)

    checked = workspace.run("check", str(path))
    workspace.drop_file(path)
    sent = workspace.run("process")

    assert checked.exit_code == 0, checked.output
    assert re.search(r"^Budget!D6 +warning +column.misnamed ", checked.output, re.M), checked.output
    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    assert any(
        t.startswith("Budget!D6: the column Qantity is not read") for t in _review_texts(workspace)
    )
