"""The state is never lost quietly: with the folders showing earlier work and the SQLite
state deleted or emptied, every command that would write refuses to start (exit 2, nothing
written); a backup restored, the workflow goes on where it was; a fresh start only when
asked for in so many words. SQLite's own: these workspaces are SQLite whatever ``--store``."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import MORNING, Workspace, new_workspace

CHANGED = [*DEFAULT_LINES, ("", "05-500", "M", "Added scope", 38750.00)]


@pytest.fixture(autouse=True)
def _morning(monkeypatch: pytest.MonkeyPatch) -> None:
    """Before the daily summary, as the ``workspace`` fixture's clock (daemons inherit it)."""
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")


def _sent_once(tmp_path: Path) -> Workspace:
    ws = new_workspace(tmp_path / "ws")
    ws.drop("first.xlsx")
    assert "sent for approval" in ws.run("process").output
    return ws


def _database(ws: Workspace) -> Path:
    return ws.root / "state" / "budget-erp.sqlite"


def _delete_state(ws: Workspace) -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{_database(ws)}{suffix}").unlink(missing_ok=True)


@pytest.mark.parametrize(
    "command",
    [
        ("process",),
        ("status",),
        ("retrieve", "P-1001", "--by", "Ada Admin"),
        ("export", "P-1001"),
        ("summary",),
        ("mail",),
        ("history", "P-1001"),
    ],
)
def test_with_the_state_deleted_every_command_that_writes_refuses(
    tmp_path: Path, command: tuple[str, ...]
) -> None:
    ws = _sent_once(tmp_path)
    _delete_state(ws)
    ws.drop("change.xlsx", lines=CHANGED)
    mail_before = len(ws.mail())

    refused = ws.run(*command)

    assert refused.exit_code == 2, refused.output
    assert "state/budget-erp.sqlite is missing" in refused.output
    assert "approval/P-1001_v1_review.xlsx" in refused.output  # what showed earlier work
    assert "budget-erp state restore" in refused.output and "state new --i-know" in refused.output
    assert not _database(ws).exists()  # nothing written: no fresh state
    assert ws.files("inbox") == ["change.xlsx"] and ws.files("rejected") == []
    assert len(ws.mail()) == mail_before


def test_with_the_state_emptied_the_daemon_refuses_to_start(tmp_path: Path) -> None:
    ws = _sent_once(tmp_path)
    fast_settings(ws)
    _delete_state(ws)
    _database(ws).write_bytes(b"")  # emptied, as a failed copy leaves it
    daemon = Daemon.start(ws, tmp_path / "daemon.log")
    try:
        assert daemon.process.wait(timeout=60) == 2, daemon.output()
    finally:
        daemon.kill()
    assert "state/budget-erp.sqlite is empty" in daemon.output()
    assert _database(ws).stat().st_size == 0


def test_a_state_restored_from_a_backup_carries_the_workflow_on(tmp_path: Path) -> None:
    ws = _sent_once(tmp_path)
    ws.decide(decision="Accept")
    assert "ERP file outbox/P-1001_v1_001.csv" in ws.run("process").output
    backed_up = ws.run("state", "backup")
    assert backed_up.exit_code == 0, backed_up.output
    backup = sorted((ws.root / "state" / "backups").iterdir())[-1]  # `process` takes some too
    _delete_state(ws)
    ws.drop("change.xlsx", lines=CHANGED)  # the 5-line change, 38,750.00 added
    assert ws.run("process").exit_code == 2

    restored = ws.run("state", "restore", str(backup))

    assert restored.exit_code == 0, restored.output
    assert "1 budget(s)" in restored.output
    taken = ws.run("process")
    assert "sent for approval" in taken.output, taken.output
    assert ws.review("P-1001", 2).exists()  # version 2 of the exported budget, not a new 1
    assert not ws.review("P-1001", 1).exists()


def test_a_damaged_backup_is_not_restored(tmp_path: Path) -> None:
    ws = _sent_once(tmp_path)
    fake = tmp_path / "budget-erp-20260101T000000Z.sqlite"
    fake.write_bytes(b"SQLite format 3\0" + b"\xff" * 4000)

    refused = ws.run("state", "restore", str(fake))

    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "P-1001" in ws.run("status").output  # the state in place is untouched


def test_no_restore_while_a_daemon_runs(tmp_path: Path) -> None:
    ws = _sent_once(tmp_path)
    fast_settings(ws)
    daemon = Daemon.start(ws, tmp_path / "daemon.log")
    try:
        assert daemon.wait_for_passes(1), daemon.output()
        backup = sorted((ws.root / "state" / "backups").iterdir())[-1]

        refused = ws.run("state", "restore", str(backup))

        assert refused.exit_code == 1
        assert "a daemon (budget-erp watch) is running" in refused.output
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    assert ws.run("state", "restore", str(backup)).exit_code == 0


def test_a_fresh_start_only_when_asked_for_in_so_many_words(tmp_path: Path) -> None:
    ws = _sent_once(tmp_path)
    _delete_state(ws)

    assert ws.run("state", "new").exit_code == 2
    started = ws.run("state", "new", "--i-know")

    assert started.exit_code == 0, started.output
    ws.drop("change.xlsx", lines=CHANGED)
    assert ws.run("process").exit_code == 0  # taken, as the operator chose
    _delete_state(ws)  # lost again: that note was for the state deleted now
    assert ws.run("process").exit_code == 2


def test_a_new_workspace_starts_as_before(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws")
    ws.drop("first.xlsx")

    assert "sent for approval" in ws.run("process").output


def test_a_young_state_whose_only_file_was_refused_goes_on(tmp_path: Path) -> None:
    ws = new_workspace(tmp_path / "ws")
    ws.drop("bad.xlsx", total=1.00)  # refused: the stated total is wrong; no budget recorded
    assert "refused" in ws.run("process").output
    assert ws.files("rejected") != []  # the folders show work, the state has no budget
    ws.drop("good.xlsx")

    assert "sent for approval" in ws.run("process").output


def test_a_process_killed_in_its_first_pass_leaves_a_state_to_go_on_with(
    workspace: Workspace,
) -> None:
    """The state is created before the first file is claimed or archived: a kill in that
    first pass must not leave archived bytes without a state, which would read as lost."""
    state = workspace.root / "state" / "budget-erp.sqlite"
    if state.exists():
        state.unlink()
    workspace.drop()
    killed = subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "process"],
        env={**os.environ, "BUDGET_ERP_CRASH_AT": "after_claim"},
        capture_output=True,
        timeout=300,
    )
    assert killed.returncode == 75, killed.stderr

    assert workspace.on_postgres or state.exists()
    assert workspace.run("process").exit_code == 0
