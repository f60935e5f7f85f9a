"""Hostile drops that used to cost the daemon without bound: huge or deeply nested results
files and long ERP messages. Each is dropped beside a good budget, which must still reach
its approver in the same pass."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Workspace, _age

GOOD = "P-GOOD"
EXPORT = "P-1001_v1_001.csv"


def _process(ws: Workspace) -> subprocess.CompletedProcess[str]:
    """``budget-erp process`` as its own process, as cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _drop_good(ws: Workspace, project: str = GOOD) -> None:
    ws.drop(f"good-{project}.xlsx", project=project)


def _went_through(ws: Workspace, project: str = GOOD) -> None:
    """The good budget reached approval/ and its approver's email was written."""
    assert ws.review(project).exists()
    subjects = {str(message["Subject"]) for message in ws.mail()}
    assert f"Budget {project} sent for your acceptance (version 1)" in subjects


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode in (0, 1), done.stderr


def _exported(ws: Workspace) -> None:
    ws.drop()
    ws.run("process")
    ws.decide(decision="Accept")
    ws.run("process")
    assert (ws.root / "outbox" / EXPORT).exists()


def _status(ws: Workspace, project: str = "P-1001") -> str:
    rows = json.loads(ws.run("status", "--json").output)
    return str(next(r["status"] for r in rows if r["project_number"] == project))


def _result_file(ws: Workspace, name: str, text: str) -> Path:
    path = ws.root / "outbox" / "results" / name
    path.write_text(text, encoding="utf-8")
    _age(path)
    return path


@pytest.mark.parametrize(("max_kb", "size_kb"), [(None, 1536), (64, 100)])
def test_a_results_file_over_the_size_cap_is_refused_unread(
    workspace: Workspace, max_kb: int | None, size_kb: int
):
    if max_kb is not None:
        config = workspace.root / "budget-erp.toml"
        text = config.read_text().replace("max_result_kb = 1024", f"max_result_kb = {max_kb}")
        config.write_text(text)
    _exported(workspace)
    # A well-formed failure for a real export: only its size can refuse it.
    body = {"export": EXPORT, "status": "failure", "message": "x" * (size_kb * 1024)}
    _result_file(workspace, "big.json", json.dumps(body))
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    assert done.returncode == 1
    refused = workspace.root / "outbox" / "results" / "refused"
    note = (refused / "big.json.refused.txt").read_text()
    assert f"over the limit of {max_kb or 1024:,} KB ([limits] max_result_kb)" in note
    assert (refused / "big.json").exists()
    assert _status(workspace) == "exported"  # the answer was not applied
    _went_through(workspace)


def test_a_deeply_nested_results_file_is_refused_once_not_retried(workspace: Workspace):
    _exported(workspace)
    deep = "[" * 100_000 + "]" * 100_000
    _result_file(
        workspace, "deep.json", f'{{"export": "{EXPORT}", "status": "success", "erp_ids": {deep}}}'
    )
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    note = workspace.root / "outbox" / "results" / "refused" / "deep.json.refused.txt"
    assert "nested more than 32 levels deep" in note.read_text()
    assert not (workspace.root / "outbox" / "results" / "deep.json").exists()
    assert _status(workspace) == "exported"
    _went_through(workspace)
    assert _process(workspace).returncode == 0  # nothing left to fail on the next pass


def test_an_erp_message_is_cut_before_the_database_the_review_and_the_emails(
    workspace: Workspace,
):
    _exported(workspace)
    message = "Cost code 03-300 is not set up. " + "detail " * 30_000  # about 210 KB
    body = {"export": EXPORT, "status": "failure", "message": message}
    _result_file(workspace, "long.json", json.dumps(body))
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    assert _status(workspace) == "export_failed"  # applied: only what is kept is cut
    events = json.loads(workspace.run("history", "P-1001", "--json").output)
    failed = next(e for e in events if e["action"] == "fail_export")
    assert "Cost code 03-300 is not set up" in failed["detail"]
    assert "cut at 2,000 of" in failed["detail"]
    assert len(failed["detail"]) < 2500
    mails = [m for m in workspace.mail() if "failed to export" in str(m["Subject"])]
    assert mails
    for mail in mails:
        assert len(mail.get_body(("plain",)).get_content()) < 5000  # type: ignore[union-attr]
    kept = workspace.root / "outbox" / "results" / "processed" / "long.json"
    assert json.loads(kept.read_text())["message"] == message  # the whole answer is kept
    _went_through(workspace)
