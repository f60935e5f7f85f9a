"""The job's ERP layout is checked before the approver sees the budget: intake and `check`
refuse, naming the cell, a job field too long for it and a number it would round, so an
accepted budget always exports; `export --profile` of another layout still checks when it
writes, and `check` outside a workspace says it knows no layout."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.workbooks import UNIT_HEADERS, make_workbook
from tests.support.workspace import Workspace

LONG_NAME = "Riverside Clinic and Parking Decks"  # 34 characters: Spectrum takes 30
SPECTRUM_NAME = (
    "Budget!B3: the Project Name takes at most 30 characters in spectrum (Job description), not 34"
)


def test_a_spectrum_job_name_too_long_is_refused_at_intake_and_by_check(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.configure("export", new=True, jobs={"P-2002": "spectrum"})
    budget = make_workbook(tmp_path / "clinic.xlsx", project="P-2002", project_name=LONG_NAME)

    checked = workspace.run("check", str(budget))

    assert checked.exit_code == 1, checked.output
    assert "Budget!B3" in checked.output and "text.too_long" in checked.output
    assert "at most 30 characters in spectrum (Job description), not 34" in checked.output
    workspace.drop_file(budget)
    refused = workspace.run("process")
    assert refused.exit_code == 1
    assert workspace.files("rejected") == [
        "clinic.problems.xlsx",
        "clinic.xlsx",
        "clinic.xlsx.refused.txt",
    ]
    report = (workspace.root / "rejected" / "clinic.xlsx.refused.txt").read_text()
    assert SPECTRUM_NAME in report
    assert "Shorten the Project Name to 30 characters [text.too_long]" in report
    assert workspace.files("approval") == []


def test_the_same_name_fits_the_companys_layout_and_reaches_the_approver(
    workspace: Workspace,
) -> None:
    workspace.configure("export", new=True, jobs={"P-2002": "spectrum"})
    workspace.drop(project="P-1001", project_name=LONG_NAME)  # generic-csv: no name field

    assert workspace.run("process").exit_code == 0
    assert workspace.review("P-1001").exists()


def test_a_quantity_sage300_would_round_is_refused_naming_the_cell(workspace: Workspace) -> None:
    workspace.configure("export", profile="sage300")
    lines = [
        ("", "01-100", "L", "Supervision", 1000.0, 30, "HR", 33.3333),  # Sage 300 has no cost
        ("", "03-300", "M", "Concrete", 1000.0, 33.333, "CY", 30),
    ]
    workspace.drop(headers=UNIT_HEADERS, lines=lines)

    result = workspace.run("process")

    assert result.exit_code == 1
    report = (workspace.root / "rejected" / "budget.xlsx.refused.txt").read_text()
    assert (
        "Budget!F9: Unit Qty has 3 decimals, and the sage300 ERP format writes 2 (Item "
        "quantity): the ERP would get 33.33 (found '33.333'). Round it to 2 decimals "
        "(ROUND(..., 2) in Excel), so the ERP gets the number you mean [number.erp_decimals]"
    ) in report
    assert "Budget!H8" not in report and "Budget!F8" not in report


def test_export_in_another_layout_still_checks_when_it_writes(
    workspace: Workspace, tmp_path: Path
) -> None:
    workspace.drop(project_name=LONG_NAME)
    workspace.run("process")
    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0  # exported in generic-csv
    target = tmp_path / "P-1001.spectrum.csv"

    result = workspace.run("export", "P-1001", "--profile", "spectrum", "-o", str(target))

    assert result.exit_code == 1
    assert (
        "P-1001 v1 in spectrum: Job description takes at most 30 characters, not 34"
        in result.output
    )
    assert not target.exists()
    assert json.loads(workspace.run("status", "--json").output)[0]["status"] == "exported"


def test_check_outside_a_workspace_says_it_knows_no_layout(tmp_path: Path) -> None:
    budget = make_workbook(tmp_path / "long.xlsx", project_name="N" * 300)

    result = Workspace(tmp_path / "nowhere").run("check", str(budget))

    assert result.exit_code == 0, result.output
    assert "long.xlsx: 0 error(s)" in result.output
    assert "a duplicate (outside a workspace (" in result.output
    assert "; the ERP layout's limits (outside a workspace (" in result.output
    assert "has no budget-erp.toml): no job's ERP profile is known)" in result.output
