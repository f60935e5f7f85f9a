"""A budget in an admin's own layout through the CLI: ``check --columns`` lists the names read,
``check`` and the refusal report tell the columns not read and the total rows that do not
add up (golden, byte for byte), and the review workbook shows the same warnings."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support.workspace import Workspace

GOLDEN = Path(__file__).parent.parent / "golden"
EXPECTED = GOLDEN / "check"
REFUSED = GOLDEN / "workbooks" / "own_layout_refused.xlsx"


@pytest.fixture
def listed(workspace: Workspace) -> Workspace:
    """A workspace with the golden rules: the ERP lists and two column names of its own."""
    for path in (GOLDEN / "rules").iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    return workspace


def _golden(name: str, actual: str, request: pytest.FixtureRequest) -> None:
    path = EXPECTED / name
    if request.config.getoption("--update-golden"):
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8")


def test_check_columns_lists_the_companys_names_first(
    listed: Workspace, request: pytest.FixtureRequest
) -> None:
    result = listed.run("check", "--columns")
    assert result.exit_code == 0
    _golden("columns.txt", result.output, request)
    assert "Original Budget Amount (required)  Budgeted*, Original Budget Amount," in result.output
    assert "(not read)                         Notes*" in result.output


def test_check_columns_outside_a_workspace_lists_ours_for_scripts(tmp_path: Path) -> None:
    result = Workspace(tmp_path).run("check", "--columns", "--json")
    assert result.exit_code == 0
    listed = json.loads(result.output)
    names = {(n["name"], n["field"]) for n in listed["column_names"]}
    assert {("Qty", "unit_qty"), ("Unit", "uom"), ("Unit Price", "unit_cost")} <= names
    assert not any(n["company"] for n in listed["column_names"])
    assert any("Unit is the unit of measure" in rule for rule in listed["rules"])


def test_check_needs_workbooks_or_columns_not_both(workspace: Workspace) -> None:
    result = workspace.run("check")
    assert result.exit_code == 2
    assert "give the workbooks to check, or --columns" in result.output
    both = workspace.run("check", "--columns", str(REFUSED))
    assert both.exit_code == 2 and "--columns lists the names" in both.output


def test_check_and_the_refusal_report_tell_the_new_rules(
    listed: Workspace, request: pytest.FixtureRequest
) -> None:
    checked = listed.run("check", str(REFUSED))
    assert checked.exit_code == 1
    _golden(
        "own_layout_refused.check.txt", checked.output.replace(str(REFUSED), REFUSED.name), request
    )

    listed.drop_file(REFUSED, "own.xlsx")
    assert listed.run("process").exit_code == 1
    report = (listed.root / "rejected" / "own.xlsx.refused.txt").read_text(encoding="utf-8")
    # the first line says when: the clock of the test's workspace, to the minute
    report = re.sub(r" on \d{4}-\d\d-\d\d \d\d:\d\d \w+\.", " on (date).", report, count=1)
    _golden("own_layout_refused.refused.txt", report, request)


def test_a_misnamed_column_reaches_the_approver_as_a_warning(listed: Workspace) -> None:
    listed.drop(
        headers=("Code", "Description", "Type", "Qantity", "Unit", "Unit Price", "Total"),
        lines=[("03-300", "Ready mix", "M", 100, "CY", 450, 45000)],
        total=None,
    )
    sent = listed.run("process")
    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    review = openpyxl.load_workbook(listed.review())["Review"]
    texts = [c.value for row in review.iter_rows() for c in row if isinstance(c.value, str)]
    assert any(
        "Budget!D6: the column Qantity is not read" in t and "[column.misnamed]" in t for t in texts
    ), texts
