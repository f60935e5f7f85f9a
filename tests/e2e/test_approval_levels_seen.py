"""Approval routing as people see it, through the CLI: ``status`` (its table's notes and
``--json``), ``history``, the daily summary and ``check`` say which level a version waits
on, who receives it (a delegate standing in), who accepted the earlier levels, and the
delegations in force; a version keeps the levels it was sent under when the matrix changes
after; a workspace of one level sees nothing new."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from tests.support.approval_levels import BIG, TWO_LEVELS, accepted_at_accounting, two_levels
from tests.support.messages import body
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace

NEEDS_BOTH = "Accounting, then Controller (total 1,200,000.00 over 1,000,000.00)"
# The test clock starts at 07:00 UTC; Berlin is an hour ahead in March.
ACCEPTED = re.compile(
    r"^  Accounting accepted by Dana Delegate for Carl Accountant, 2026-03-02 08:\d\d CET$",
    re.MULTILINE,
)


def rows(workspace: Workspace) -> dict[str, dict[str, Any]]:
    """``status --json`` by project."""
    result = workspace.run("status", "--json")
    assert result.exit_code == 0, result.output
    return {row["project_number"]: row for row in json.loads(result.stdout)}


def test_status_says_the_level_waited_on_who_accepted_before_and_who_stands_in(
    workspace: Workspace,
) -> None:
    two_levels(workspace)
    accepted_at_accounting(workspace)

    result = workspace.run("status")

    assert result.exit_code == 0, result.output
    text = result.output
    assert f"\nP-1001 v1 needs {NEEDS_BOTH}\n" in text
    assert ACCEPTED.search(text), text
    assert "\n  waits on Controller (level 2 of 2): Vera Controller\n" in text
    assert "P-2002 v1 needs" not in text  # one level: nothing to add to its row
    assert (
        "\nDelegations in force today:\n  Dana Delegate for Carl Accountant, "
        "2026-03-01 to 2026-03-05\n" in text
    )
    found = rows(workspace)
    big, small = found["P-1001"], found["P-2002"]
    assert big["levels"] == [
        {"name": "Accounting", "why": ""},
        {"name": "Controller", "why": "total 1,200,000.00 over 1,000,000.00"},
    ]
    assert big["waiting_level"] == "Controller (level 2 of 2)"
    assert big["receivers"] == ["Vera Controller"]
    [accept] = big["accepted"]
    assert accept["level"] == "Accounting"
    assert (accept["approver"], accept["on_behalf_of"]) == ("Dana Delegate", "Carl Accountant")
    assert accept["at"].startswith("2026-03-02T07:")
    assert small["levels"] == [{"name": "Accounting", "why": ""}]
    assert small["waiting_level"] == "Accounting"
    assert small["receivers"] == ["Dana Delegate for Carl Accountant"]
    assert small["accepted"] == []


def test_history_says_a_level_was_accepted_and_for_whom(workspace: Workspace) -> None:
    two_levels(workspace)
    accepted_at_accounting(workspace)

    lines = workspace.run("history", "P-1001").output.splitlines()

    [level] = [line for line in lines if " v1 accept a level " in line]
    assert level.split(" v1 accept a level ")[1].lstrip().startswith("Dana Delegate [account "), (
        level
    )
    assert (
        ": Accounting (level 1 of 2): for Carl Accountant, by Dana Delegate: version 1 "
        "accepted; next: Controller (level 2 of 2) sha256:" in level
    )
    events = json.loads(workspace.run("history", "P-1001", "--json").stdout)
    assert [e["action"] for e in events] == ["send", "accept_level"]  # the code, for scripts


def test_the_daily_summary_says_the_level_and_the_earlier_accepts(workspace: Workspace) -> None:
    two_levels(workspace)
    accepted_at_accounting(workspace)

    assert workspace.run("summary").exit_code == 0

    # Whoever each goes to (the people of the level each version waits on), the lines read so.
    text = "\n".join(
        body(m).replace("\r\n", "\n")
        for m in workspace.mail()
        if m["Subject"] == "ERP Integrations Daily Summary"
    )
    [entry] = [line for line in text.splitlines() if line.startswith("- P-1001 ")]
    assert entry.endswith("total 1,200,000.00, now with Controller (level 2 of 2)")
    assert ACCEPTED.search(text), text
    [small] = [line for line in text.splitlines() if line.startswith("- P-2002 ")]
    assert small.endswith("total 95,000.50")  # one level: said as before


def test_a_version_keeps_the_levels_it_was_sent_under_when_the_matrix_changes(
    workspace: Workspace,
) -> None:
    two_levels(workspace, away=False)
    workspace.drop("big.xlsx", lines=BIG)
    assert workspace.run("process").exit_code == 0
    # The controller's limit goes up to 2,000,000 while P-1001 waits.
    matrix = workspace.root / "rules" / "approval.toml"
    matrix.write_text(TWO_LEVELS.replace("1_000_000", "2_000_000"), encoding="utf-8")
    workspace.drop("depot.xlsx", project="P-2002", project_name="Harbour Depot", lines=BIG)
    assert workspace.run("process").exit_code == 0

    before = rows(workspace)
    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0
    after = rows(workspace)
    text = workspace.run("status").output

    assert [level["name"] for level in before["P-1001"]["levels"]] == ["Accounting", "Controller"]
    assert before["P-1001"]["waiting_level"] == "Accounting (level 1 of 2)"
    assert before["P-1001"]["receivers"] == ["Carl Accountant"]
    assert after["P-1001"]["waiting_level"] == "Controller (level 2 of 2)"
    assert f"\nP-1001 v1 needs {NEEDS_BOTH}\n" in text
    assert "\n  waits on Controller (level 2 of 2): Vera Controller\n" in text
    # Sent after the change, the same amount needs the one level.
    assert after["P-2002"]["levels"] == [{"name": "Accounting", "why": ""}]
    assert after["P-2002"]["waiting_level"] == "Accounting"
    assert "P-2002 v1 needs" not in text
    assert "Delegations in force" not in text  # nobody is away


def test_check_says_which_levels_a_budget_would_need_if_sent_now(
    workspace: Workspace, tmp_path: Path
) -> None:
    two_levels(workspace, away=False)
    big = make_workbook(tmp_path / "big.xlsx", project="P-3003", lines=BIG)
    small = make_workbook(tmp_path / "small.xlsx", project="P-2002")
    # P-1001 of 95,000.50 goes to the ERP; a change to 300,000 is 204,999.50 more.
    workspace.drop("clinic.xlsx")
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0
    change = make_workbook(
        tmp_path / "change.xlsx", lines=[("", "01-100", "L", "General conditions", 300_000)]
    )

    result = workspace.run("check", str(big), str(small), str(change))

    assert result.exit_code == 0, result.output
    blocks = {
        Path(block.split(":", 1)[0]).name: block
        for block in re.split(r"\n(?=/)", result.output.strip())
    }
    assert f"\nApproval: {NEEDS_BOTH}\n" in blocks["big.xlsx"]
    assert "\nApproval: Accounting\n" in blocks["small.xlsx"] + "\n"
    assert (
        "\nApproval: Accounting, then Controller (net change 204,999.50 over 100,000.00)"
        in blocks["change.xlsx"]
    )
    as_json = workspace.run("check", "--json", str(big))
    [problems] = json.loads(as_json.stdout).values()  # the shape scripts rely on
    assert isinstance(problems, list)
    assert as_json.stderr == f"{big}: approval: {NEEDS_BOTH}\n"


def test_one_level_shows_nothing_new(workspace: Workspace, tmp_path: Path) -> None:
    workspace.drop("clinic.xlsx")
    assert workspace.run("process").exit_code == 0

    text = workspace.run("status").output
    checked = workspace.run("check", str(make_workbook(tmp_path / "big.xlsx", lines=BIG)))

    assert "needs" not in text and "waits on" not in text and "Delegations" not in text
    assert "Approval" not in checked.output
    [row] = rows(workspace).values()
    assert row["levels"] == [{"name": "Accounting", "why": ""}]
    assert (row["waiting_level"], row["receivers"]) == ("Accounting", ["Carl Accountant"])
