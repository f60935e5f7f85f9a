"""Settling by watching, not by the clock: a workbook dated a year ahead (copied with its
times, or after a clock step) is taken once it has not changed for the settle time."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace

YEAR = 365 * 24 * 3600


def _ahead(path: Path) -> Path:
    moment = time.time() + YEAR
    os.utime(path, (moment, moment))
    return path


def test_process_watches_a_workbook_dated_a_year_ahead_and_takes_it(
    workspace: Workspace,
) -> None:
    workspace.configure("watch", settle_seconds=1.0)
    _ahead(make_workbook(workspace.root / "inbox" / "budget.xlsx"))

    started = time.monotonic()
    result = workspace.run("process")

    assert "budget.xlsx: P-1001: sent for approval" in result.output, result.output
    assert time.monotonic() - started >= 1.0  # it watched the file for the settle time
    assert workspace.review().exists()
    assert "waiting" not in result.output, result.output


@pytest.mark.slow
def test_the_daemon_takes_a_workbook_dated_a_year_ahead_after_settling(
    workspace: Workspace, tmp_path: Path
) -> None:
    fast_settings(workspace)
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        staged = _ahead(make_workbook(tmp_path / "budget.xlsx"))
        os.replace(staged, workspace.root / "inbox" / "budget.xlsx")

        assert wait_for(workspace.review().exists, timeout=30), daemon.output()
        assert daemon.stop() == 0
    finally:
        daemon.kill()


@pytest.mark.slow
def test_the_daemon_applies_a_save_that_kept_an_old_time_once_it_settles_not_at_the_rescan(
    workspace: Workspace, tmp_path: Path
) -> None:
    fast_settings(workspace)
    workspace.configure("watch", scan_interval_seconds=60.0)
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        make_workbook(tmp_path / "budget.xlsx").rename(workspace.root / "inbox" / "budget.xlsx")
        assert wait_for(workspace.review().exists, timeout=30), daemon.output()
        assert daemon.wait_for_output("P-1001: sent for approval"), daemon.output()

        started = time.monotonic()
        workspace.decide(decision="Accept")  # saved, then dated two minutes back

        assert wait_for((workspace.root / "outbox" / "P-1001_v1_001.csv").exists, timeout=50)
        assert time.monotonic() - started < 20, daemon.output()  # not the 60 s rescan
        assert daemon.stop() == 0
    finally:
        daemon.kill()
