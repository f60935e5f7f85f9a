"""The watcher's supervisor: a dead observer thread is replaced, a removed folder is made
again and watched again, and events only wake."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from watchdog.observers.api import BaseObserver

from pipeline.adapters.files import watcher
from tests.support.waiting import wait_for


@contextmanager
def _watching(
    folders: list[Path], run_pass: Callable[[], object], *, settle: float, scan: float
) -> Iterator[None]:
    """``watcher.watch`` on a thread of its own (native events) while the block runs."""
    stop = threading.Event()
    thread = threading.Thread(
        target=watcher.watch,
        args=(folders, run_pass),
        kwargs={
            "settle_seconds": settle,
            "scan_interval": scan,
            "polling": False,
            "poll_interval": 0.1,
            "stop": stop,
        },
    )
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[BaseObserver]:
    """Every observer the watcher starts, in order."""
    observers: list[BaseObserver] = []
    real = watcher._observer

    def tracking(
        folders: Iterable[Path], wake: threading.Event, polling: bool, poll_interval: float
    ) -> BaseObserver:
        observer = real(folders, wake, polling, poll_interval)
        observers.append(observer)
        return observer

    monkeypatch.setattr(watcher, "_observer", tracking)
    return observers


def test_a_dead_observer_is_restarted_and_passes_go_on(
    tmp_path: Path, started: list[BaseObserver]
) -> None:
    passes: list[int] = []
    with _watching([tmp_path], lambda: passes.append(1), settle=0.1, scan=0.3):
        assert wait_for(lambda: started, timeout=5)
        first = started[0]
        first.stop()  # the observer thread dies (as after an inotify error)
        first.join()
        assert wait_for(lambda: len(started) == 2, timeout=10)
        assert started[1].is_alive()
        before = len(passes)
        (tmp_path / "new.xlsx").write_bytes(b"x")  # the new observer wakes the loop
        assert wait_for(lambda: len(passes) > before, timeout=5)


def test_a_removed_folder_is_made_again_and_watched_again(
    tmp_path: Path, started: list[BaseObserver]
) -> None:
    """Only events run passes here (no settle timer, a scan a minute away), and the observer
    replaced stops hearing: the last pass can only come from an observer of the new folder."""
    inbox, approval, staging = tmp_path / "inbox", tmp_path / "approval", tmp_path / "staging"
    for folder in (inbox, approval, staging):
        folder.mkdir()
    for name in ("wake.xlsx", "new.xlsx"):
        (staging / name).write_bytes(b"x")
    seen: list[set[str]] = []  # what each pass found in the two folders

    def run_pass() -> None:
        seen.append({p.name for f in (inbox, approval) if f.is_dir() for p in f.iterdir()})

    with _watching([inbox, approval], run_pass, settle=0.0, scan=60.0):
        assert wait_for(lambda: seen, timeout=10)  # the start-up pass
        shutil.rmtree(inbox)
        os.rename(staging / "wake.xlsx", approval / "wake.xlsx")  # one event, in approval/
        assert wait_for(lambda: any("wake.xlsx" in names for names in seen), timeout=10)

        # That pass came after the check that makes missing folders and restarts the watcher.
        assert inbox.is_dir(), "the removed folder was not made again"
        assert len(started) == 2 and started[1].is_alive()
        before = len(seen)
        os.rename(staging / "new.xlsx", inbox / "new.xlsx")  # one event, in the new inbox/
        assert wait_for(lambda: any("new.xlsx" in names for names in seen[before:]), timeout=10)
