"""Fault injection for crash tests: ``BUDGET_ERP_CRASH_AT=<step>`` kills the process there.

Each step boundary that matters for exactly-once calls ``crash_point``; in normal runs the
variable is unset and this costs one dictionary lookup.
"""

from __future__ import annotations

import os

CRASH_EXIT_CODE = 75


def crash_point(step: str) -> None:
    """Die at once, as a power cut would, if the environment names this step."""
    if os.environ.get("BUDGET_ERP_CRASH_AT") == step:
        os._exit(CRASH_EXIT_CODE)
