"""The daemon as a real process: it picks files up by itself and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import Workspace, make_workbook


def _wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def _summary_marked_sent(ws: Workspace) -> bool:
    with sqlite3.connect(ws.root / "state" / "budget-erp.sqlite") as db:
        rows = db.execute(
            "SELECT status FROM notifications WHERE template = 'daily_summary'"
        ).fetchall()
    return rows == [("sent",)]


def _fast_settings(ws: Workspace, mode: str) -> None:
    config = ws.root / "budget-erp.toml"
    text = config.read_text()
    text = text.replace('mode = "native"', f'mode = "{mode}"')
    text = text.replace("settle_seconds = 2.0", "settle_seconds = 0.3")
    text = text.replace("incomplete_seconds = 120.0", "incomplete_seconds = 1.0")
    text = text.replace("poll_interval_seconds = 1.0", "poll_interval_seconds = 0.2")
    text = text.replace("scan_interval_seconds = 30.0", "scan_interval_seconds = 2.0")
    config.write_text(text)


@pytest.fixture(params=["native", "polling"])
def daemon(
    workspace: Workspace, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[Workspace, subprocess.Popen[str]]]:
    """``budget-erp watch`` running on the workspace as its own process."""
    _fast_settings(workspace, request.param)
    log = (tmp_path / "daemon.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "--workspace", str(workspace.root), "watch"],
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    yield workspace, process
    if process.poll() is None:
        process.kill()
        process.wait()
    log.close()


@pytest.mark.slow
def test_the_daemon_takes_a_dropped_budget_and_applies_the_decision(daemon):
    ws, process = daemon
    # Written elsewhere and moved in, as a copy tool finishing a file would.
    staged = make_workbook(ws.root / "staging.xlsx")
    os.replace(staged, ws.root / "inbox" / "budget.xlsx")

    assert _wait_for(lambda: ws.review().exists()), "no review workbook appeared"
    assert _wait_for(lambda: not (ws.root / "inbox" / "budget.xlsx").exists())
    time.sleep(0.4)  # the review workbook is ours; let it age past the settle interval
    ws.decide(decision="Accept")
    assert _wait_for(lambda: (ws.root / "outbox" / "P-1001_v1_001.csv").exists()), (
        "no ERP file appeared"
    )

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


@pytest.mark.slow
def test_the_daemon_survives_a_broken_file_and_keeps_going(daemon):
    ws, process = daemon
    (ws.root / "inbox" / "broken.xlsx").write_bytes(b"garbage")
    assert _wait_for(lambda: (ws.root / "rejected" / "broken.xlsx.refused.txt").exists())

    make_workbook(ws.root / "inbox" / "good.xlsx")

    assert _wait_for(lambda: ws.review().exists())
    assert process.poll() is None
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


@pytest.mark.slow
def test_the_daemon_recreates_a_removed_inbox_and_goes_on(daemon):
    ws, process = daemon
    time.sleep(0.5)
    for child in (ws.root / "inbox").iterdir():
        child.unlink()
    (ws.root / "inbox").rmdir()

    assert _wait_for(lambda: (ws.root / "inbox").is_dir(), timeout=40)
    make_workbook(ws.root / "inbox" / "late.xlsx")

    assert _wait_for(lambda: ws.review().exists(), timeout=40)
    assert process.poll() is None


@pytest.mark.slow
def test_the_daily_summary_goes_once_across_a_daemon_restart_at_summary_time(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from tests.integration.test_mail_smtp import _use_smtp
    from tests.smtp_server import Inbox, free_port, smtp_server

    port = free_port()
    _fast_settings(workspace, "native")
    _use_smtp(workspace, port)
    workspace.drop()
    with smtp_server(port, Inbox()) as inbox:
        assert workspace.run("process").exit_code == 0  # 07:00: sent, no summary
        env = {**os.environ, "PYTHONUNBUFFERED": "1"}
        command = [sys.executable, "-m", "pipeline", "--workspace", str(workspace.root), "watch"]

        def summaries() -> int:
            return inbox.subjects().count("ERP Integrations Daily Summary")

        first = subprocess.Popen(
            command,
            env={**env, "BUDGET_ERP_CLOCK_START": "2026-03-02T07:59:59+00:00"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            assert _wait_for(lambda: summaries() == 1, timeout=30), "no summary at 08:00"
            # Killed once the summary is marked sent: a kill between the server's 250 and
            # that mark resends it (at least once, test_crashes.py); this is about queueing.
            assert _wait_for(lambda: _summary_marked_sent(workspace), timeout=30)
        finally:
            first.kill()  # a crash, not a clean stop
            first.wait()
        second = subprocess.Popen(
            command,
            env={**env, "BUDGET_ERP_CLOCK_START": "2026-03-02T08:00:30+00:00"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            time.sleep(5)  # more than two scan intervals of the restarted daemon
            assert second.poll() is None
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=15)
        assert summaries() == 1
