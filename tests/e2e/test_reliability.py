"""Real folders: hostile entries, unfinished files, Office save patterns, disk faults, and
a thousand files at once."""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.config import Settings
from pipeline.services.ports import ReadResult
from tests.support import invariants
from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace, age


def test_links_pipes_and_odd_names_are_refused_without_being_followed(
    workspace: Workspace, tmp_path: Path
) -> None:
    inbox = workspace.root / "inbox"
    secret = tmp_path / "secret.xlsx"
    make_workbook(secret)
    before = secret.read_bytes()
    (inbox / "link.xlsx").symlink_to(secret)
    os.mkfifo(inbox / "pipe.xlsx")
    os.link(secret, inbox / "hard.xlsx")
    make_workbook(inbox / "bad\x07name.xlsx")
    workspace.drop("good.xlsx")
    for name in ("link.xlsx", "pipe.xlsx", "hard.xlsx", "bad\x07name.xlsx"):
        os.utime(inbox / name, (0, 0), follow_symlinks=False)

    result = subprocess.run(  # a reader that opened the FIFO would block: run with a timeout
        [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "process"],
        capture_output=True,
        text=True,
        timeout=120,
        env=os.environ,
    )

    assert result.returncode == 1
    out = result.stdout
    assert "a symbolic link is not taken" in out
    assert "not a regular file" in out
    assert "a hard link to another file is not taken" in out
    assert "holds characters that hide, reorder or break text (U+0007" in out
    assert "good.xlsx: P-1001: sent for approval" in out
    rejected = workspace.root / "rejected"
    assert (rejected / "link.xlsx").is_symlink()  # the link moved, its target untouched
    assert secret.read_bytes() == before
    assert (rejected / "bad_name.xlsx").exists()
    assert [p.name for p in inbox.iterdir() if p.name != ".gitkeep"] == []


def test_an_empty_or_truncated_file_is_held_then_handed_back(workspace: Workspace) -> None:
    inbox = workspace.root / "inbox"
    (inbox / "empty.xlsx").write_bytes(b"")
    whole = make_workbook(workspace.root / "whole.xlsx").read_bytes()
    (inbox / "half.xlsx").write_bytes(whole[: len(whole) // 2])
    for name in ("empty.xlsx", "half.xlsx"):
        recent = time.time() - 10  # settled, but younger than incomplete_seconds
        os.utime(inbox / name, (recent, recent))

    held = workspace.run("process")

    assert held.exit_code == 0
    assert "inbox/empty.xlsx: waiting, empty or not completely written yet: held" in held.output
    assert "inbox/half.xlsx: waiting, empty or not completely written yet: held" in held.output
    assert sorted(p.name for p in inbox.iterdir() if p.name != ".gitkeep") == [
        "empty.xlsx",
        "half.xlsx",
    ]
    for name in ("empty.xlsx", "half.xlsx"):
        age(inbox / name)
    refused = workspace.run("process")
    assert "empty.xlsx: refused" in refused.output and "half.xlsx: refused" in refused.output
    assert "not an .xlsx workbook" in refused.output


def test_a_workbook_open_in_excel_waits_for_its_lock_file(workspace: Workspace) -> None:
    path = workspace.drop("open.xlsx")
    lock = workspace.root / "inbox" / "~$open.xlsx"
    lock.write_bytes(b"owner")
    recent = time.time() - 10
    os.utime(path, (recent, recent))

    held = workspace.run("process").output
    assert "inbox/open.xlsx: waiting, open in Excel or LibreOffice: held" in held
    lock.unlink()
    assert "sent for approval" in workspace.run("process").output


Place = str | os.PathLike[str]


def _raising(errno_code: int, times: int) -> Callable[[Place, Place], None]:
    """``os.replace`` failing with ``errno_code`` the first ``times`` calls."""
    real = os.replace  # taken before the test patches it
    calls = {"left": times}

    def replace(src: Place, dst: Place) -> None:
        if calls["left"] > 0:
            calls["left"] -= 1
            raise OSError(errno_code, os.strerror(errno_code), str(dst))
        real(src, dst)

    return replace


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES])
def test_a_disk_or_permission_fault_leaves_the_file_waiting_and_nothing_half_written(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, code: int
) -> None:
    name, digest = "a.xlsx", invariants.sha(workspace.drop("a.xlsx"))
    replace = os.replace
    monkeypatch.setattr(os, "replace", _raising(code, times=10))

    failed = workspace.run("process")

    assert failed.exit_code == 1
    assert "environment fault" in failed.output and os.strerror(code) in failed.output
    assert workspace.files("approval") == [] and workspace.files("rejected") == []
    assert [p for p in (workspace.root / "approval").iterdir() if p.name.endswith(".tmp")] == []
    monkeypatch.setattr(os, "replace", replace)  # mended; undo() would also drop the state's URL

    recovered = workspace.run("process")

    assert "sent for approval" in recovered.output
    assert invariants.check(workspace.root, {name: digest}) == []


@pytest.mark.slow
def test_a_slow_writer_is_taken_once_when_finished(workspace: Workspace, tmp_path: Path) -> None:
    fast_settings(workspace, "native")
    # A part-written workbook is held, not refused, for incomplete_seconds: on a loaded
    # machine this writer may pause longer than fast_settings' 1 s between two writes.
    workspace.configure("watch", incomplete_seconds=120.0)
    data = make_workbook(tmp_path / "slow.xlsx").read_bytes()
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        assert daemon.wait_for_passes(1), daemon.output()
        target = workspace.root / "inbox" / "slow.xlsx"
        chunk = len(data) // 20 + 1
        with target.open("wb") as handle:
            for start in range(0, len(data), chunk):
                handle.write(data[start : start + chunk])
                handle.flush()
                # The write wakes the daemon: each part-written state is seen by a pass.
                seen = daemon.passes()
                assert daemon.wait_for_passes(seen + 1), daemon.output()
        assert wait_for(workspace.review().exists, timeout=30), daemon.output()
    finally:
        assert daemon.stop() == 0
    archived = {invariants.sha(p) for p in (workspace.root / "archive").rglob("*.xlsx")}
    # The finished bytes and the review workbook issued for them; no half-written copy.
    assert archived == {invariants.sha(tmp_path / "slow.xlsx"), invariants.sha(workspace.review())}
    assert workspace.files("rejected") == []


def _decide_like(app: str, ws: Workspace) -> None:
    """Save a decision the way Excel (temp, delete, rename) or LibreOffice (lock file) does."""
    review = ws.review()
    scratch = ws.root / "scratch.xlsx"
    shutil.copy(review, scratch)
    ws.decide(decision="Accept")  # fills ws.review() in place
    shutil.copy(review, scratch)
    if app == "excel":
        temp = review.with_name("A1B2C3D4")  # Excel's extension-less temporary
        shutil.copy(scratch, temp)
        review.unlink()
        os.rename(temp, review)
    else:
        lock = review.with_name(f".~lock.{review.name}#")
        lock.write_text("Carl,carl,host,27.11.2026 10:00,")
        temp = review.with_name("lu1234.osl-tmp")
        shutil.copy(scratch, temp)
        os.rename(temp, review)
        lock.unlink()
    scratch.unlink()


@pytest.mark.slow
@pytest.mark.parametrize("app", ["excel", "libreoffice"])
def test_office_save_patterns_are_read_as_one_save(
    workspace: Workspace, app: str, tmp_path: Path
) -> None:
    fast_settings(workspace, "native")
    workspace.drop()
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        # The pass that sent it is over (outcomes are logged at a pass's end).
        assert daemon.wait_for_output("budget.xlsx: P-1001: sent for approval"), daemon.output()
        _decide_like(app, workspace)
        assert wait_for((workspace.root / "outbox" / "P-1001_v1_001.csv").exists)
        # Two whole passes after the one writing the export: nothing more may happen.
        assert daemon.wait_for_passes(daemon.passes() + 3), daemon.output()
    finally:
        assert daemon.stop() == 0
    history = subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(workspace.root), "history", "P-1001"],
        capture_output=True,
        text=True,
    ).stdout
    assert history.count(" accept ") == 1 and history.count(" export ") == 1
    assert [n for n in workspace.files("outbox") if n.endswith(".csv")] == ["P-1001_v1_001.csv"]


@pytest.mark.slow
def test_a_thousand_workbooks_dropped_at_once_are_each_taken_once(
    workspace: Workspace, tmp_path: Path
) -> None:
    fast_settings(workspace, "native")
    staging = tmp_path / "staging"
    inputs = {}
    for i in range(1000):
        path = make_workbook(
            staging / f"b{i:04d}.xlsx",
            project=f"P-{i:04d}",
            lines=[("", "01-100", "L", "Work", 100 + i)],
        )
        inputs[path.name] = invariants.sha(path)
    daemon = Daemon.start(workspace, tmp_path / "daemon.log")
    try:
        for path in staging.iterdir():  # as fast as a copy tool can rename them in
            os.rename(path, workspace.root / "inbox" / path.name)
        assert wait_for(
            lambda: len(list((workspace.root / "approval").iterdir())) >= 1000, timeout=600
        )
    finally:
        assert daemon.stop(timeout=60) == 0
    assert invariants.check(workspace.root, inputs) == []
    assert len(workspace.files("approval")) == 1000


def test_a_file_gone_before_its_claim_is_skipped(workspace: Workspace) -> None:
    from pipeline.bootstrap import bootstrap
    from pipeline.config import load_settings

    app = bootstrap(load_settings(workspace.root))
    assert app.inbox.claim(workspace.root / "inbox" / "vanished.xlsx") is None
    assert list((workspace.root / "processing").iterdir()) == []


def test_the_zip_check_is_done_on_the_bytes_not_the_name(workspace: Workspace) -> None:
    path = workspace.drop("fake.xlsx")
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/vbaProject.bin", b"macro")
    age(path)
    result = workspace.run("process")
    assert "fake.xlsx: contains macros (a renamed .xlsm)" in result.output


def test_a_file_written_to_while_being_read_is_read_again(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.configure("limits", isolate_parsing=False)  # read in this process, patched below
    calls: list[str] = []

    def read_while_someone_writes(path: Path, settings: Settings) -> ReadResult:
        result = read_and_check(path, settings)
        calls.append(path.name)
        if len(calls) == 1:  # a writer that kept the claimed file open appends once more
            # (what is read is the daemon's private copy of the bytes it took)
            claimed = next((workspace.root / "processing").rglob(path.name))
            with claimed.open("ab") as handle:
                handle.write(b"\0")
        return result

    # The readers call it by this name: patched there, it is what a pass calls.
    reader = "pipeline.adapters.reading.readers.read_and_check"
    monkeypatch.setattr(reader, read_while_someone_writes)
    workspace.drop()

    first = workspace.run("process")
    second = workspace.run("process")

    assert "changed while it was read" in first.output
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]
    assert "sent for approval" in second.output and calls == ["budget.xlsx", "budget.xlsx"]
