"""Temporary files of interrupted writes: a write killed in each folder leaves one, the next
pass removes it; and one daemon's recovery never removes another daemon's write in progress."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.adapters.files.temp_files import process_stat
from tests.support import invariants
from tests.support.daemon import Daemon
from tests.support.waiting import wait_for
from tests.support.workbooks import ADMIN
from tests.support.workspace import Workspace, age

REFUSED_LINES = [("", "01-100", "L", "General conditions", "twelve")]


def _run(ws: Workspace, *args: str, **env: str) -> int:
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), *args],
        env={**os.environ, **env},
        capture_output=True,
        timeout=300,
    ).returncode


def _dropped(ws: Workspace) -> dict[str, str]:
    return {"a.xlsx": invariants.sha(ws.drop("a.xlsx"))}


def _decided(ws: Workspace, decision: str) -> dict[str, str]:
    inputs = _dropped(ws)
    assert _run(ws, "process") == 0
    ws.decide(decision=decision, reason="Too high")
    return inputs


# What comes before a write into each folder, so that the crash point there is reached.
SETUP: dict[str, Callable[[Workspace], dict[str, str]]] = {
    "archive": _dropped,  # the bytes as received, first of all
    "approval": _dropped,  # the review workbook
    "mail": _dropped,  # the approver's email, as an .eml file
    "rejected": lambda ws: _decided(ws, "Reject"),  # the editable workbook handed back
    "outbox": lambda ws: _decided(ws, "Accept"),  # the ERP file and its manifest
    "current": lambda ws: _decided(ws, "Accept"),  # then the budget in force
}


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(SETUP))
def test_a_write_killed_before_its_rename_leaves_a_temporary_the_next_pass_removes(
    workspace: Workspace, folder: str
) -> None:
    inputs = SETUP[folder](workspace)

    assert _run(workspace, "process", BUDGET_ERP_CRASH_AT=f"before_rename:{folder}") == 75
    assert list(invariants.temporaries(workspace.root)) == [folder]  # the crash hit a write
    assert _run(workspace, "process") in (0, 1)

    assert invariants.temporaries(workspace.root) == {}
    assert invariants.check(workspace.root, inputs) == []


@pytest.mark.slow
def test_a_refused_files_note_cut_short_is_removed_too(workspace: Workspace) -> None:
    inputs = {"bad.xlsx": invariants.sha(workspace.drop("bad.xlsx", lines=REFUSED_LINES))}

    assert _run(workspace, "process", BUDGET_ERP_CRASH_AT="before_rename:rejected") == 75
    assert list(invariants.temporaries(workspace.root)) == ["rejected"]
    assert _run(workspace, "process") == 1  # refused, as it should be

    assert invariants.check(workspace.root, inputs) == []
    assert sorted(workspace.files("rejected")) == [
        "bad.problems.xlsx",
        "bad.xlsx",
        "bad.xlsx.refused.txt",
    ]


@pytest.mark.slow
def test_a_refused_erp_files_note_cut_short_is_removed_and_the_file_set_aside_after(
    workspace: Workspace,
) -> None:
    inputs = _decided(workspace, "Accept")
    assert _run(workspace, "process") == 0  # exported
    outbox = workspace.root / "outbox"
    result = outbox / "results" / "P-1001_v1_001.csv.json"
    result.write_text('{"export": "P-1001_v1_001.csv", "status": "failure", "message": "no"}')
    age(result)

    assert _run(workspace, "process", BUDGET_ERP_CRASH_AT="before_rename:failed") == 75
    assert list(invariants.temporaries(workspace.root)) == ["outbox"]  # in outbox/failed/
    assert (outbox / "P-1001_v1_001.csv").exists()  # nothing moves before its note is whole
    assert _run(workspace, "process") == 0

    assert invariants.temporaries(workspace.root) == {}
    assert invariants.check(workspace.root, inputs) == []
    assert workspace.files("outbox/failed") == [
        "P-1001_v1_001.csv",
        "P-1001_v1_001.csv.error.txt",
        "P-1001_v1_001.csv.manifest.json",
    ]


def _stopped(daemon: Daemon) -> bool:
    seen = process_stat(daemon.process.pid)
    return seen is not None and seen[0] == "T"


def _stop(*daemons: Daemon) -> list[int]:
    for daemon in daemons:
        daemon.process.send_signal(signal.SIGTERM)
    return [daemon.process.wait(timeout=60) for daemon in daemons]


@pytest.mark.slow
def test_one_daemons_recovery_never_removes_another_daemons_write_in_progress(
    workspace: Workspace, tmp_path: Path
) -> None:
    root = workspace.root
    inputs = {"a.xlsx": invariants.sha(workspace.drop("a.xlsx"))}
    assert _run(workspace, "process") == 0
    workspace.decide(decision="Accept")
    assert _run(workspace, "process") == 0  # exported, so it can be written again below

    # The first daemon stops itself mid-write: its review workbook is complete under its
    # temporary name, not yet renamed, and it holds the pass lock.
    first = Daemon.start(
        workspace, tmp_path / "first.log", BUDGET_ERP_STOP_AT="before_rename:approval"
    )
    inputs["b.xlsx"] = invariants.sha(workspace.drop("b.xlsx", project="P-2"))
    assert wait_for(lambda: _stopped(first), 60), "the first daemon never paused mid-write"
    [in_progress] = invariants.temporaries(root, first.process.pid)["approval"]

    # A write that really was cut short: an export written again, killed after its manifest.
    again = ["export", "P-1001", "--again", "--by", ADMIN]
    assert _run(workspace, *again, BUDGET_ERP_CRASH_AT="export_before_rename") == 75
    [dead] = invariants.temporaries(root)["outbox"]
    assert (root / "outbox" / "P-1001_v1_002.csv.manifest.json").exists()

    # The second daemon's recovery runs while the first daemon's write is in progress.
    second = Daemon.start(workspace, tmp_path / "second.log")
    try:
        assert wait_for(lambda: not (root / "outbox" / dead).exists(), 60), second.output()
        assert (root / "approval" / in_progress).exists(), "a live write was removed"
        assert not (root / "outbox" / "P-1001_v1_002.csv.manifest.json").exists()
        assert _stopped(first)

        first.process.send_signal(signal.SIGCONT)
        assert wait_for(workspace.review("P-2").exists, 60), first.output()
        assert wait_for(lambda: invariants.temporaries(root) == {}, 60), "temporaries left"
    finally:
        first.process.send_signal(signal.SIGCONT)
        codes = _stop(first, second)

    assert codes == [0, 0]
    assert not (root / "approval" / in_progress).exists()
    assert invariants.check(root, inputs) == []
    assert [n for n in workspace.files("outbox") if n.endswith(".csv")] == ["P-1001_v1_001.csv"]
