"""Parse untrusted workbooks in a child process with a time and a memory limit.

A long-lived worker (started by forkserver, so it is safe beside the watcher's threads)
takes one job at a time (``parse_pool`` runs several). A job that runs over time is killed;
one that exhausts memory, or crashes the parser, kills only the worker. Either way the
daemon gets a clear error and a fresh worker.
"""

from __future__ import annotations

import contextlib
import importlib
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from pipeline.errors import ConfigError, UnreadableWorkbook

# What the fork server imports once, so that every worker forked from it starts warm: the
# parsing and checking code (pandas and pandera) and the annotated copy's writer. The
# daemon itself never imports them: they live in the worker's memory only.
PARSING_MODULES = (
    "pipeline.adapters.reading.workbook_intake",
    "pipeline.adapters.reading.review_reader",
    "pipeline.adapters.writing.annotated_workbook",
)

START_WAIT_SECONDS = 30.0  # at most, for a start under way to finish before closing

# A job names its function as ``"module:function"`` (resolved in the worker, so the caller
# need not import the parsing code) or passes the function itself.
Job = Callable[..., Any] | str


def _resolve(function: Job) -> Callable[..., Any]:
    if callable(function):
        return function
    module, _, name = function.partition(":")
    resolved: Callable[..., Any] = getattr(importlib.import_module(module), name)
    return resolved


def _serve(conn: Connection, memory_bytes: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    # A reader (calamine, in Rust) that runs out of memory prints its whole stack to the
    # daemon's log when RUST_BACKTRACE is set; the daemon says what happened in words.
    os.environ["RUST_BACKTRACE"] = "0"
    while True:
        try:
            function, args = conn.recv()
        except EOFError:
            return
        try:
            conn.send(("ok", _resolve(function)(*args)))
        except BaseException as exc:
            _send_error(conn, exc)


def _send_error(conn: Connection, exc: BaseException) -> None:
    try:
        conn.send(("error", exc))
    except Exception:  # not picklable (a reader's panic): its words, in our type
        conn.send(("error", UnreadableWorkbook(f"cannot read the workbook ({exc})")))


class ParseWorker:
    """Runs ``function(*args)`` in the worker; UnreadableWorkbook on timeout or crash."""

    def __init__(self, seconds: float, memory_mb: int) -> None:
        self.seconds, self.memory = seconds, memory_mb * 2**20
        self._context: Any = multiprocessing.get_context("forkserver")
        self._context.set_forkserver_preload(list(PARSING_MODULES))
        self._process: Any = None
        self._conn: Connection | None = None
        self._starting = threading.Lock()  # held while a worker starts, in start_soon too
        self._failure: ConfigError | None = None

    def start_soon(self) -> None:
        """Start the worker (and its fork server's imports) in the background, so that it is
        ready by the time the first file is read; a start-up failure is raised by ``run``."""

        def start() -> None:
            try:
                self._connection()
            except ConfigError as exc:
                self._failure = exc

        # Not a daemon thread: a process ending meanwhile lets the launch finish (else the
        # fork server's child would read half a launch and print its traceback).
        threading.Thread(target=start, name="parse-worker-start").start()

    def run(self, label: str, function: Job, *args: Any) -> Any:
        """The function's result, or its exception re-raised here."""
        conn = self._connection()
        conn.send((function, args))
        if not conn.poll(self.seconds):
            self.stop()
            raise UnreadableWorkbook(
                f"{label}: too big or malformed: reading took longer than the limit of "
                f"{self.seconds:.0f} s ([limits] parse_seconds)"
            )
        try:
            status, value = conn.recv()
        except (EOFError, OSError):
            self.stop()
            raise UnreadableWorkbook(
                f"{label}: too big: reading it needed more than the limit of "
                f"{self.memory // 2**20:,} MiB ([limits] parse_memory_mb), or crashed the reader"
            ) from None
        if status == "error":
            if isinstance(value, MemoryError):
                raise UnreadableWorkbook(
                    f"{label}: too big: reading it needed more than the limit of "
                    f"{self.memory // 2**20:,} MiB ([limits] parse_memory_mb)"
                ) from value
            raise value
        return value

    def _connection(self) -> Connection:
        with self._starting:
            if self._failure is not None:
                failure, self._failure = self._failure, None
                raise failure
            if self._process is None or not self._process.is_alive() or self._conn is None:
                self._start()
            assert self._conn is not None
            return self._conn

    def _start(self) -> None:
        self.stop()
        parent, child = self._context.Pipe()
        self._process = self._context.Process(target=_serve, args=(child, self.memory), daemon=True)
        try:
            self._process.start()
        except Exception as exc:  # not the workbook's fault: leave it and say why
            self._process = None
            raise ConfigError(
                f"the parse worker could not start ({exc}); set [limits] "
                "isolate_parsing = false to parse in this process"
            ) from exc
        child.close()
        self._conn = parent

    def close(self) -> None:
        """Stop for good, once a start under way (``start_soon``) has finished: a process
        that ended mid-launch would leave the fork server's new child reading an empty pipe,
        and its traceback would land in the command's output after its last line."""
        finished = self._starting.acquire(timeout=START_WAIT_SECONDS)
        try:
            self.stop()
        finally:
            if finished:
                self._starting.release()

    def stop(self) -> None:
        """Kill the worker (a new one starts with the next job)."""
        if self._process is not None and self._process.pid is not None:
            self._process.kill()
            self._process.join(timeout=5)
        if self._conn is not None:
            # Closing is the goal: a descriptor a failed start or the dying worker's pipe
            # already gave back (EBADF) must not turn a command's clean end into a traceback.
            with contextlib.suppress(OSError):
                self._conn.close()
        self._process, self._conn = None, None
