"""The correction round trip in a real spreadsheet: LibreOffice Calc, headless over UNO, types a
budget with formulas into the template, rejects it with line notes only, corrects the workbook
handed back and answers its reasons; budget-erp takes each save as a person would make it."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support.messages import body
from tests.support.workspace import Workspace, age

HERE = Path(__file__).parent
EDIT, DECIDE = HERE / "libreoffice_edit.py", HERE / "libreoffice_decide.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
GOLDEN_RULES = HERE.parent / "golden" / "rules"
NOTE = "Use the supplier's quote: 300 m3 at 140.00"
ANSWER = "Sub job A is right: B was closed in March"


def _libreoffice(script: Path, path: Path, *args: str) -> None:
    subprocess.run([SYSTEM_PYTHON, str(script), str(path), *args], check=True, timeout=180)
    age(path)


def _row_of(path: Path, code: str, kind: str) -> int:
    sheet = openpyxl.load_workbook(path)["Budget"]
    row = next(r[0].row for r in sheet.iter_rows() if (r[1].value, r[2].value) == (code, kind))
    assert row is not None
    return row


def _review_lines(ws: Workspace, version: int) -> dict[tuple[str, str], float]:
    lines = openpyxl.load_workbook(ws.review(version=version))["Lines"]
    amounts = {}
    for r in lines.iter_rows(min_row=2):
        amount = r[8].value
        assert isinstance(amount, int | float), (r[2].value, r[3].value, amount)
        amounts[(str(r[2].value), str(r[3].value))] = float(amount)
    return amounts


def _stated_total(ws: Workspace, version: int) -> object:
    review = openpyxl.load_workbook(ws.review(version=version))["Review"]
    return next(r[1].value for r in review.iter_rows() if r[0].value == "Budget Total (stated)")


def _type_a_budget(ws: Workspace, target: Path) -> None:
    """An admin fills the template: formula amounts (quantity x unit cost) and a plain one,
    with the template's own SUM as the Budget Total."""
    assert ws.run("template", "--project", "P-1001", "--output", str(target)).exit_code == 0
    cells = {"B3": "Ada Admin"}
    for row, (code, kind, text, qty, cost) in enumerate(
        (
            ("01-100", "L", "General conditions", "400", "30"),
            ("03-300", "M", "Concrete", "333", "135.5"),
            ("09-900", "S", "Painting subcontract", "", ""),
        ),
        start=8,
    ):
        cells |= {f"B{row}": code, f"C{row}": kind, f"D{row}": text}
        if qty:
            cells |= {f"E{row}": qty, f"G{row}": cost, f"H{row}": f"=E{row}*G{row}"}
        else:
            cells[f"H{row}"] = "8000"
    _libreoffice(EDIT, target, *(f"Budget!{ref}={value}" for ref, value in cells.items()))


@pytest.fixture
def listed(workspace: Workspace) -> Workspace:
    """A workspace with ERP lists, so the workbooks we hand out carry dropdowns."""
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    return workspace


@pytest.mark.slow
def test_a_budget_typed_with_formulas_is_rejected_by_notes_and_corrected_in_libreoffice(
    listed: Workspace, tmp_path: Path
) -> None:
    typed = tmp_path / "budget.xlsx"
    _type_a_budget(listed, typed)
    listed.drop_file(typed)
    sent = listed.run("process")
    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    assert _review_lines(listed, 1)[("03-300", "M")] == 45121.5  # 333 x 135.5, calculated
    assert _stated_total(listed, 1) == 65121.5  # the template's own SUM, calculated

    _libreoffice(DECIDE, listed.review(), "Reject", "", "Carl Accountant", f"03-300/M={NOTE}")
    rejected = listed.run("process")
    assert rejected.exit_code == 0 and "rejected" in rejected.output, rejected.output

    handed = listed.root / "rejected" / "P-1001_v1_rejected.xlsx"
    row = _row_of(handed, "03-300", "M")
    _libreoffice(
        EDIT, handed, f"Budget!E{row}=300", f"Budget!G{row}=140", f"Budget!H{row}==E{row}*G{row}"
    )
    listed.drop_file(handed, "corrected.xlsx")
    resent = listed.run("process")

    assert resent.exit_code == 0 and "re-sent for approval" in resent.output, resent.output
    assert _review_lines(listed, 2) == {
        ("01-100", "L"): 12000,
        ("03-300", "M"): 42000,
        ("09-900", "S"): 8000,
    }
    review = openpyxl.load_workbook(listed.review(version=2))
    [reason] = list(review["Earlier Reasons"].iter_rows(min_row=4, values_only=True))
    assert reason[0] == NOTE and reason[3] == "looks addressed"
    assert _stated_total(listed, 2) == 62000  # the handed-back SUM, recalculated


@pytest.mark.slow
def test_an_unchanged_resend_is_taken_once_answered_in_libreoffice(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Reject", line_flags={"09-900/S": "Painting belongs to sub job B"})
    assert workspace.run("process").exit_code == 0
    handed = workspace.root / "rejected" / "P-1001_v1_rejected.xlsx"

    _libreoffice(EDIT, handed)  # opened and saved as it is: nothing changed, nothing answered
    workspace.drop_file(handed, "unanswered.xlsx")
    refused = workspace.run("process")

    assert refused.exit_code == 1
    assert "write your answer in the Response column of the Rejection Reasons sheet" in (
        refused.output
    )
    reasons = openpyxl.load_workbook(handed)["Rejection Reasons"]
    row = next(r[0].row for r in reasons.iter_rows() if r[0].value == "09-900 / S")
    _libreoffice(EDIT, handed, f"Rejection Reasons!C{row}={ANSWER}")
    workspace.drop_file(handed, "answered.xlsx")
    taken = workspace.run("process")

    assert taken.exit_code == 0 and "re-sent for approval" in taken.output, taken.output
    review = openpyxl.load_workbook(workspace.review(version=2))
    [reason] = list(review["Earlier Reasons"].iter_rows(min_row=4, values_only=True))
    assert reason[:4] == ("Painting belongs to sub job B", ANSWER, "09-900 / S", "answered")
    [mail] = [m for m in workspace.mail() if "(version 2)" in str(m["Subject"])]
    assert f"response: {ANSWER}" in body(mail)
