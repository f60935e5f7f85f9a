"""Several parse workers, and reading ahead: while the daemon records one claimed file, the
workers read and check the next ones. A worker reads a private copy of the claimed file's
bytes, taken from one descriptor, and the result is used only for the very bytes the daemon
took; otherwise the daemon's own copy is read again."""

from __future__ import annotations

import queue
import threading
from collections.abc import Sequence
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from pipeline.adapters.reading.parse_worker import Job, ParseWorker
from pipeline.config import Settings
from pipeline.errors import UnreadableFile
from pipeline.services.ports import ReadResult

READ_AND_CHECK = "pipeline.adapters.reading.workbook_intake:read_and_check"
READ_SNAPSHOT = "pipeline.adapters.reading.parse_pool:read_snapshot"
# Bigger files are read when their turn comes, not ahead: a result read ahead waits in the
# daemon's memory, and a few 200,000-line budgets held at once would outgrow the one read now.
READ_AHEAD_MAX_BYTES = 4 * 2**20

_Task = tuple["Future[Any]", str, Job, tuple[Any, ...]]
_STOP: Any = object()  # put in the task queue: the thread that takes it ends


class ParsePool:
    """``size`` parse workers; jobs run in the order given, each on a free worker.

    The worker used last is used next, so a second one starts only when two jobs overlap:
    one file at a time costs one worker's memory, however large the pool."""

    def __init__(self, seconds: float, memory_mb: int, size: int) -> None:
        self._workers = [ParseWorker(seconds, memory_mb) for _ in range(size)]
        self._idle: queue.LifoQueue[ParseWorker] = queue.LifoQueue()
        for worker in reversed(self._workers):
            self._idle.put(worker)
        self._tasks: queue.Queue[_Task] = queue.Queue()  # or _STOP
        self._threads: list[threading.Thread] = []
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        """How many workers the pool may run at once."""
        return len(self._workers)

    def start_soon(self) -> None:
        """Start the first worker in the background (the others start when needed)."""
        self._workers[0].start_soon()

    def submit(self, label: str, function: Job, *args: Any) -> Future[Any]:
        """Queue ``function(*args)``; its result, or its error, arrives in the future."""
        future: Future[Any] = Future()
        with self._lock:
            while len(self._threads) < self.size:  # at the first job
                thread = threading.Thread(target=self._serve, name="parse-jobs", daemon=True)
                self._threads.append(thread)
                thread.start()
        self._tasks.put((future, label, function, args))
        return future

    def run(self, label: str, function: Job, *args: Any) -> Any:
        """``function(*args)`` on a worker, waited for; its error re-raised here."""
        return self.submit(label, function, *args).result()

    def close(self) -> None:
        """Stop the workers and the threads that feed them: a command run in a process that
        goes on (a test's in-process CLI run) must not leave a worker behind per run."""
        with self._lock:
            for _ in self._threads:
                self._tasks.put(_STOP)
            self._threads.clear()
        for worker in self._workers:
            worker.close()

    def _serve(self) -> None:
        while True:
            task = self._tasks.get()
            if task is _STOP:
                self._tasks.task_done()
                return
            future, label, function, args = task
            try:
                if future.set_running_or_notify_cancel():
                    worker = self._idle.get()
                    try:
                        future.set_result(worker.run(label, function, *args))
                    except BaseException as exc:  # the job's error, for whoever waits on it
                        future.set_exception(exc)
                    finally:
                        self._idle.put(worker)
            finally:
                self._tasks.task_done()


def read_snapshot(path: Path, settings: Settings) -> tuple[str, ReadResult | Exception]:
    """In a worker: the claimed file taken once (its bytes hashed and copied from one
    descriptor), and what reading that copy gave (a result or the error), with the hash of
    the very bytes read; "" when it could not be taken (gone, or grown past the limit)."""
    from pipeline.adapters.files.taken import taken_file
    from pipeline.adapters.reading.workbook_intake import read_and_check

    outcome: ReadResult | Exception
    try:
        with taken_file(path, READ_AHEAD_MAX_BYTES) as taken:
            try:
                outcome = read_and_check(taken.content, settings)
            except Exception as exc:  # the error is the result, if these bytes are taken
                outcome = exc
            return taken.sha256, outcome
    except (OSError, UnreadableFile) as exc:
        return "", exc


class ReadingAhead:
    """The admins' workbook reader of a pass, which can be asked to read files ahead."""

    def __init__(self, pool: ParsePool, settings: Settings) -> None:
        self._pool, self._settings = pool, settings
        self._ahead: dict[str, Future[Any]] = {}  # by the claimed file's name

    def read_ahead(self, paths: Sequence[Path]) -> None:
        """Start reading these claimed files now, in this order; drop what was read ahead
        and is not listed again. A file too big to wait in memory is left for its turn."""
        names = {path.name for path in paths}
        for name in set(self._ahead) - names:
            self._ahead.pop(name).cancel()
        for path in paths:
            if path.name not in self._ahead and _small(path):
                self._ahead[path.name] = self._pool.submit(
                    path.name, READ_SNAPSHOT, path, self._settings
                )

    def read(self, path: Path, sha256: str = "") -> ReadResult:
        """``path`` read and checked; the result read ahead from the claimed file of that
        name instead, when it was read from bytes whose hash is ``sha256``. A read without
        a hash (``check``, which the daemon answers on a thread of its own, beside a pass)
        leaves what was read ahead to the pass."""
        future = self._ahead.pop(path.name, None) if sha256 else None
        if future is not None:
            # A timeout or a crash of the worker is raised here, as in a read now: the file
            # was claimed, so it was these bytes, or a writer still at them, either way.
            sha, outcome = future.result()
            if sha == sha256:
                if isinstance(outcome, Exception):
                    raise outcome
                result: ReadResult = outcome
                return result
        read_now: ReadResult = self._pool.run(path.name, READ_AND_CHECK, path, self._settings)
        return read_now


def _small(path: Path) -> bool:
    try:
        return path.stat().st_size <= READ_AHEAD_MAX_BYTES
    except OSError:
        return False  # gone or unreadable: its turn says why
