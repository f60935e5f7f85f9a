"""No saved decision is thrown away: `retrieve` and `withdraw` first apply a decision the
approver saved and no pass has applied yet, and refuse, naming the review workbook, while it
is open or still being written."""

from __future__ import annotations

import json

from tests.support.workspace import Workspace


def _status(ws: Workspace) -> dict[str, str]:
    rows = json.loads(ws.run("status", "--json").output)
    return {row["project_number"]: row["status"] for row in rows}


def test_retrieve_applies_a_saved_accept_first_and_is_refused_as_the_budget_is_exported(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Accept")  # saved, settled; no pass has applied it (cron)

    result = workspace.run("retrieve", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 1, result.output
    assert "the decision saved in approval/P-1001_v1_review.xlsx was applied first" in (
        result.output
    )
    assert "cannot retrieve" in result.output
    assert _status(workspace)["P-1001"] == "exported"
    assert (workspace.root / "outbox" / "P-1001_v1_001.csv").exists()
    history = workspace.run("history", "P-1001").output
    assert "accept" in history and "retrieved before the approver answered" not in history
    workspace.run("process")  # delivers the mail the applied decision queued
    subjects = [str(m["Subject"]) for m in workspace.mail()]
    assert any("accepted" in s.lower() for s in subjects), subjects


def test_withdraw_applies_a_saved_reject_first_and_closes_the_budget(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Reject", reason="Concrete is too high")

    result = workspace.run("withdraw", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 0, result.output
    assert _status(workspace)["P-1001"] == "withdrawn"
    history = workspace.run("history", "P-1001").output
    assert "Concrete is too high" in history, history


def test_retrieve_is_refused_naming_a_review_still_being_written(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    review = workspace.decide(decision="Accept")
    whole = review.read_bytes()
    review.write_bytes(whole[: len(whole) // 2])  # the approver's save, half way

    result = workspace.run("retrieve", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 1, result.output
    assert (
        "approval/P-1001_v1_review.xlsx is open in Excel or LibreOffice, or still being saved"
        in (result.output)
    )
    assert _status(workspace)["P-1001"] == "awaiting_approval"
    review.write_bytes(whole)  # the save finishes: the retrieve then applies it first
    assert workspace.run("retrieve", "P-1001", "--by", "Ada Admin").exit_code == 1
    assert _status(workspace)["P-1001"] == "exported"


def test_retrieve_is_refused_while_the_review_is_open_in_excel(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    (workspace.root / "approval" / "~$P-1001_v1_review.xlsx").write_bytes(b"lock")

    result = workspace.run("retrieve", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 1, result.output
    assert "approval/P-1001_v1_review.xlsx is open in Excel" in result.output
    assert "P-1001_v1_review.xlsx" in workspace.files("approval")
    assert _status(workspace)["P-1001"] == "awaiting_approval"
