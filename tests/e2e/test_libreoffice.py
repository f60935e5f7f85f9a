"""A real spreadsheet application writes the decision: LibreOffice Calc, headless, over UNO."""

from __future__ import annotations

import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support.workspace import Workspace, age

SCRIPT = Path(__file__).with_name("libreoffice_decide.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv


def _libreoffice_decides(review: Path, *args: str) -> None:
    subprocess.run([SYSTEM_PYTHON, str(SCRIPT), str(review), *args], check=True, timeout=180)
    age(review)


@pytest.mark.slow
def test_a_rejection_saved_by_libreoffice_is_applied(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()

    _libreoffice_decides(
        review,
        "Reject",
        "Concrete 03-300 is over the estimate",
        "carl@example.com",
        "09-900/S=Wrong sub job",
    )
    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert "rejected. by Carl Accountant" in result.output
    book = openpyxl.load_workbook(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx")
    notes = {(r[1].value, r[2].value): r[8].value for r in book["Budget"].iter_rows(min_row=7)}
    assert notes[("09-900", "S")] == "REJECTED: Wrong sub job"


@pytest.mark.slow
def test_an_acceptance_saved_by_libreoffice_exports_the_budget(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")

    _libreoffice_decides(workspace.review(), "Accept", "", "Carl Accountant")
    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert (workspace.root / "outbox" / "P-1001_v1_001.csv").read_text().count("\n") == 5
