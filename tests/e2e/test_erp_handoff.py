"""The hand-off to the ERP: files never seen half-written, exactly one per accepted version
even across a crash, results back, budget changes as deltas, profiles per job."""

from __future__ import annotations

import csv
import email
import email.policy
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl

from tests.support.messages import body
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace, age


def _accepted(ws: Workspace, **drop: Any) -> None:  # make_workbook's keywords
    ws.drop(**drop)
    assert ws.run("process").exit_code == 0
    ws.decide(str(drop.get("project", "P-1001")), 1, decision="Accept")


def _data_files(ws: Workspace) -> list[str]:
    return [n for n in ws.files("outbox") if not n.endswith((".manifest.json", ".done"))]


def _status(ws: Workspace) -> dict[str, dict[str, Any]]:  # status --json, by project
    return {r["project_number"]: r for r in json.loads(ws.run("status", "--json").output)}


def _process(ws: Workspace, crash_at: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "BUDGET_ERP_CRASH_AT": crash_at}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_a_reader_listing_the_outbox_never_sees_a_partial_file(workspace: Workspace) -> None:
    lines = [
        ("", f"{i // 100:02d}-{i % 1000:03d}", "LMSOE"[i % 5], f"Line {i}", 10.5)
        for i in range(30000)
    ]
    _accepted(workspace, lines=lines)
    outbox = workspace.root / "outbox"
    seen: dict[str, set[int]] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            for entry in os.scandir(outbox):
                visible = entry.is_file() and not entry.name.startswith(".")
                if visible and entry.name.endswith(".csv"):
                    seen.setdefault(entry.name, set()).add(entry.stat().st_size)

    reader = threading.Thread(target=watch)
    reader.start()
    try:
        result = _process(workspace)
    finally:
        done.set()
        reader.join()
    assert result.returncode == 0, result.stderr
    [name] = _data_files(workspace)
    assert seen == {name: {(outbox / name).stat().st_size}}  # only ever seen whole
    manifest = json.loads((outbox / f"{name}.manifest.json").read_text())
    assert manifest["line_count"] == 30000 and manifest["total"] == "315000.00"


def test_a_crash_after_publishing_leaves_exactly_one_file_after_restart(
    workspace: Workspace,
) -> None:
    _accepted(workspace)

    crashed = _process(workspace, crash_at="export_after_rename")
    assert crashed.returncode == 75
    assert _data_files(workspace) == ["P-1001_v1_001.csv"]
    assert _status(workspace)["P-1001"]["status"] == "accepted"  # not recorded yet

    again = _process(workspace)

    assert again.returncode == 0, again.stderr
    assert _data_files(workspace) == ["P-1001_v1_001.csv"]
    assert _status(workspace)["P-1001"]["status"] == "exported"
    assert [n for n in os.listdir(workspace.root / "outbox") if n.endswith(".tmp")] == []


def test_a_crash_before_publishing_leaves_no_temporary_file_after_restart(
    workspace: Workspace,
) -> None:
    _accepted(workspace)
    assert _process(workspace, crash_at="export_before_rename").returncode == 75
    assert _data_files(workspace) == []

    assert _process(workspace).returncode == 0

    # 001's intent was recorded, so that name is spent: a name is tried only once.
    assert _data_files(workspace) == ["P-1001_v1_002.csv"]
    assert [n for n in os.listdir(workspace.root / "outbox") if n.startswith(".")] == []


def test_a_second_accept_of_the_same_version_exports_nothing(workspace: Workspace) -> None:
    _accepted(workspace)
    review = workspace.review().read_bytes()
    workspace.run("process")
    again = workspace.review()
    again.write_bytes(review)  # the approver saves the same workbook once more
    age(again)

    result = workspace.run("process")
    export = workspace.run("export", "P-1001")

    assert result.exit_code == 0
    assert "P-1001_v1_001.csv" in export.output
    assert _data_files(workspace) == ["P-1001_v1_001.csv"]
    assert workspace.files("approval") == []


def _result(ws: Workspace, export: str, status: str, message: str = "") -> None:
    path = ws.root / "outbox" / "results" / f"{export}.json"
    path.write_text(
        json.dumps(
            {
                "export": export,
                "status": status,
                "message": message,
                "erp_ids": {"estimate": "E-778"},
            }
        )
    )
    age(path)


def test_a_success_result_marks_the_budget_synced(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")
    _result(workspace, "P-1001_v1_001.csv", "success")

    result = workspace.run("process")

    assert "synced" in result.output
    assert _status(workspace)["P-1001"]["status"] == "synced"
    assert (workspace.root / "outbox" / "results" / "processed" / "P-1001_v1_001.csv.json").exists()
    assert "E-778" in workspace.run("history", "P-1001").output


def test_a_failure_result_puts_the_budget_back_before_the_approver(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")
    _result(workspace, "P-1001_v1_001.csv", "failure", "Cost code 03-300 is not set up")

    workspace.run("process")

    assert _status(workspace)["P-1001"]["status"] == "export_failed"
    review = openpyxl.load_workbook(workspace.review())
    texts = [c.value for r in review["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    assert (
        "Re-export after the ERP refused version 1 on 2026-03-02: Cost code 03-300 is not set up"
        in texts
    )
    subjects = {
        str(email.message_from_bytes(p.read_bytes(), policy=email.policy.default)["Subject"])
        for p in (workspace.root / "mail").glob("*export_failed*.eml")
    }
    assert subjects == {
        "Budget P-1001 failed to export: the ERP could not import P-1001_v1_001.csv"
    }
    workspace.decide(decision="Accept")
    workspace.run("process")
    assert _data_files(workspace) == ["P-1001_v1_002.csv"]  # the refused one left: failed/
    assert _status(workspace)["P-1001"]["status"] == "exported"


def test_a_result_naming_no_export_is_refused_with_a_reason(workspace: Workspace) -> None:
    _result(workspace, "nothing.csv", "success")
    result = workspace.run("process")
    assert "no export named 'nothing.csv'" in result.output
    assert (workspace.root / "outbox" / "results" / "refused" / "nothing.csv.json").exists()


def test_a_budget_change_exports_only_the_delta(workspace: Workspace) -> None:
    workspace.configure("export", profile="sage-intacct")
    _accepted(workspace)
    workspace.run("process")
    changed = [line for line in DEFAULT_LINES if line[1] != "09-900"]  # removed
    changed[1] = ("", "03-300", "M", "Concrete", 47000.5)  # +2,000.00
    changed.append(("", "05-500", "M", "Steel", 1500))  # added
    workspace.drop("change.xlsx", lines=changed)

    taken = workspace.run("process")
    assert "sent for approval" in taken.output, taken.output
    review = openpyxl.load_workbook(workspace.review(version=2))
    version = next(r[1].value for r in review["Review"].iter_rows() if r[0].value == "Version")
    assert "budget change against exported version 1" in str(version)
    workspace.decide(version=2, decision="Accept")
    workspace.run("process")

    assert _data_files(workspace) == ["P-1001_v1_001.csv", "P-1001_v2_001_change.csv"]
    sent = next(m for m in workspace.mail() if "(version 2)" in str(m["Subject"]))
    text = body(sent)
    assert "budget change against exported version 1" in text
    assert "03-300 / M: 45,000.50 -> 47,000.50 (+2,000.00)" in text
    assert "09-900 / S: removed, was 8,000.00" in text and "05-500 / M: added, 1,500.00" in text
    done = [str(m["Subject"]) for m in workspace.mail() if "exported" in str(m["Subject"])]
    assert done[-1] == "Budget P-1001 accepted by Carl Accountant and exported to the ERP"
    with (workspace.root / "outbox" / "P-1001_v2_001_change.csv").open(newline="") as f:
        rows = list(csv.DictReader(f))
    assert sorted(
        (r["TASKID"], r["COSTTYPEID"], Decimal(r["AMOUNT"]), r["WFTYPE"]) for r in rows
    ) == [
        ("03-300", "M", Decimal("2000.00"), "approved change"),
        ("05-500", "M", Decimal("1500.00"), "approved change"),
        ("09-900", "S", Decimal("-8000.00"), "approved change"),
    ]


def test_each_job_can_have_its_own_profile_and_intake_knows_its_limits(
    workspace: Workspace,
) -> None:
    workspace.configure("export", new=True, jobs={"P-2002": "spectrum"})
    workspace.drop(
        "spectrum.xlsx", project="P-2002", lines=[("A", "01-100", "L", "Supervision", 100)]
    )

    refused = workspace.run("process")

    assert "the spectrum ERP format takes no sub jobs" in refused.output
    workspace.drop("ok.xlsx", project="P-2002", lines=[("", "01-100", "L", "Supervision", 100)])
    workspace.run("process")
    workspace.decide("P-2002", 1, decision="Accept")
    workspace.run("process")
    text = (workspace.root / "outbox" / "P-2002_v1_001.csv").read_text()
    assert text.startswith("*,P-2002,")


def test_export_again_writes_a_new_file_and_records_it(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")

    result = workspace.run("export", "P-1001", "--again", "--by", "Ada Admin")

    assert result.exit_code == 0, result.output
    assert _data_files(workspace) == ["P-1001_v1_001.csv", "P-1001_v1_002.csv"]
    first, second = (workspace.root / "outbox" / n for n in _data_files(workspace))
    assert first.read_bytes() == second.read_bytes()
    assert "export_again" in workspace.run("history", "P-1001").output


def test_export_again_needs_someone_allowed(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")

    result = workspace.run("export", "P-1001", "--again", "--by", "Mallory")

    assert result.exit_code == 1
    assert "'Mallory' is not a budget admin or an accounting approver" in result.output
    assert _data_files(workspace) == ["P-1001_v1_001.csv"]


def test_export_in_another_profile_is_written_where_asked_and_not_recorded(
    workspace: Workspace, tmp_path: Path
) -> None:
    _accepted(workspace)
    workspace.run("process")
    target = tmp_path / "check.iif"

    result = workspace.run("export", "P-1001", "--profile", "quickbooks-iif", "-o", str(target))

    assert result.exit_code == 0, result.output
    assert target.read_text().startswith("!TRNS\t")
    assert _data_files(workspace) == ["P-1001_v1_001.csv"]


def test_a_copy_written_again_that_gets_in_settles_a_failed_export(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")
    _result(workspace, "P-1001_v1_001.csv", "failure", "ERP was down")
    workspace.run("process")
    assert workspace.review().exists()  # back with the approver
    workspace.run("export", "P-1001", "--again", "--by", "Carl Accountant")

    _result(workspace, "P-1001_v1_002.csv", "success")
    workspace.run("process")

    assert _status(workspace)["P-1001"]["status"] == "synced"
    assert not workspace.review().exists()  # nothing left for the approver to decide


def test_a_late_answer_about_an_older_file_changes_nothing(workspace: Workspace) -> None:
    _accepted(workspace)
    workspace.run("process")
    _result(workspace, "P-1001_v1_001.csv", "failure", "bad code")
    workspace.run("process")
    workspace.decide(decision="Accept")
    workspace.run("process")  # writes P-1001_v1_002.csv
    assert _status(workspace)["P-1001"]["status"] == "exported"

    _result(workspace, "P-1001_v1_001.csv", "failure", "the same old complaint")
    workspace.run("process")

    assert _status(workspace)["P-1001"]["status"] == "exported"
    assert not workspace.review().exists()


def test_a_file_adopted_after_a_crash_gets_its_done_marker(workspace: Workspace) -> None:
    workspace.configure("export", done_marker=True)
    _accepted(workspace)

    assert _process(workspace, crash_at="export_after_rename").returncode == 75
    assert _process(workspace).returncode == 0

    assert "P-1001_v1_001.csv.done" in workspace.files("outbox")
