"""Fault injection for crash tests: ``BUDGET_ERP_CRASH_AT=<step>`` kills the process there.

Each step boundary that matters for exactly-once calls ``crash_point``; in normal runs the
variable is unset and this costs one dictionary lookup. Every write also passes
``before_rename``, where a test can kill (``BUDGET_ERP_CRASH_AT=before_rename[:<folder>]``),
stop (``BUDGET_ERP_STOP_AT=...``, resumed by SIGCONT) or slow down
(``BUDGET_ERP_SLOW_WRITES=<seconds>``) a write whose temporary file is complete.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

CRASH_EXIT_CODE = 75


def crash_point(step: str, where: Path | None = None) -> None:
    """Die at once, as a power cut would, if the environment names this step."""
    if _named(os.environ.get("BUDGET_ERP_CRASH_AT", ""), step, where):
        os._exit(CRASH_EXIT_CODE)


def before_rename(folder: Path) -> None:
    """A write into ``folder`` has its temporary file complete and is about to rename it."""
    crash_point("before_rename", folder)
    if _named(os.environ.get("BUDGET_ERP_STOP_AT", ""), "before_rename", folder):
        os.kill(os.getpid(), signal.SIGSTOP)  # paused mid-write, as a hung share would
    delay = os.environ.get("BUDGET_ERP_SLOW_WRITES")
    if delay:
        time.sleep(float(delay))


def _named(setting: str, step: str, where: Path | None) -> bool:
    """``step`` matches anywhere; ``step:name`` only in a folder ``name`` (or just below it:
    ``before_rename:archive`` matches ``archive/sha256/ab``)."""
    name, _, folder = setting.partition(":")
    if name != step:
        return False
    return not folder or (where is not None and folder in where.parts[-3:])
