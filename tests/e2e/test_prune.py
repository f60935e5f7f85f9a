"""``budget-erp prune`` through the CLI, a year after the work: what an audit needs (every
decision, every export, the bytes of every version sent) and everything of an open budget
survive; old notices, mail sent and the archive bytes nothing refers to go; the budget still
waiting is decided as before. And prune waits for a pass under way."""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from pipeline.adapters.postgres.item_locks import item_key
from pipeline.config import ENV_DATABASE_URL
from pipeline.domain.retention import AUDIT_ACTIONS
from pipeline.services.sharing import PASSES
from tests.support.state import state_sql
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import MORNING, Workspace

YEAR_LATER = datetime.fromisoformat(MORNING) + timedelta(days=400)


def _a_year_of_work(ws: Workspace) -> None:
    """P-1001 rejected, sent again and accepted (exported); P-2002 refused (never a budget);
    P-3003 awaiting its approver."""
    ws.drop()
    assert ws.run("process").exit_code == 0
    ws.decide(decision="Reject", reason="Concrete is over the estimate")
    assert ws.run("process").exit_code == 0
    ws.drop("again.xlsx", lines=[(*DEFAULT_LINES[0][:4], 11000), *DEFAULT_LINES[1:]])
    assert ws.run("process").exit_code == 0
    ws.decide(version=2, decision="Accept")
    ws.drop("bad.xlsx", project="P-2002", total="TBD")
    ws.drop("waiting.xlsx", project="P-3003", project_name="Depot")
    result = ws.run("process")  # exit code 1: a file was refused
    assert "P-2002: refused" in result.output and "ERP file outbox/" in result.output


def _history(ws: Workspace, project: str) -> list[dict[str, object]]:
    result = ws.run("history", project, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, object]] = json.loads(result.output)
    return events


def _folder(ws: Workspace, folder: str) -> dict[str, bytes]:
    root = ws.root / folder
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _archived(ws: Workspace) -> set[str]:
    return {p.name[:64] for p in (ws.root / "archive" / "sha256").rglob("*") if p.is_file()}


def _a_year_later(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    """The clock a year ahead; the archive's files dated on the test's timeline (written
    on its morning), as the clock of their file system does not follow the test's."""
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{YEAR_LATER.isoformat()}@{time.time()}")
    morning = datetime.fromisoformat(MORNING).timestamp()
    for path in (ws.root / "archive").rglob("*"):
        os.utime(path, (morning, morning))


def test_prune_keeps_what_an_audit_needs_and_removes_the_rest(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace
    _a_year_of_work(ws)
    history = _history(ws, "P-1001")
    history_text = ws.run("history", "P-1001").output
    outbox, archived = _folder(ws, "outbox"), _archived(ws)
    # What goes from the archive: the file refused, the rejected workbook tidied away, and
    # the blank review workbooks issued for P-1001 (its decided saves are kept).
    (refused,) = state_sql(ws.root, "SELECT file_sha256 FROM events WHERE action = 'refuse'")
    issued = state_sql(ws.root, "SELECT sha256 FROM review_issues WHERE project_number = 'P-1001'")
    (tidy,) = [e["detail"] for e in history if e["action"] == "tidy"]
    (tidied,) = [sha for sha in archived if f"sha256 {sha[:12]}" in str(tidy)]
    unreferenced = {refused[0], tidied, *(sha for (sha,) in issued)}
    assert len(unreferenced) == 4 and unreferenced < archived
    assert "tidy" in [e["action"] for e in history]
    assert state_sql(ws.root, "SELECT count(*) FROM notifications WHERE status = 'sent'")[0][0]

    _a_year_later(ws, monkeypatch)
    dry = ws.run("prune", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "would remove 2 notice event(s)" in dry.output  # P-1001's tidy, P-2002's refusal
    assert "would remove 4 archived file(s)" in dry.output
    assert _history(ws, "P-1001") == history and _archived(ws) == archived

    result = ws.run("prune")
    assert result.exit_code == 0, result.output
    assert "removed 2 notice event(s) from the history" in result.output
    assert "removed 4 archived file(s) nothing kept refers to" in result.output

    # Every decision and export in the history as it was; only the notices went.
    assert _history(ws, "P-1001") == [e for e in history if e["action"] in AUDIT_ACTIONS]
    assert set(ws.run("history", "P-1001").output.splitlines()) < set(history_text.splitlines())
    assert state_sql(ws.root, "SELECT count(*) FROM events WHERE project_number = 'P-2002'") == [
        (0,)
    ]
    # ERP files and their records untouched; the bytes of each version sent and decided kept.
    assert _folder(ws, "outbox") == outbox
    assert state_sql(ws.root, "SELECT count(*) FROM erp_exports")[0][0] == 1
    kept = state_sql(
        ws.root,
        "SELECT file_sha256 FROM submissions UNION SELECT file_sha256 FROM events "
        "WHERE action IN ('accept', 'reject')",
    )
    assert {sha for (sha,) in kept} <= _archived(ws)
    assert _archived(ws) == archived - unreferenced
    assert state_sql(ws.root, "SELECT count(*) FROM notifications WHERE status = 'sent'") == [(0,)]
    # The budget still waiting is decided as ever: its review was kept.
    ws.decide("P-3003", decision="Accept")
    after = ws.run("process")
    assert after.exit_code == 0 and "ERP file outbox/" in after.output, after.output
    assert ws.run("prune").output.count("removed 0 ") == 4  # nothing more is old enough


@contextmanager
def _pass_under_way(ws: Workspace) -> Iterator[Callable[[int], bool]]:
    """The pass lock held, as a daemon's pass holds it (on PostgreSQL, shared); in the
    block, whether a process waits for it (the kernel's ``/proc/locks`` marks a waiter with
    ``->``; PostgreSQL's ``pg_locks`` lists a lock not granted)."""
    url = os.environ.get(ENV_DATABASE_URL, "")
    if url:
        with psycopg.connect(url, autocommit=True) as held:
            held.execute("SELECT pg_advisory_lock_shared(%s, %s)", item_key(PASSES))
            yield lambda pid: bool(
                held.execute(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted"
                ).fetchone()
                == (1,)
            )
        return
    lock = ws.root / "state" / "pass.lock"
    with lock.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield lambda pid: any(
            len(f) > 5 and f[1] == "->" and f[5] == str(pid)
            for f in (line.split() for line in Path("/proc/locks").read_text().splitlines())
        )


def _await_waiting(process: subprocess.Popen[str], waits: Callable[[int], bool]) -> None:
    while process.poll() is None:
        if waits(process.pid):
            return
        time.sleep(0.02)
    pytest.fail(f"prune ended while the pass held the lock: {process.communicate()}")


def test_prune_waits_for_the_pass_under_way(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _a_year_of_work(workspace)
    _a_year_later(workspace, monkeypatch)
    with _pass_under_way(workspace) as waits:
        process = subprocess.Popen(
            [sys.executable, "-m", "pipeline", "--workspace", str(workspace.root), "prune"],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=os.environ.copy(),
        )
        _await_waiting(process, waits)
        refused = state_sql(workspace.root, "SELECT count(*) FROM events WHERE action='refuse'")
        assert refused == [(1,)]  # nothing removed while the pass runs
    output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "removed 2 notice event(s)" in output
    assert state_sql(workspace.root, "SELECT count(*) FROM events WHERE action='refuse'") == [(0,)]
