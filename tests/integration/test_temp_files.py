"""Temporary file names, their writers' liveness, and the sweep that clears dead writers'
temporaries (with the outbox's manifests), against real processes and real folders."""

from __future__ import annotations

import dataclasses
import errno
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.adapters.erp import publishing as outbox_files
from pipeline.adapters.erp.published_names import published
from pipeline.adapters.files.file_operations import atomic_write, is_ignored
from pipeline.adapters.files.temp_files import (
    PREFIX,
    Liveness,
    TempSweeper,
    Writer,
    liveness,
    process_stat,
    temp_name,
    temp_path,
    this_writer,
    writer_of,
)
from pipeline.domain.own_exports import Fingerprint, Ownership, PublishedName, ownership
from tests.support.waiting import wait_for


def _dead_writer() -> Writer:
    """A process of this host that ran and is gone (reaped), as its temporaries name it."""
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    seen = process_stat(child.pid)
    assert seen is not None
    child.communicate(b"")
    return dataclasses.replace(this_writer(), pid=child.pid, start=seen[1])


def _touch(folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(b"half a workbook")
    return path


def test_a_temporary_name_is_short_hidden_ignored_and_names_its_writer(tmp_path: Path) -> None:
    first, second = temp_path(tmp_path), temp_path(tmp_path)

    assert first != second
    assert first.name.startswith(PREFIX) and first.name.endswith(".tmp")
    assert ".xlsx" not in first.name and len(first.name.encode()) < 80
    assert is_ignored(first.name)  # no folder listing takes it for a drop or a decision
    assert writer_of(first.name) == this_writer()


@pytest.mark.parametrize(
    "name",
    [
        ".P-1001_v1_review.xlsx.27595.tmp",  # the names before this convention
        "P-1001_v1_review.xlsx",
        f"{PREFIX}not-a-writer.tmp",
        f"{PREFIX}5bce98f7-9be0c95e-12-34-0.tmp.xlsx",
    ],
)
def test_other_names_are_not_ours(name: str) -> None:
    assert writer_of(name) is None


def test_this_process_is_alive_and_a_finished_one_is_dead() -> None:
    assert liveness(this_writer()) is Liveness.ALIVE
    assert liveness(_dead_writer()) is Liveness.DEAD


def test_a_reused_pid_is_not_the_writer_it_once_was() -> None:
    """A live process with the writer's pid but another start time: the pid was reused."""
    me = this_writer()
    assert liveness(dataclasses.replace(me, start=me.start - 1)) is Liveness.DEAD


def test_a_live_process_other_than_this_one_is_alive() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=-1)
    try:
        seen = process_stat(child.pid)
        assert seen is not None
        writer = dataclasses.replace(this_writer(), pid=child.pid, start=seen[1])
        assert liveness(writer) is Liveness.ALIVE
    finally:
        child.communicate(b"")
    assert liveness(writer) is Liveness.DEAD


def test_a_zombie_is_dead() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    seen = process_stat(child.pid)
    assert seen is not None
    writer = dataclasses.replace(this_writer(), pid=child.pid, start=seen[1])
    exited = wait_for(lambda: (process_stat(child.pid) or ("",))[0] == "Z")  # not yet reaped
    assert exited, "the child never exited"
    try:
        assert liveness(writer) is Liveness.DEAD
    finally:
        child.wait()


def test_a_writer_on_another_host_is_never_judged_by_its_pid() -> None:
    dead_here = _dead_writer()
    assert liveness(dataclasses.replace(dead_here, host="00000000")) is Liveness.FOREIGN


def test_a_writer_from_before_a_restart_of_this_machine_is_dead() -> None:
    me = this_writer()  # even with this very pid and start time
    assert liveness(dataclasses.replace(me, boot="00000000")) is Liveness.DEAD


def test_a_hidden_process_counts_as_alive_while_its_pid_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With /proc mounted ``hidepid``, another user's process is invisible: the pid decides."""
    from pipeline.adapters.files import temp_files

    dead = _dead_writer()
    monkeypatch.setattr(temp_files, "process_stat", lambda pid: None)
    assert liveness(dataclasses.replace(this_writer(), pid=1, start=0)) is Liveness.ALIVE
    assert liveness(dead) is Liveness.DEAD

    def not_yours(pid: int, signal: int) -> None:
        raise PermissionError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "kill", not_yours)  # another user's process (the module's os)
    assert liveness(dead) is Liveness.ALIVE


def test_the_sweep_removes_only_dead_writers_temporaries_of_this_host(tmp_path: Path) -> None:
    dead, me = _dead_writer(), this_writer()
    approval, archive = tmp_path / "approval", tmp_path / "archive"
    stale = [
        _touch(approval, temp_name(dead, 0)),
        _touch(archive / "sha256" / "ab", temp_name(dead, 1)),
        _touch(approval, temp_name(dataclasses.replace(me, boot="00000000"), 2)),
    ]
    kept = [
        _touch(approval, temp_name(me, 3)),  # a write in progress, here
        _touch(approval, temp_name(dataclasses.replace(dead, host="00000000"), 4)),
        _touch(approval, ".P-1_v1_review.xlsx.123.tmp"),  # not named by our convention
        _touch(approval, ".~lock.P-1_v1_review.xlsx#"),
        _touch(archive / "sha256" / "ab", "ab12.xlsx"),
    ]
    sweep = TempSweeper([approval, tmp_path / "status"], trees=[archive])

    assert sorted(sweep()) == sorted(stale)
    assert [p for p in stale if p.exists()] == []
    assert [p for p in kept if not p.exists()] == []
    assert sweep() == []


def _publish(outbox: Path, name: str = "P-1_v1_001.csv") -> Fingerprint:
    """Publish a small ERP file; the hashes its intent recorded."""
    outbox.mkdir(exist_ok=True)
    intents: list[Fingerprint] = []
    outbox_files.publish(
        outbox / name,
        lambda temp: temp.write_text("a,b\n"),
        {"project_number": "P-1", "version": 1, "kind": "original"},
        done_marker=False,
        intend=intents.append,
    )
    [intent] = intents
    return intent


def _half_published(outbox: Path, writer: Writer, name: str = "P-1_v1_001.csv") -> Path:
    """What a crash between the manifest and the rename leaves: a temporary file and a
    manifest naming it."""
    temp = _touch(outbox, temp_name(writer, 7))
    manifest = {"project_number": "P-1", "version": 1, "file": name, "temporary": temp.name}
    atomic_write(outbox / f"{name}.manifest.json", lambda t: t.write_text(json.dumps(manifest)))
    return temp


def _names(outbox: Path) -> dict[str, PublishedName]:
    return {n.name: n for n in published(outbox, "P-1", 1)}


def test_a_manifest_reads_as_taken_by_the_erp_only_once_its_temporary_file_is_gone(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    intent = _publish(outbox)
    (outbox / "P-1_v1_001.csv").unlink()  # the ERP took it
    assert ownership(_names(outbox)["P-1_v1_001.csv"], intent) is Ownership.TAKEN

    _half_published(outbox, this_writer(), "P-1_v1_002.csv")  # still being written
    assert _names(outbox)["P-1_v1_002.csv"].writing
    assert not _names(outbox)["P-1_v1_001.csv"].writing


def test_the_sweep_withdraws_a_dead_exports_manifest_so_it_never_reads_as_taken(
    tmp_path: Path,
) -> None:
    outbox = tmp_path / "outbox"
    temp = _half_published(outbox, _dead_writer())
    live = _half_published(outbox, this_writer(), "P-1_v1_002.csv")
    sweep = TempSweeper([outbox], before_remove={outbox: outbox_files.abandon_temporary})

    assert sweep() == [temp]

    assert not (outbox / "P-1_v1_001.csv.manifest.json").exists()
    assert list(_names(outbox)) == ["P-1_v1_002.csv"]
    assert live.exists() and (outbox / "P-1_v1_002.csv.manifest.json").exists()


def test_a_publish_that_fails_before_its_rename_leaves_no_manifest_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    outbox = tmp_path / "outbox"
    target = outbox / "P-1_v1_001.csv"
    real_replace = os.replace

    def replace(src: Path, dst: Path) -> None:
        if Path(dst) == target:
            raise OSError(errno.EIO, "the share went away")
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)  # the os module the outbox writes with
    with pytest.raises(OSError):
        _publish(outbox)

    assert sorted(p.name for p in outbox.iterdir()) == []
