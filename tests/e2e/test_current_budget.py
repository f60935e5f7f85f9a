"""The budget in force, through the CLI: ``current/`` holds each exported version; a change
typed into a copy of it in LibreOffice (Save As) goes through, its SUM and ROUND recalculated;
with the ERP's answers it follows the confirmations; a change built from an older file is
taken, and the approver is told it is older, and which amounts a rejection turned down."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline.adapters.reading.version_mark import read_version_mark
from tests.support.messages import body
from tests.support.workbooks import UNIT_HEADERS, Line
from tests.support.workspace import Workspace, age

HERE = Path(__file__).parent
SAVE_AS = HERE / "libreoffice_save_as.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
GOLDEN_RULES = HERE.parent / "golden" / "rules"
LINES: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000, 400, "HR", 30),
    ("", "03-300", "M", "Concrete", 45000.5, None, None, None),
    ("A", "09-900", "S", "Painting, wing A", 8000, None, None, None),
]


@pytest.fixture
def listed(workspace: Workspace) -> Workspace:
    """A workspace with the ERP's lists (P-1001 takes sub jobs)."""
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    return workspace


def _current(ws: Workspace) -> Path:
    return ws.root / "current" / "P-1001_current.xlsx"


def _exported(ws: Workspace, version: int) -> None:
    """Accept the version waiting and export it."""
    ws.decide(version=version, decision="Accept")
    result = ws.run("process")
    assert result.exit_code == 0 and "accepted" in result.output, result.output


def _sent(ws: Workspace, source: Path, name: str) -> str:
    ws.drop_file(source, name)
    result = ws.run("process")
    assert result.exit_code == 0 and "sent for approval" in result.output, result.output
    return result.output


def _row_of(path: Path, code: str, kind: str) -> int:
    sheet = openpyxl.load_workbook(path)["Budget"]
    return next(row for row in range(1, sheet.max_row + 1) if _key(sheet, row) == (code, kind))


def _key(sheet: Any, row: int) -> tuple[object, object]:
    return sheet.cell(row, 2).value, sheet.cell(row, 3).value


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _review_warnings(ws: Workspace, version: int) -> str:
    sheet = openpyxl.load_workbook(ws.review(version=version))["Review"]
    return "\n".join(str(v) for row in sheet.iter_rows(values_only=True) for v in row if v)


@pytest.mark.slow
def test_a_change_typed_into_a_copy_of_the_budget_in_force_in_libreoffice_goes_through(
    listed: Workspace, tmp_path: Path
) -> None:
    listed.drop(lines=LINES, headers=UNIT_HEADERS)
    assert listed.run("process").exit_code == 0
    _exported(listed, 1)
    current = _current(listed)
    assert listed.files("current") == ["P-1001_current.xlsx"]
    before = _sha(current)

    # Ada opens current/, types a new quantity, and saves a copy as .xlsx (File > Save As).
    row = _row_of(current, "01-100", "L")
    change = tmp_path / "change order 1.xlsx"
    subprocess.run(
        [SYSTEM_PYTHON, str(SAVE_AS), str(current), str(change), f"Budget!E{row}=450"],
        check=True,
        timeout=180,
    )

    shown = openpyxl.load_workbook(change, data_only=True)["Budget"]
    assert shown[f"H{row}"].value == 13500  # =ROUND(E*G,2), calculated by LibreOffice
    assert shown["B4"].value == 13500 + 45000.5 + 8000  # =SUM(...), calculated too
    assert read_version_mark(change) == "P-1001 v1"  # kept by LibreOffice's Save As
    assert _sha(current) == before  # the budget in force is as it was

    _sent(listed, change, "change order 1.xlsx")
    changes = openpyxl.load_workbook(listed.review(version=2))["Changes"]
    [changed] = [r for r in changes.iter_rows(values_only=True) if r[2] == "01-100"]
    assert changed[0] == "amount changed" and (changed[5], changed[6]) == (400, 450)  # qty
    assert "change.older_file" not in _review_warnings(listed, 2)

    _exported(listed, 2)
    assert read_version_mark(current) == "P-1001 v2"
    assert openpyxl.load_workbook(current)["Budget"][f"E{row}"].value == 450
    erp = (listed.root / "outbox" / "P-1001_v2_001_change.csv").read_text()
    assert "P-1001,,01-100,L,General conditions,50.0000,HR,,1500.00,approved change" in erp


def _result(ws: Workspace, export: str, status: str) -> None:
    path = ws.root / "outbox" / "results" / f"{export}.json"
    path.write_text(json.dumps({"export": export, "status": status, "message": "not set up"}))
    age(path)
    ws.run("process")


def test_with_results_current_follows_what_the_erp_confirms(workspace: Workspace) -> None:
    workspace.configure("export", results=True)
    workspace.drop()
    workspace.run("process")
    _exported(workspace, 1)
    assert workspace.files("current") == []  # sent, not confirmed: nothing in force yet
    _result(workspace, "P-1001_v1_001.csv", "success")
    assert read_version_mark(_current(workspace)) == "P-1001 v1"

    workspace.drop("change.xlsx", lines=[("", "01-100", "L", "General conditions", 13000)])
    workspace.run("process")
    _exported(workspace, 2)
    assert read_version_mark(_current(workspace)) == "P-1001 v1"  # sent, not confirmed
    exported = [m for m in workspace.mail() if "exported to the ERP" in str(m["Subject"])]
    assert "Once the ERP confirms this file, version 2 is in this workbook" in body(exported[-1])

    _result(workspace, "P-1001_v2_001_change.csv", "failure")
    assert read_version_mark(_current(workspace)) == "P-1001 v1"  # refused: v1 still in force

    workspace.decide(version=2, decision="Accept")  # again, once the ERP side is fixed
    workspace.run("process")
    _result(workspace, "P-1001_v2_002_change.csv", "success")
    assert read_version_mark(_current(workspace)) == "P-1001 v2"
    page = (workspace.root / "status" / "index.html").read_text()
    assert 'budget in force: <a href="../current/P-1001_current.xlsx">' in page


def test_a_change_from_an_older_file_is_taken_and_says_so_with_the_amounts_rejected(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.drop()  # 01-100 L 12,000; 03-300 M 45,000.50; 03-300 L 30,000; 09-900 S 8,000
    workspace.run("process")
    _exported(workspace, 1)
    mail = [m for m in workspace.mail() if "exported to the ERP" in str(m["Subject"])]
    assert "The budget in force in the ERP, version 1, is in this workbook" in body(mail[-1])

    # Version 2 raises the concrete; Carl rejects it, flagging the line.
    raised = [
        ("", "01-100", "L", "General conditions", 12000),
        ("", "03-300", "M", "Concrete", 60000),
    ]
    workspace.drop("raised.xlsx", lines=[*raised, *_the_rest()])
    workspace.run("process")
    workspace.decide(version=2, decision="Reject", line_flags={"03-300/M": "too high"})
    workspace.run("process")
    handed_back = tmp_path / "P-1001_v2_rejected.xlsx"  # the copy Ada keeps on her desk
    shutil.copy(workspace.root / "rejected" / "P-1001_v2_rejected.xlsx", handed_back)
    rejected_mail = [m for m in workspace.mail() if "rejected by" in str(m["Subject"])]
    assert str(_current(workspace)) in body(rejected_mail[-1])

    # Version 3, from her own file, changes the general conditions; it is exported.
    workspace.drop(
        "conditions.xlsx",
        lines=[("", "01-100", "L", "General conditions", 14000), *_the_rest(concrete=45000.5)],
    )
    workspace.run("process")
    _exported(workspace, 3)

    # Months later she builds the next change from the old hand-back: check says so first.
    checked = workspace.run("check", str(handed_back))
    assert checked.exit_code == 0 and "change.older_file" in checked.output, checked.output
    output = _sent(workspace, handed_back, "next change.xlsx")

    assert "version 4" in output
    warnings = _review_warnings(workspace, 4)
    assert (
        "built from version 2 (rejected on 2026-03-02); version 3 is in force in the ERP "
        "(current/P-1001_current.xlsx), and the changes are measured against it; back as in "
        "version 2: 01-100 / L, 03-300 / M"
    ) in warnings
    assert "brings back the amount rejected in v2 for: 03-300 / M" in warnings
    [told] = [m for m in workspace.mail() if "(version 4)" in str(m["Subject"])]
    assert "built from version 2 (rejected on 2026-03-02); version 3 is in force" in body(told)


def _the_rest(concrete: float | None = None) -> list[Line]:
    lines: list[Line] = [
        ("", "03-300", "L", "Concrete labour", 30000),
        ("", "09-900", "S", "Painting subcontract", 8000),
    ]
    if concrete is not None:
        lines.insert(0, ("", "03-300", "M", "Concrete", concrete))
    return lines
