"""What a person asks first: what is waiting in the inbox and when it will be taken, and
which version of a budget is in force in the ERP whatever became of a later change."""

from __future__ import annotations

import json
import os
import time

from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace


def test_process_and_status_name_a_file_still_settling(workspace: Workspace) -> None:
    path = workspace.drop()
    os.utime(path, (time.time(), time.time()))  # just written

    result = workspace.run("process")

    assert result.exit_code == 0
    assert "nothing to do" not in result.output
    assert "inbox/budget.xlsx: waiting, settling: taken once untouched for 2 s" in result.output
    status = workspace.run("status")
    assert "no budgets yet" in status.output
    assert "inbox/budget.xlsx: waiting, settling: taken once untouched for 2 s" in status.output


def test_a_workbook_open_in_excel_is_named_as_held_until_closed(workspace: Workspace) -> None:
    path = workspace.drop()
    (path.parent / f"~${path.name}").write_text("ada")
    os.utime(path, (time.time() - 10, time.time() - 10))

    result = workspace.run("process")

    assert "inbox/budget.xlsx: waiting, open in Excel or LibreOffice: held" in result.output
    assert "~$budget.xlsx" not in result.output  # the lock file is the workbook's, not an item


def test_status_shows_the_version_in_force_in_the_erp_beside_a_withdrawn_change(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0
    changed = [*DEFAULT_LINES[:3], ("", "09-900", "S", "Painting subcontract", 9000)]
    workspace.drop("change.xlsx", lines=changed)
    assert workspace.run("process").exit_code == 0
    workspace.decide(version=2, decision="Reject", reason="No change this quarter")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("withdraw", "P-1001", "--by", "Ada Admin").exit_code == 0

    [row] = json.loads(workspace.run("status", "--json").output)

    assert (row["status"], row["version"]) == ("withdrawn", 2)
    assert row["in_erp"] == "v1 (outbox/P-1001_v1_001.csv)"
    assert (row["total"], row["net_change"]) == ("96,000.50", "+1,000.00")
    table = workspace.run("status").output.splitlines()
    header, line = table[0].split(), table[1].split()
    assert header[:9] == [
        "PROJECT",
        "IN",
        "THE",
        "ERP",
        "STATE",
        "VERSION",
        "TOTAL",
        "NET",
        "CHANGE",
    ]
    # The version in force first, then the change withdrawn on top of it, then its amounts.
    erp = ["v1", "(outbox/P-1001_v1_001.csv)"]
    assert line[:7] == ["P-1001", *erp, "withdrawn", "v2", "96,000.50", "+1,000.00"]
