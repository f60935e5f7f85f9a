"""Escalation's limit: longer than ``escalate_after_days`` business days of working time
(as the summary counts it), never when the limit is 0."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.escalation import escalated
from pipeline.domain.working_time import WorkingDays, working_time

CHICAGO = ZoneInfo("America/Chicago")
THURSDAY = datetime(2026, 3, 5, 7, 0, tzinfo=CHICAGO)


def _waited(end: str, days: WorkingDays | None = None) -> timedelta:
    moment = datetime.fromisoformat(end).replace(tzinfo=CHICAGO)
    return working_time(THURSDAY, moment, CHICAGO, days or WorkingDays())


@pytest.mark.parametrize(
    ("end", "expected"),
    [
        ("2026-03-06T23:59", False),  # Friday night: 17 h + 23 h 59
        ("2026-03-08T23:59", False),  # the weekend adds nothing
        ("2026-03-09T06:59", False),  # Monday: exactly 48 h is not longer
        ("2026-03-09T07:01", True),
    ],
)
def test_two_business_days_from_a_thursday_run_out_on_monday(end: str, expected: bool) -> None:
    assert escalated(_waited(end), 2) is expected


def test_a_holiday_moves_it_a_day_on() -> None:
    friday_off = WorkingDays(holidays=frozenset({date(2026, 3, 6)}))
    assert not escalated(_waited("2026-03-09T23:59", friday_off), 2)
    assert escalated(_waited("2026-03-10T07:01", friday_off), 2)


@given(st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=400)))
def test_a_limit_of_zero_never_escalates(waited: timedelta) -> None:
    assert not escalated(waited, 0)
