"""Waiting for something observable (a file, a log line, a row) instead of sleeping a guess."""

from __future__ import annotations

import time
from collections.abc import Callable

POLL_SECONDS = 0.05


def wait_for(condition: Callable[[], object], timeout: float = 30.0) -> bool:
    """Poll ``condition`` until it is true (True) or ``timeout`` seconds pass (False).

    The timeout only bounds a failing test; a passing one goes on as soon as the condition
    holds, so it asserts nothing about time.
    """
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(POLL_SECONDS)
    return True
