"""The environment's faults make files wait, never refuse them: a state database locked by
another program, an ERP list being rewritten (no rows), a damaged state database (which
stops the command, the daemon too, with exit code 2 before anyone is answered)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from tests.support import invariants
from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workspace import MORNING, Workspace, new_workspace

LOCK_SECONDS = 40.0  # past the 30 s busy timeout: the lock a backup or a sqlite3 shell holds
JOBS_HEADER = "job_number,name,status\n"


@pytest.fixture(autouse=True)
def _morning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the daily summary, as the ``workspace`` fixture's clock (daemons inherit it)."""
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")


def _sqlite_workspace(tmp_path: Path) -> Workspace:
    """A workspace whose state is SQLite whatever ``--store`` says: these faults are SQLite's."""
    return new_workspace(tmp_path / "ws")


def _nothing_refused(ws: Workspace) -> None:
    assert ws.files("rejected") == []
    assert ws.mail() == [], [str(m["Subject"]) for m in ws.mail()]


@pytest.mark.slow
def test_a_database_locked_for_40_s_makes_the_budget_wait_then_takes_it(
    tmp_path: Path,
) -> None:
    ws = _sqlite_workspace(tmp_path)
    fast_settings(ws)
    daemon = Daemon.start(ws, tmp_path / "daemon.log")
    try:
        assert daemon.wait_for_passes(1), daemon.output()
        holder = sqlite3.connect(ws.root / "state" / "budget-erp.sqlite", isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")  # as a backup tool or a sqlite3 shell holds it
        locked_at = time.monotonic()
        digest = invariants.sha(ws.drop("locked.xlsx"))

        assert daemon.wait_for_output("is locked by another program", timeout=LOCK_SECONDS)
        waiting = ws.run("status")
        assert "files wait: the state database budget-erp.sqlite is locked" in waiting.output
        assert "no budgets yet" in waiting.output  # nothing recorded, nobody told
        _nothing_refused(ws)
        time.sleep(max(0.0, LOCK_SECONDS - (time.monotonic() - locked_at)))  # the lock's hold
        holder.execute("ROLLBACK")
        holder.close()

        assert wait_for(lambda: ws.review("P-1001").exists(), timeout=60), daemon.output()
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    _nothing_refused_but_sent(ws)
    assert "Traceback" not in daemon.output()
    assert "files wait" not in ws.run("status").output
    assert invariants.check(ws.root, {"locked.xlsx": digest}) == []


def test_a_header_only_jobs_list_makes_budgets_wait_until_it_lists_the_job(
    workspace: Workspace,
) -> None:
    jobs = workspace.root / "rules" / "jobs.csv"
    jobs.write_text(JOBS_HEADER, encoding="utf-8")  # the ERP truncated it to rewrite it
    digest = invariants.sha(workspace.drop("job.xlsx"))

    held = workspace.run("process")

    assert "rules/jobs.csv has no rows (being rewritten?)" in held.output
    assert "environment fault" in held.output and "Traceback" not in held.output
    _nothing_refused(workspace)
    assert len(list((workspace.root / "processing").iterdir())) == 1  # still claimed
    assert "files wait: rules/jobs.csv has no rows" in workspace.run("status").output

    jobs.write_text(JOBS_HEADER + "P-1001,Riverside Clinic,open\n", encoding="utf-8")
    taken = workspace.run("process")

    assert "sent for approval" in taken.output, taken.output
    _nothing_refused_but_sent(workspace)
    assert "files wait" not in workspace.run("status").output
    assert invariants.check(workspace.root, {"job.xlsx": digest}) == []


def test_an_empty_jobs_list_does_not_stop_the_daemon_from_starting(
    workspace: Workspace, tmp_path: Path
) -> None:
    fast_settings(workspace)
    (workspace.root / "rules" / "jobs.csv").write_text("", encoding="utf-8")
    workspace.drop("job.xlsx")
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        assert daemon.wait_for_output("has no rows (being rewritten?)"), daemon.output()
        assert daemon.process.poll() is None, daemon.output()
        (workspace.root / "rules" / "jobs.csv").write_text(
            JOBS_HEADER + "P-1001,Riverside Clinic,open\n", encoding="utf-8"
        )
        assert wait_for(lambda: workspace.review("P-1001").exists(), timeout=60), daemon.output()
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert workspace.files("rejected") == []


def _nothing_refused_but_sent(ws: Workspace) -> None:
    assert ws.files("rejected") == []
    subjects = [str(m["Subject"]) for m in ws.mail()]
    assert subjects == ["Budget P-1001 sent for your acceptance (version 1)"], subjects


def _damage(database: Path) -> None:
    """Overwrite the start of the file, as a failing disk or a stray copy would."""
    with database.open("r+b") as handle:
        handle.write(b"this is not a database any more" * 200)


def test_a_damaged_database_stops_process_with_exit_2_and_answers_nobody(
    tmp_path: Path,
) -> None:
    ws = _sqlite_workspace(tmp_path)
    assert ws.run("process").exit_code == 0  # the state database now exists
    _damage(ws.root / "state" / "budget-erp.sqlite")
    ws.drop("good.xlsx")

    stopped = ws.run("process")

    assert stopped.exit_code == 2, stopped.output
    assert "is damaged" in stopped.output and "budget-erp state restore" in stopped.output
    assert "Traceback" not in stopped.output
    _nothing_refused(ws)
    assert ws.files("approval") == []


def test_a_damaged_database_stops_the_daemon_with_exit_2(tmp_path: Path) -> None:
    ws = _sqlite_workspace(tmp_path)
    fast_settings(ws)
    assert ws.run("process").exit_code == 0
    _damage(ws.root / "state" / "budget-erp.sqlite")
    ws.drop("good.xlsx")
    daemon = Daemon.start(ws, tmp_path / "daemon.log")
    try:
        assert daemon.process.wait(timeout=60) == 2, daemon.output()
    finally:
        daemon.kill()
    assert "is damaged" in daemon.output() and "state restore" in daemon.output()
    assert "Traceback" not in daemon.output()
    _nothing_refused(ws)
