"""Escalation: a version waiting at one approval level longer than ``[notify]
escalate_after_days`` business days is escalated. Its waiting is counted as the daily
summary counts it (``working_time``: working days only, less holidays), from the moment the
level's review workbook was issued. Pure: no I/O."""

from __future__ import annotations

from datetime import timedelta


def escalated(waited: timedelta, after_days: int) -> bool:
    """Whether a level that has waited ``waited`` in working time waited longer than
    ``after_days`` business days; never when ``after_days`` is 0 (escalation off)."""
    return after_days > 0 and waited > timedelta(days=after_days)
