"""rejected/ holds only what still needs the admin, and what it says fits the cause."""

from __future__ import annotations

import json
import os

from tests.support.messages import body
from tests.support.workspace import Workspace


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, str]]:
    events: list[dict[str, str]] = json.loads(ws.run("history", project, "--json").output)
    return events


def _archived(ws: Workspace) -> int:
    return len([p for p in (ws.root / "archive").rglob("*") if p.is_file()])


def test_earlier_refusals_leave_rejected_once_the_budget_is_sent(workspace: Workspace) -> None:
    workspace.drop("first.xlsx", lines=[("", "", "L", "no code", 10)])
    assert workspace.run("process").exit_code == 1
    assert workspace.files("rejected") == [
        "first.problems.xlsx",
        "first.xlsx",
        "first.xlsx.refused.txt",
    ]
    workspace.drop("second.xlsx", project="P-OTHER", lines=[("", "", "L", "x", 1)])
    assert workspace.run("process").exit_code == 1  # another project's refusal stays
    archived = _archived(workspace)

    workspace.drop("fixed.xlsx")
    assert workspace.run("process").exit_code == 0

    assert workspace.files("rejected") == [
        "second.problems.xlsx",
        "second.xlsx",
        "second.xlsx.refused.txt",
    ]
    assert _archived(workspace) >= archived + 2  # the note and the copy joined the archive
    tidy = [e for e in _history(workspace) if e["action"] == "tidy"]
    assert len(tidy) == 1 and "first.xlsx.refused.txt" in tidy[0]["detail"]


def test_the_rejected_version_leaves_rejected_once_it_is_sent_again(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Reject", reason="Too high")
    assert workspace.run("process").exit_code == 0
    assert workspace.files("rejected") == ["P-1001_v1_rejected.xlsx"]

    workspace.drop("v2.xlsx", lines=[("", "01-100", "L", "General conditions", 9000)])
    assert workspace.run("process").exit_code == 0

    assert workspace.files("rejected") == []
    assert "P-1001_v1_rejected.xlsx" in _history(workspace)[-1]["detail"]


def test_refusals_say_what_to_do_for_their_cause(workspace: Workspace) -> None:
    sent = workspace.drop()
    copy = sent.read_bytes()
    assert workspace.run("process").exit_code == 0
    duplicate = workspace.root / "inbox" / "again.xlsx"
    duplicate.write_bytes(copy)
    os.utime(duplicate, (0, 0))
    workspace.drop("locked.xlsx", lines=[("", "01-100", "L", "x", 5)])
    workspace.drop("broken.xlsx", project="P-2", lines=[("", "", "L", "x", 5)])
    assert workspace.run("process").exit_code == 1

    notes = {
        name: (workspace.root / "rejected" / f"{name}.refused.txt").read_text()
        for name in ("again.xlsx", "locked.xlsx", "broken.xlsx")
    }
    assert "Nothing to correct: that version is already with the approver" in notes["again.xlsx"]
    assert "wait for the approver's answer on version 1" in notes["locked.xlsx"]
    assert "Correct the workbook and drop it into inbox/ again." in notes["broken.xlsx"]
    assert "Correct the workbook" not in notes["again.xlsx"] + notes["locked.xlsx"]
    bodies = [body(m) for m in workspace.mail() if "locked.xlsx was not taken" in str(m["Subject"])]
    assert len(bodies) == 1 and "wait for the approver's answer" in bodies[0]
