"""``budget-erp watch`` as a real process, and what it has observably done: run with
``--verbose``, it logs ``pass done`` after each pass, so a test can wait for passes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from tests.support.waiting import wait_for
from tests.support.workspace import Workspace

PASS_DONE = "pass done"  # the debug line `watch` logs after each pass (pipeline/cli.py)


def fast_settings(ws: Workspace, mode: str = "native") -> None:
    """A daemon that settles, holds and rescans in fractions of the defaults."""
    ws.configure(
        "watch",
        mode=mode,
        settle_seconds=0.3,
        incomplete_seconds=1.0,
        poll_interval_seconds=0.2,
        scan_interval_seconds=2.0,
    )


@dataclass
class Daemon:
    """A running ``budget-erp watch``; its output (stdout and the log) goes to ``log``."""

    ws: Workspace
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, ws: Workspace, log: Path, **env: str) -> Daemon:
        """Start the daemon on ``ws`` with ``env`` added to this process's environment."""
        return cls._started(ws, log, ["--verbose"], env)

    @classmethod
    def start_quiet(cls, ws: Workspace, log: Path, **env: str) -> Daemon:
        """``start`` as an operator runs it: no debug lines (nor their tracebacks), so its
        log shows what an operator sees; ``passes`` cannot be counted."""
        return cls._started(ws, log, [], env)

    @classmethod
    def _started(cls, ws: Workspace, log: Path, flags: list[str], env: dict[str, str]) -> Daemon:
        with log.open("ab") as output:  # the child keeps its own copy of the descriptor
            process = subprocess.Popen(
                [sys.executable, "-m", "pipeline", *flags, "-w", str(ws.root), "watch"],
                stdout=output,
                stderr=subprocess.STDOUT,
                env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            )
        return cls(ws, process, log)

    def output(self) -> str:
        """Everything the daemon has written so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def passes(self) -> int:
        """How many passes the daemon has finished."""
        return self.output().count(PASS_DONE)

    def wait_for_passes(self, count: int, timeout: float = 60.0) -> bool:
        """Wait until the daemon has finished ``count`` passes in all."""
        return wait_for(lambda: self.passes() >= count, timeout)

    def wait_for_output(self, text: str, timeout: float = 60.0) -> bool:
        """Wait until the daemon has written ``text``."""
        return wait_for(lambda: text in self.output(), timeout)

    def stop(self, timeout: float = 15.0) -> int:
        """SIGTERM, as a service manager stops it; the exit code."""
        self.process.send_signal(signal.SIGTERM)
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """SIGKILL if still running: a crash, or the clean-up after a failed test."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()
