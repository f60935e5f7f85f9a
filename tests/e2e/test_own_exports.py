"""Only our own exports are adopted, through the CLI: whatever lies in outbox/ under one of a
version's ERP file names and is not the file whose intent we recorded (a planted manifest,
data file, done-marker or folder) is moved to outbox/foreign/, recorded in the history and
mailed to the approvers, and the real export is written under the next free number."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from pipeline import faults
from pipeline.adapters.erp import publishing
from pipeline.adapters.files import file_operations
from tests.support import invariants
from tests.support.messages import body
from tests.support.workspace import Workspace

PLANTED = {  # what someone with write access to outbox/ puts there before the Accept
    "project_number": "P-1001",
    "version": 1,
    "seq": 1,
    "kind": "original",
    "profile": "generic-csv",
    "line_count": 1,
    "total": "1.00",
    "file": "P-1001_v1_001.csv",
    "sha256": "0" * 64,
    "created_at": "2026-03-01T07:00:00+00:00",
}
REAL_TOTAL = "95000.50"  # the default budget's four lines


def _sent(ws: Workspace) -> None:
    ws.drop()
    assert ws.run("process").exit_code == 0


def _plant(ws: Workspace, name: str, data: bytes | None) -> str:
    """Put ``data`` (None: a folder) under ``name`` in outbox/; its sha256 (or "")."""
    path = ws.root / "outbox" / name
    path.parent.mkdir(exist_ok=True)  # outbox/changes/ before its first change file
    if data is None:
        path.mkdir()
        return ""
    path.write_bytes(data)
    return hashlib.sha256(data).hexdigest()


def _data_files(ws: Workspace) -> list[str]:
    return [n for n in ws.files("outbox") if not n.endswith((".manifest.json", ".done"))]


def _foreign(ws: Workspace) -> dict[str, bytes | None]:
    folder = ws.root / "outbox" / "foreign"
    if not folder.exists():
        return {}
    return {p.name: p.read_bytes() if p.is_file() else None for p in sorted(folder.iterdir())}


def _history(ws: Workspace) -> list[dict[str, Any]]:
    result = ws.run("history", "P-1001", "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, Any]] = json.loads(result.output)
    return events


def _set_aside_events(ws: Workspace) -> list[dict[str, Any]]:
    return [e for e in _history(ws) if e["action"] == "foreign_file"]


def _manifest(ws: Workspace, name: str) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads(
        (ws.root / "outbox" / f"{name}.manifest.json").read_text()
    )
    return manifest


def test_a_planted_manifest_is_moved_aside_and_the_real_export_written(
    workspace: Workspace,
) -> None:
    _sent(workspace)
    planted = json.dumps(PLANTED).encode()
    sha = _plant(workspace, "P-1001_v1_001.csv.manifest.json", planted)
    workspace.decide(decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert _data_files(workspace) == ["P-1001_v1_002.csv"]
    written = _manifest(workspace, "P-1001_v1_002.csv")
    assert (written["line_count"], written["total"]) == (4, REAL_TOTAL)
    assert _foreign(workspace) == {"P-1001_v1_001.csv.manifest.json": planted}
    status = json.loads(workspace.run("status", "--json").output)[0]
    assert (status["status"], status["in_erp"]) == ("exported", "v1 (outbox/P-1001_v1_002.csv)")
    [event] = _set_aside_events(workspace)
    assert f"P-1001_v1_001.csv.manifest.json (sha256 {sha})" in event["detail"]
    assert "moved to outbox/foreign/" in event["detail"] and event["file_sha256"] == sha
    [export] = [e for e in _history(workspace) if e["action"] == "export"]
    assert export["detail"] == "P-1001_v1_002.csv: 4 lines, total 95,000.50 (original)"
    assert "1.00" not in workspace.run("history", "P-1001").output  # no planted figure
    [warning] = [m for m in workspace.mail() if "did not write" in str(m["Subject"])]
    assert str(warning["To"]) == "carl@example.com"  # the project's approver
    assert str(warning["Subject"]) == (
        "Budget P-1001: a file budget-erp did not write was moved out of the outbox"
    )
    assert f"P-1001_v1_001.csv.manifest.json (sha256 {sha})" in body(warning)
    [told] = [m for m in workspace.mail() if "exported to the ERP" in str(m["Subject"])]
    assert "P-1001_v1_002.csv" in body(told) and "ada@example.com" in str(told["To"])

    again = workspace.run("process")  # outbox/foreign/ is read by nothing of ours

    assert again.exit_code == 0 and "foreign" not in again.output
    assert _foreign(workspace) == {"P-1001_v1_001.csv.manifest.json": planted}
    assert len(_set_aside_events(workspace)) == 1


FAKE_CSV = b"Job,Sub Job,Cost Code,Cost Type,Description,Amount\nP-1001,,01-100,L,Fake,1.00\n"


def _fake_export() -> dict[str, bytes | None]:
    """A whole export that looks like ours: the data and a manifest that matches it."""
    manifest = {**PLANTED, "sha256": hashlib.sha256(FAKE_CSV).hexdigest()}
    return {
        "P-1001_v1_001.csv": FAKE_CSV,
        "P-1001_v1_001.csv.manifest.json": json.dumps(manifest).encode(),
    }


@pytest.mark.parametrize(
    ("planted", "written"),
    [
        ({"P-1001_v1_001.csv": FAKE_CSV}, "P-1001_v1_002.csv"),
        (_fake_export(), "P-1001_v1_002.csv"),
        ({"P-1001_v1_001.csv.done": b""}, "P-1001_v1_002.csv"),
        ({"P-1001_v1_001.csv": None}, "P-1001_v1_002.csv"),  # a folder in the way
        ({"P-1001_v1_007.csv": FAKE_CSV}, "P-1001_v1_008.csv"),  # its number is spent too
    ],
    ids=["data file", "whole fake export", "done marker", "folder", "later number"],
)
def test_anything_planted_under_a_name_is_moved_aside_together(
    workspace: Workspace, planted: dict[str, bytes | None], written: str
) -> None:
    _sent(workspace)
    shas = {name: _plant(workspace, name, data) for name, data in planted.items()}
    workspace.decide(decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert _data_files(workspace) == [written]
    assert _manifest(workspace, written)["total"] == REAL_TOTAL
    assert _foreign(workspace) == planted
    [event] = _set_aside_events(workspace)
    for name, sha in shas.items():
        assert f"{name} (sha256 {sha or 'none: not a regular file'})" in event["detail"]
    assert invariants.check(workspace.root, {}) == []


@pytest.mark.parametrize("moment", ["while_written", "before_rename"])
def test_a_file_planted_under_the_name_being_written_ends_the_same_way(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    _sent(workspace)
    workspace.decide(decision="Accept")
    outbox = workspace.root / "outbox"
    planted = outbox / (
        "P-1001_v1_001.csv" if moment == "before_rename" else "P-1001_v1_001.csv.manifest.json"
    )
    plant_once = _once(lambda: planted.write_bytes(FAKE_CSV))
    if moment == "before_rename":

        def before_rename(folder: Path) -> None:
            plant_once()  # between the last look at the name and the rename
            faults.before_rename(folder)

        monkeypatch.setattr(publishing, "before_rename", before_rename)
    else:

        def sha256_file(path: Path) -> str:
            plant_once()  # while the file is written, before its manifest
            return file_operations.sha256_file(path)

        monkeypatch.setattr(publishing, "sha256_file", sha256_file)

    result = workspace.run("process")

    assert result.exit_code == 0, result.output  # not a failed pass
    assert _data_files(workspace) == ["P-1001_v1_002.csv"]
    assert _foreign(workspace) == {planted.name: FAKE_CSV}
    assert len(_set_aside_events(workspace)) == 1
    assert json.loads(workspace.run("status", "--json").output)[0]["status"] == "exported"
    assert invariants.check(workspace.root, {}) == []


def _once(action: Callable[[], object]) -> Callable[[], None]:
    done: list[bool] = []

    def run() -> None:
        if not done:
            done.append(True)
            action()

    return run


def test_a_copy_written_again_steps_over_a_planted_name(workspace: Workspace) -> None:
    _sent(workspace)
    workspace.decide(decision="Accept")
    workspace.run("process")
    _plant(workspace, "P-1001_v1_002.csv", FAKE_CSV)

    result = workspace.run("export", "P-1001", "--again", "--by", "Ada Admin")

    assert result.exit_code == 0, result.output
    assert "outbox/P-1001_v1_003.csv" in result.output
    assert _data_files(workspace) == ["P-1001_v1_001.csv", "P-1001_v1_003.csv"]
    assert _foreign(workspace) == {"P-1001_v1_002.csv": FAKE_CSV}
    assert len(_set_aside_events(workspace)) == 1


def _crash_after_rename(ws: Workspace) -> None:
    _sent(ws)
    ws.decide(decision="Accept")
    crashed = subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        env={**os.environ, "BUDGET_ERP_CRASH_AT": "export_after_rename"},
        capture_output=True,
        timeout=300,
    )
    assert crashed.returncode == 75
    assert _data_files(ws) == ["P-1001_v1_001.csv"]


def test_a_file_the_erp_took_before_the_restart_is_adopted_from_its_manifest(
    workspace: Workspace,
) -> None:
    _crash_after_rename(workspace)
    (workspace.root / "outbox" / "P-1001_v1_001.csv").unlink()  # the ERP took it

    assert workspace.run("process").exit_code == 0

    assert _data_files(workspace) == []  # nothing written again
    assert workspace.files("outbox") == ["P-1001_v1_001.csv.manifest.json"]
    status = json.loads(workspace.run("status", "--json").output)[0]
    assert (status["status"], status["in_erp"]) == ("exported", "v1 (outbox/P-1001_v1_001.csv)")
    assert _set_aside_events(workspace) == []


def _cheaper(data: bytes) -> bytes:
    return data.replace(b"12000.00", b"1.00")


def _smaller_total(manifest: bytes) -> bytes:
    return json.dumps({**json.loads(manifest), "total": "1.00"}).encode()


@pytest.mark.parametrize(
    ("changed", "change"),
    [("P-1001_v1_001.csv", _cheaper), ("P-1001_v1_001.csv.manifest.json", _smaller_total)],
    ids=["file", "manifest"],
)
def test_a_published_file_changed_before_the_restart_is_not_adopted(
    workspace: Workspace, changed: str, change: Callable[[bytes], bytes]
) -> None:
    _crash_after_rename(workspace)
    path = workspace.root / "outbox" / changed
    path.write_bytes(change(path.read_bytes()))

    assert workspace.run("process").exit_code == 0

    assert _data_files(workspace) == ["P-1001_v1_002.csv"]
    assert sorted(_foreign(workspace)) == [
        "P-1001_v1_001.csv",
        "P-1001_v1_001.csv.manifest.json",
    ]
    assert _manifest(workspace, "P-1001_v1_002.csv")["total"] == REAL_TOTAL
    assert len(_set_aside_events(workspace)) == 1
    assert invariants.check(workspace.root, {}) == []


def test_a_file_planted_among_the_change_files_is_moved_aside_too(workspace: Workspace) -> None:
    workspace.configure("export", profile="sage300")  # its change files go to outbox/changes/
    _sent(workspace)
    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0
    workspace.drop("change.xlsx", lines=[("", "01-100", "L", "General conditions", 13000)])
    assert workspace.run("process").exit_code == 0
    name = "P-1001_v2_001_approved-estimate-change.txt"
    planted = json.dumps({**PLANTED, "version": 2, "file": name}).encode()
    sha = _plant(workspace, f"changes/{name}.manifest.json", planted)
    workspace.decide(version=2, decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert workspace.files("outbox/changes") == [
        "P-1001_v2_002_approved-estimate-change.txt",
        "P-1001_v2_002_approved-estimate-change.txt.manifest.json",
    ]
    assert _foreign(workspace) == {f"{name}.manifest.json": planted}
    [event] = _set_aside_events(workspace)
    assert f"changes/{name}.manifest.json (sha256 {sha})" in event["detail"]
    assert invariants.check(workspace.root, {}) == []
