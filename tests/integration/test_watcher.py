"""The watcher's supervisor: a dead observer thread is replaced, and events only wake."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from pipeline.adapters.files import watcher


def test_a_dead_observer_is_restarted_and_passes_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    started: list[object] = []
    real = watcher._observer

    def tracking(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        observer = real(*args, **kwargs)  # type: ignore[arg-type]
        started.append(observer)
        return observer

    monkeypatch.setattr(watcher, "_observer", tracking)
    passes: list[float] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=watcher.watch,
        args=([tmp_path], lambda: passes.append(1)),
        kwargs={
            "settle_seconds": 0.1,
            "scan_interval": 0.3,
            "polling": False,
            "poll_interval": 0.1,
            "stop": stop,
        },
    )
    thread.start()
    try:
        deadline = time.monotonic() + 5
        while not started and time.monotonic() < deadline:
            time.sleep(0.05)
        first = started[0]
        first.stop()  # the observer thread dies (as after an inotify error)
        first.join()
        deadline = time.monotonic() + 10
        while len(started) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(started) == 2 and started[1].is_alive()
        before = len(passes)
        (tmp_path / "new.xlsx").write_bytes(b"x")  # the new observer wakes the loop
        deadline = time.monotonic() + 5
        while len(passes) == before and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(passes) > before
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()
