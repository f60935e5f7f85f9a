"""`check` runs every check intake runs: a workbook it passes is taken, one it flags is
refused for the same reason, and it changes nothing; outside a workspace it says what it
could not check."""

from __future__ import annotations

import json
from pathlib import Path

from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace


def _check(ws: Workspace, path: Path) -> tuple[int, str]:
    result = ws.run("check", str(path))
    return result.exit_code, result.output


def test_a_workbook_without_a_submitter_fails_check_as_it_fails_intake(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = make_workbook(tmp_path / "nobody.xlsx", prepared_by=None)

    code, output = _check(workspace, path)

    assert code == 1 and "intake.submitter" in output and "no submitter" in output
    workspace.drop_file(path)
    assert "no submitter" in workspace.run("process").output


def test_a_locked_budget_fails_check(workspace: Workspace, tmp_path: Path) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    history = workspace.run("history", "P-1001").output
    again = make_workbook(tmp_path / "again.xlsx", lines=[("", "01-100", "L", "x", 5)])

    code, output = _check(workspace, again)

    assert code == 1 and "intake.busy" in output and "budget P-1001 is locked" in output
    assert workspace.run("history", "P-1001").output == history  # read-only
    assert json.loads(workspace.run("status", "--json").output)[0]["version"] == 1


def test_a_flagged_line_left_unchanged_fails_check(workspace: Workspace, tmp_path: Path) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Reject", reason="Too high", line_flags={"09-900/S": "wrong"})
    assert workspace.run("process").exit_code == 0
    lines = [("", "01-100", "L", "General conditions", 11000)]
    lines += [("", "09-900", "S", "Painting subcontract", 8000)]  # the flagged line, as it was
    resend = make_workbook(tmp_path / "resend.xlsx", lines=lines)

    code, output = _check(workspace, resend)

    assert code == 1 and "intake.resend" in output and "09-900 / S (wrong)" in output


def test_the_same_bytes_again_fail_check(workspace: Workspace) -> None:
    sent = workspace.drop()
    copy = sent.read_bytes()
    assert workspace.run("process").exit_code == 0
    again = workspace.root / "again.xlsx"
    again.write_bytes(copy)

    code, output = _check(workspace, again)

    assert code == 1 and "intake.duplicate" in output


def test_outside_a_workspace_check_says_what_it_could_not_check(tmp_path: Path) -> None:
    good = make_workbook(tmp_path / "good.xlsx")

    result = Workspace(tmp_path / "nowhere").run("check", str(good))

    assert result.exit_code == 0, result.output
    assert "good.xlsx: 0 error(s)" in result.output
    assert "not checked: the submitter" in result.output
    assert "outside a workspace" in result.output
    assert not (tmp_path / "nowhere").exists()  # nothing created
