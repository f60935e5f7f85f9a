"""The daemon's eyes: watchdog events wake a single worker that runs the same pass as ``process``.

Events are only hints; the folder listing is the truth. A full pass also runs at start-up,
every scan interval, and when a file that is still being written should have settled.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from watchdog.events import (
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from pipeline.adapters.files.file_operations import is_ignored

logger = logging.getLogger(__name__)

# The events that can bring work: a file arriving, saved (closed after writing, or renamed
# into place) or removed. Opens, reads and every write in between are not asked for: each
# one woke three watchdog threads, which then took the interpreter from the pass writing the
# files (a third of the daemon's time in a burst went to waiting for it after a system call).
WAKING_EVENTS: list[type[FileSystemEvent]] = [
    FileCreatedEvent,
    FileMovedEvent,
    FileClosedEvent,
    FileDeletedEvent,
]


class _Wake(FileSystemEventHandler):
    """Runs on the observer thread: only sets a flag, never does work."""

    def __init__(self, wake: threading.Event) -> None:
        self.wake = wake

    def on_any_event(self, event: FileSystemEvent) -> None:
        name = os.path.basename(str(event.dest_path or event.src_path))
        if not event.is_directory and not is_ignored(name):
            self.wake.set()


def _observer(
    folders: Iterable[Path], wake: threading.Event, polling: bool, poll_interval: float
) -> BaseObserver:
    observer: BaseObserver = PollingObserver(timeout=poll_interval) if polling else Observer()
    for folder in folders:
        observer.schedule(_Wake(wake), str(folder), recursive=False, event_filter=WAKING_EVENTS)
    observer.daemon = True
    observer.start()
    return observer


def next_settle_wait(
    folders: Iterable[Path],
    settle_seconds: float,
    now: float,
    modified: Callable[[Path], float | None] | None = None,
    since: float | None = None,
) -> float | None:
    """Seconds until the next file in ``folders`` that was unsettled at ``since`` (the start
    of the last pass, which left it for that reason; default ``now``) settles, at least a
    moment: one that settled while the pass ran needs the next pass at once. None if none
    waits. ``modified`` says when a file counts as last modified (``settling``: a file seen to
    change counts from then, whatever its time says); without it, its mtime, a future one
    counting from now."""
    since = now if since is None else since
    waits = []
    for folder in folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if is_ignored(entry.name) or not entry.is_file(follow_symlinks=False):
                    continue
                if modified is None:
                    counted = min(now, entry.stat(follow_symlinks=False).st_mtime)
                else:
                    found = modified(Path(entry.path))
                    if found is None:
                        continue
                    counted = found
            except OSError:  # gone between listing and stat: nothing to wait for
                continue
            if counted + settle_seconds > since:  # unsettled when the pass looked
                waits.append(counted + settle_seconds - now)
    return max(0.05, min(waits)) if waits else None


def _recreate_missing(folders: Iterable[Path]) -> bool:
    """Recreate watched folders someone removed; True if any was missing."""
    missing = [folder for folder in folders if not folder.is_dir()]
    for folder in missing:
        logger.error("%s disappeared; recreating it", folder)
        folder.mkdir(parents=True, exist_ok=True)
    return bool(missing)


def watch(
    folders: list[Path],
    run_pass: Callable[[], object],
    *,
    settle_seconds: float,
    scan_interval: float,
    polling: bool,
    poll_interval: float,
    stop: threading.Event,
    modified: Callable[[Path], float | None] | None = None,
    now: Callable[[], float] = time.time,
) -> None:
    """Run passes until ``stop`` is set: on events, on schedule, and when files settle (by
    ``modified``, the passes' own idea of when a file last changed, at ``now``, their time)."""
    wake = threading.Event()
    observer = _observer(folders, wake, polling, poll_interval)
    logger.info(
        "watching %s (%s)",
        ", ".join(str(f) for f in folders),
        "polling" if polling else "native events",
    )
    try:
        while not stop.is_set():
            wake.clear()
            timeout = scan_interval
            try:
                if _recreate_missing(folders) or not observer.is_alive():
                    logger.error("restarting the file watcher")
                    observer.stop()
                    observer = _observer(folders, wake, polling, poll_interval)
                started = now()
                run_pass()
                pending = next_settle_wait(folders, settle_seconds, now(), modified, started)
                timeout = scan_interval if pending is None else min(scan_interval, pending)
            except Exception as exc:  # the daemon outlives any single failure
                logger.error("pass failed (%s: %s); retrying shortly", type(exc).__name__, exc)
                logger.debug("pass traceback", exc_info=exc)
                timeout = min(scan_interval, 5.0)
            _wait(wake, stop, timeout)
            if wake.is_set() and not stop.is_set():
                stop.wait(min(0.05, settle_seconds))  # let a burst of events coalesce
    finally:
        observer.stop()
        observer.join(timeout=5)


def _wait(wake: threading.Event, stop: threading.Event, timeout: float) -> None:
    """Wait for an event, a stop request or the timeout, whichever comes first."""
    deadline = time.monotonic() + timeout
    while not stop.is_set() and not wake.wait(min(0.2, max(0.0, deadline - time.monotonic()))):
        if time.monotonic() >= deadline:
            return
