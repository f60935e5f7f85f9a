"""A file the ERP refused, through the CLI: it leaves the outbox for ``outbox/failed/`` with its
manifest, done-marker and the ERP's message; the review issued again says at its top what
was refused, when and why; a late answer about an older file moves that file too without
reopening the budget; the daily summary and the reminders list it as refused by the ERP;
``status`` tells *sent, not confirmed* from *in the ERP (confirmed)* once results are in use."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.messages import body
from tests.support.workspace import Workspace, age

MESSAGE = "Cost code 03-300 is not set up"
HEADLINE = f"Re-export after the ERP refused version 1 on 2026-03-02: {MESSAGE}"
GROUP = ["P-1001_v1_001.csv", "P-1001_v1_001.csv.done", "P-1001_v1_001.csv.manifest.json"]


def _exported(ws: Workspace, project: str = "P-1001") -> None:
    ws.drop(f"{project}.xlsx", project=project)
    assert ws.run("process").exit_code == 0
    ws.decide(project, decision="Accept")
    assert ws.run("process").exit_code == 0


def _result(ws: Workspace, export: str, status: str, message: str = "") -> Path:
    path = ws.root / "outbox" / "results" / f"{export}.json"
    path.write_text(json.dumps({"export": export, "status": status, "message": message}))
    age(path)
    return path


def _status(ws: Workspace) -> dict[str, dict[str, Any]]:
    return {r["project_number"]: r for r in json.loads(ws.run("status", "--json").output)}


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, Any]]:
    events: list[dict[str, Any]] = json.loads(ws.run("history", project, "--json").output)
    return events


def _outbox_names(ws: Workspace) -> list[str]:
    """What an importer watching the outbox sees (not the folders under it)."""
    return ws.files("outbox")


def test_a_refused_file_leaves_the_outbox_and_the_new_review_says_so_at_its_top(
    workspace: Workspace,
) -> None:
    workspace.configure("export", done_marker=True)
    _exported(workspace)
    assert _outbox_names(workspace) == GROUP
    sent = (workspace.root / "outbox" / GROUP[0]).read_bytes()
    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)

    assert workspace.run("process").exit_code == 0

    assert _outbox_names(workspace) == []  # nothing of it left for an importer to retake
    failed = workspace.root / "outbox" / "failed"
    assert workspace.files("outbox/failed") == sorted([*GROUP, "P-1001_v1_001.csv.error.txt"])
    assert (failed / GROUP[0]).read_bytes() == sent  # moved, not rewritten
    manifest = json.loads((failed / GROUP[2]).read_text())
    assert manifest["sha256"] == hashlib.sha256(sent).hexdigest()
    note = (failed / "P-1001_v1_001.csv.error.txt").read_text()
    assert MESSAGE in note
    assert "P-1001_v1_001.csv.json" in note  # which result said so
    assert "2026-03-02" in note  # and when it was applied

    review = openpyxl.load_workbook(workspace.review())
    sheet = review["Review"]
    assert sheet["A2"].value == HEADLINE  # at the top, under the title
    assert sheet["A2"].font.bold and sheet["A2"].fill.fgColor.rgb == "FFFFC7CE"
    _, decision = next(iter(review.defined_names["Decision"].destinations))
    assert int(decision.split("$")[-1]) > 2  # above the decision cells
    facts = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert facts["Version"] == (
        "1 (re-export after the ERP refused P-1001_v1_001.csv on 2026-03-02 07:00 UTC)"
    )
    texts = [c.value for row in sheet.iter_rows() for c in row if isinstance(c.value, str)]
    assert not [t for t in texts if "first send" in t]

    [mail] = [m for m in workspace.mail() if "failed to export" in str(m["Subject"])]
    assert HEADLINE in body(mail) and HEADLINE in body(mail, "html")
    assert "outbox/failed" in body(mail)
    [failed_event] = [e for e in _history(workspace) if e["action"] == "fail_export"]
    assert "moved out of outbox/ to outbox/failed/P-1001_v1_001.csv" in failed_event["detail"]

    workspace.decide(decision="Accept")  # the ERP side is fixed: a new file, under _002
    assert workspace.run("process").exit_code == 0
    assert _outbox_names(workspace) == [name.replace("_001", "_002") for name in GROUP]
    assert workspace.files("outbox/failed")[0] == "P-1001_v1_001.csv"  # the refused one stays


def test_a_late_failure_about_an_older_file_moves_it_and_leaves_the_budget(
    workspace: Workspace,
) -> None:
    _exported(workspace)
    again = workspace.run("export", "P-1001", "--again", "--by", "Carl Accountant")
    assert again.exit_code == 0  # P-1001_v1_002.csv: now the newest file of the version
    _result(workspace, "P-1001_v1_001.csv", "failure", "an old complaint")

    assert workspace.run("process").exit_code == 0

    assert _status(workspace)["P-1001"]["status"] == "exported"  # not reopened
    assert not workspace.review().exists()
    assert "P-1001_v1_001.csv" not in _outbox_names(workspace)
    assert "P-1001_v1_002.csv" in _outbox_names(workspace)
    assert "P-1001_v1_001.csv" in workspace.files("outbox/failed")
    [moved] = [e for e in _history(workspace) if e["action"] == "set_aside"]
    assert moved["detail"].startswith("P-1001_v1_001.csv: an old complaint; moved out of outbox/")
    assert moved["detail"].endswith("the budget stays exported")


def test_a_failure_about_a_file_the_erp_took_moves_what_is_left(workspace: Workspace) -> None:
    workspace.configure("export", done_marker=True)
    _exported(workspace)
    (workspace.root / "outbox" / "P-1001_v1_001.csv").unlink()  # the ERP took it, then refused
    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)

    assert workspace.run("process").exit_code == 0

    assert _outbox_names(workspace) == []
    assert workspace.files("outbox/failed") == [
        "P-1001_v1_001.csv.done",
        "P-1001_v1_001.csv.error.txt",
        "P-1001_v1_001.csv.manifest.json",
    ]
    assert _status(workspace)["P-1001"]["status"] == "export_failed"


def test_a_refused_name_already_taken_in_failed_is_never_overwritten(
    workspace: Workspace,
) -> None:
    _exported(workspace)
    failed = workspace.root / "outbox" / "failed"
    failed.mkdir()
    (failed / "P-1001_v1_001.csv.error.txt").write_text("an earlier life of this workspace\n")
    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)

    assert workspace.run("process").exit_code == 0

    assert (failed / "P-1001_v1_001.csv.error.txt").read_text() == (
        "an earlier life of this workspace\n"
    )
    assert workspace.files("outbox/failed") == [
        "P-1001_v1_001 (2).csv",
        "P-1001_v1_001 (2).csv.error.txt",
        "P-1001_v1_001 (2).csv.manifest.json",
        "P-1001_v1_001.csv.error.txt",
    ]


def test_status_tells_sent_from_confirmed_once_results_are_in_use(
    workspace: Workspace,
) -> None:
    for project in ("P-1001", "P-2002", "P-3003"):
        _exported(workspace, project)
    before = _status(workspace)
    assert {row["erp_state"] for row in before.values()} == {""}  # no result yet: as before
    assert before["P-2002"]["in_erp"] == "v1 (outbox/P-2002_v1_001.csv)"

    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)
    _result(workspace, "P-3003_v1_001.csv", "success")
    assert workspace.run("process").exit_code == 0

    rows = _status(workspace)
    assert (rows["P-1001"]["erp_state"], rows["P-1001"]["erp_message"]) == (
        "refused by the ERP",
        MESSAGE,
    )
    assert rows["P-1001"]["in_erp"] == ""  # the ERP confirmed nothing of it
    assert rows["P-2002"]["erp_state"] == "sent, not confirmed"
    assert rows["P-2002"]["in_erp"] == "v1 (outbox/P-2002_v1_001.csv): sent, not confirmed"
    assert rows["P-3003"]["erp_state"] == "in the ERP (confirmed)"
    assert rows["P-3003"]["in_erp"] == "v1 (outbox/P-3003_v1_001.csv): in the ERP (confirmed)"
    table = workspace.run("status").output
    assert "refused by the ERP" in table and "sent, not confirmed" in table


def test_results_false_keeps_the_wording_of_a_workspace_without_results(
    workspace: Workspace,
) -> None:
    workspace.configure("export", results=False)
    _exported(workspace, "P-2002")
    _exported(workspace, "P-3003")
    _result(workspace, "P-3003_v1_001.csv", "success")
    assert workspace.run("process").exit_code == 0

    rows = _status(workspace)
    assert rows["P-2002"]["in_erp"] == "v1 (outbox/P-2002_v1_001.csv)"
    assert rows["P-3003"]["in_erp"] == "v1 (outbox/P-3003_v1_001.csv, imported)"
    assert {row["erp_state"] for row in rows.values()} == {""}

    workspace.configure("export", results=True)  # an ERP that answers, from the first file
    assert _status(workspace)["P-2002"]["erp_state"] == "sent, not confirmed"


def test_an_unknown_results_setting_is_refused(workspace: Workspace) -> None:
    workspace.configure("export", results="sometimes")
    result = workspace.run("status")
    assert result.exit_code == 2
    assert "export.results = 'sometimes'; expected true, false or \"auto\"" in result.output


def test_the_daily_summary_lists_a_refused_budget_apart_with_the_message(
    workspace: Workspace,
) -> None:
    _exported(workspace, "P-1001")
    workspace.drop("P-2002.xlsx", project="P-2002")
    assert workspace.run("process").exit_code == 0  # P-2002 waits for its approver
    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)
    assert workspace.run("process").exit_code == 0

    assert workspace.run("summary").exit_code == 0

    [summary] = [m for m in workspace.mail() if m["Subject"] == "ERP Integrations Daily Summary"]
    text = body(summary)
    waiting, _, refused = text.partition("refused by the ERP and await your decision again")
    assert "1 budget(s) await your acceptance" in waiting
    assert "P-2002" in waiting and "P-1001" not in waiting
    assert "- P-1001" in refused and "P-2002" not in refused
    assert re.search(
        r"refused by the ERP on 2026-03-02 \d\d:\d\d UTC \(P-1001_v1_001\.csv\)", refused
    )
    assert MESSAGE in refused
    html = body(summary, "html")
    assert "<strong>refused by the ERP</strong>" in html and MESSAGE in html


def test_a_separate_reminder_says_the_budget_was_refused_by_the_erp(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.configure("notify", reminders="separate")
    _exported(workspace)
    _result(workspace, "P-1001_v1_001.csv", "failure", MESSAGE)
    assert workspace.run("process").exit_code == 0

    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", "2026-03-03T09:00:00+00:00")
    assert workspace.run("process").exit_code == 0

    [reminder] = [m for m in workspace.mail() if str(m["Subject"]).startswith("Reminder:")]
    assert re.search(r"was refused by the ERP on 2026-03-02 \d\d:\d\d UTC", body(reminder))
    assert HEADLINE in body(reminder)
