"""Clean ends (issue 24, item 10) when the environment fails, through the CLI and the daemon
as real processes: a full disk (a small tmpfs, filled), a read-only folder or workspace, and
a PostgreSQL server stopped mid-run end a command with one clear line and exit code 1,
never a traceback; the daemon logs one line a pass and keeps running (or, on a workspace
where it cannot even take its lock, ends at start with one line); nothing is lost, and the
work goes on once the fault is gone."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.support.daemon import Daemon, fast_settings
from tests.support.postgres import running_postgres
from tests.support.waiting import wait_for
from tests.support.workspace import Workspace, new_workspace

# What a full disk is called, by the OS and by SQLite, wherever it is met first.
FULL = ("No space left on device", "database or disk is full", "disk I/O error")
COMMANDS = (("process",), ("status",), ("status", "--html"), ("history", "P-1001"), ("mail",))


def _budget_erp(ws: Workspace, *args: str) -> subprocess.CompletedProcess[str]:
    """``budget-erp -w ROOT ARGS`` as its own process: what an operator or cron sees."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )


def _ends_cleanly(result: subprocess.CompletedProcess[str], *faults: str) -> None:
    """Exit code 1, no traceback, and the fault said (one of ``faults``) on one ``Error:``
    line or on the line of each file that waits."""
    output = result.stdout + result.stderr
    assert result.returncode == 1, output
    assert "Traceback" not in output
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(errors) <= 1, output
    assert any(fault in output for fault in faults), output


@pytest.fixture
def tmpfs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A small tmpfs of its own, to fill or make read-only, with the state on it (SQLite,
    whatever ``--store`` says); unmounted after the test."""
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount_point)], check=True)
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=True)


def _fill(disk: Path) -> Path:
    """Write until the disk is full; the file that fills it."""
    filler = disk / "filler"
    with filler.open("wb") as handle:
        try:
            while True:
                handle.write(b"\0" * 65536)
                handle.flush()
        except OSError:
            pass
    return filler


def _sent_once(ws: Workspace) -> None:
    """A budget sent for approval, so that the workspace has state to lose."""
    ws.drop("first.xlsx")
    assert _budget_erp(ws, "process").returncode == 0


def test_a_full_disk_ends_each_command_with_one_line_and_the_daemon_keeps_running(
    workspace: Workspace, tmpfs: Path, tmp_path: Path
) -> None:
    ws = new_workspace(tmpfs / "ws")
    fast_settings(ws)
    _sent_once(ws)
    dropped = ws.drop("second.xlsx", project="P-1002")
    filler = _fill(tmpfs)

    for command in COMMANDS:
        _ends_cleanly(_budget_erp(ws, *command), *FULL)
    daemon = Daemon.start_quiet(ws, tmp_path / "daemon.log")
    try:
        assert wait_for(lambda: any(f in daemon.output() for f in FULL), timeout=60)
        assert daemon.process.poll() is None  # still running
    finally:
        code = daemon.stop()
    assert code == 0
    assert "Traceback" not in daemon.output()
    assert dropped.exists() or any((ws.root / "processing").rglob("second.xlsx"))

    filler.unlink()  # space again: the budget that waited is taken
    freed = _budget_erp(ws, "process")
    assert freed.returncode == 0, freed.stdout + freed.stderr
    assert "P-1002: sent for approval" in freed.stdout


def test_a_read_only_folder_leaves_the_file_waiting_with_one_line(
    workspace: Workspace, tmpfs: Path
) -> None:
    ws = new_workspace(tmpfs / "ws")
    dropped = ws.drop()
    approval = ws.root / "approval"
    subprocess.run(["mount", "--bind", str(approval), str(approval)], check=True)
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(approval)], check=True)
        result = _budget_erp(ws, "process")
    finally:
        subprocess.run(["umount", str(approval)], check=True)

    _ends_cleanly(result, "Read-only file system")
    assert "budget.xlsx: failed. environment fault: Read-only file system" in result.stdout
    assert dropped.exists() or any((ws.root / "processing").rglob("budget.xlsx"))
    again = _budget_erp(ws, "process")
    assert again.returncode == 0 and "P-1001: sent for approval" in again.stdout


def test_a_read_only_workspace_ends_each_command_with_one_line(
    workspace: Workspace, tmpfs: Path, tmp_path: Path
) -> None:
    ws = new_workspace(tmpfs / "ws")
    fast_settings(ws)
    _sent_once(ws)
    ws.drop("second.xlsx", project="P-1002")
    subprocess.run(["mount", "-o", "remount,ro", str(tmpfs)], check=True)
    try:
        for command in COMMANDS:
            _ends_cleanly(_budget_erp(ws, *command), "Read-only file system", "unable to open")
        daemon = Daemon.start_quiet(ws, tmp_path / "daemon.log")
        try:  # it cannot even hold its presence lock (state/daemon.lock): it ends at start
            code = daemon.process.wait(timeout=60)
        finally:
            daemon.kill()
        output = daemon.output()
        assert code == 1, output
        assert "Traceback" not in output
        (line,) = [line for line in output.splitlines() if line.startswith("Error: ")]
        assert "Read-only file system" in line
    finally:
        subprocess.run(["mount", "-o", "remount,rw", str(tmpfs)], check=True)

    again = _budget_erp(ws, "process")
    assert again.returncode == 0 and "P-1002: sent for approval" in again.stdout


def test_a_database_server_lost_mid_run_ends_each_command_with_one_line(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with running_postgres() as server:  # a server of its own, to stop
        monkeypatch.setenv(ENV_DATABASE_URL, server.new_database())
        fast_settings(workspace)
        _sent_once(workspace)
        daemon = Daemon.start_quiet(workspace, tmp_path / "daemon.log")
        try:
            workspace.drop("second.xlsx", project="P-1002")
            assert daemon.wait_for_output("P-1002: sent for approval", timeout=60)
            server.stop()  # mid-run: between passes, its connections open
            workspace.drop("third.xlsx", project="P-1003")
            assert daemon.wait_for_output("state database", timeout=60), daemon.output()
            for command in COMMANDS:
                _ends_cleanly(_budget_erp(workspace, *command), "state database: connection")
            assert daemon.process.poll() is None
        finally:
            code = daemon.stop()
        assert code == 0, daemon.output()
        assert "Traceback" not in daemon.output()
