"""The daemon as a real process: it picks files up by itself and stops cleanly on SIGTERM."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.smtp_server import Inbox, free_port, smtp_server, use_smtp
from tests.support.state import state_sql
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace


def _summary_marked_sent(ws: Workspace) -> bool:
    rows = state_sql(ws.root, "SELECT status FROM notifications WHERE template = 'daily_summary'")
    return rows == [("sent",)]


@pytest.fixture(params=["native", "polling"])
def daemon(
    workspace: Workspace, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Daemon]:
    """``budget-erp watch`` running on the workspace as its own process."""
    fast_settings(workspace, request.param)
    running = Daemon.start(workspace, tmp_path / "daemon.log")
    yield running
    running.kill()


@pytest.mark.slow
def test_the_daemon_takes_a_dropped_budget_and_applies_the_decision(daemon: Daemon) -> None:
    ws = daemon.ws
    # Written elsewhere and moved in, as a copy tool finishing a file would.
    staged = make_workbook(ws.root / "staging.xlsx")
    os.replace(staged, ws.root / "inbox" / "budget.xlsx")

    assert wait_for(ws.review().exists), "no review workbook appeared"
    # The pass that wrote the review workbook is over (it logs its outcomes at its end):
    # the approver's save below cannot overtake the daemon's own bookkeeping of that file.
    assert daemon.wait_for_output("budget.xlsx: P-1001: sent for approval"), daemon.output()
    assert not (ws.root / "inbox" / "budget.xlsx").exists()
    ws.decide(decision="Accept")
    assert wait_for((ws.root / "outbox" / "P-1001_v1_001.csv").exists), "no ERP file appeared"

    assert daemon.stop() == 0


@pytest.mark.slow
def test_the_daemon_survives_a_broken_file_and_keeps_going(daemon: Daemon) -> None:
    ws = daemon.ws
    (ws.root / "inbox" / "broken.xlsx").write_bytes(b"garbage")
    assert wait_for((ws.root / "rejected" / "broken.xlsx.refused.txt").exists)

    make_workbook(ws.root / "inbox" / "good.xlsx")

    assert wait_for(ws.review().exists)
    assert daemon.process.poll() is None
    assert daemon.stop() == 0


@pytest.mark.slow
def test_the_daemon_recreates_a_removed_inbox_and_goes_on(daemon: Daemon) -> None:
    ws = daemon.ws
    # Only once the first pass is over: start-up makes missing folders too, so a folder
    # removed before it would say nothing about the watcher.
    assert daemon.wait_for_passes(1), daemon.output()
    shutil.rmtree(ws.root / "inbox")

    assert wait_for((ws.root / "inbox").is_dir, timeout=40), "the inbox was not recreated"
    assert "inbox disappeared; recreating it" in daemon.output()
    make_workbook(ws.root / "inbox" / "late.xlsx")

    assert wait_for(ws.review().exists, timeout=40), daemon.output()
    assert daemon.process.poll() is None


@pytest.mark.slow
def test_the_daily_summary_goes_once_across_a_daemon_restart_at_summary_time(
    workspace: Workspace, tmp_path: Path
) -> None:
    port = free_port()
    fast_settings(workspace, "native")
    use_smtp(workspace, port)
    workspace.drop()
    with smtp_server(port, Inbox()) as inbox:
        assert workspace.run("process").exit_code == 0  # 07:00: sent, no summary

        def summaries() -> int:
            return inbox.subjects().count("ERP Integrations Daily Summary")

        first = Daemon.start(
            workspace, tmp_path / "first.log", BUDGET_ERP_CLOCK_START="2026-03-02T07:59:59+00:00"
        )
        try:
            assert wait_for(lambda: summaries() == 1, timeout=30), "no summary at 08:00"
            # Killed once the summary is marked sent: a kill between the server's 250 and
            # that mark resends it (at least once, test_crashes.py); this is about queueing.
            assert wait_for(lambda: _summary_marked_sent(workspace), timeout=30)
        finally:
            first.kill()  # a crash, not a clean stop
        second = Daemon.start(
            workspace, tmp_path / "second.log", BUDGET_ERP_CLOCK_START="2026-03-02T08:00:30+00:00"
        )
        try:
            # The start-up pass and two scans: each would have sent a summary still due.
            assert second.wait_for_passes(3), second.output()
            assert second.process.poll() is None
        finally:
            assert second.stop() == 0
        assert summaries() == 1
