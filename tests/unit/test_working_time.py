"""Working time: only the local hours of working days count, a weekend, a holiday and a
daylight saving change taken as they fall."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pipeline.domain.working_time import WorkingDays, weekday_numbers, working_time

CHICAGO = ZoneInfo("America/Chicago")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=CHICAGO)


def test_a_weekend_counts_nothing() -> None:
    friday, monday = _at("2026-03-06T16:00"), _at("2026-03-09T08:00")
    assert working_time(friday, monday, CHICAGO, WorkingDays()) == timedelta(hours=16)


def test_a_holiday_counts_nothing_and_a_short_spring_day_its_23_hours() -> None:
    # Sunday 8 March 2026 is 23 hours long in Chicago; a seven-day week counts it so.
    every_day = WorkingDays(frozenset(range(7)), frozenset({date(2026, 3, 9)}))
    start, end = _at("2026-03-08T00:00"), _at("2026-03-10T00:00")
    assert working_time(start, end, CHICAGO, every_day) == timedelta(hours=23)


def test_an_end_before_the_start_is_no_time() -> None:
    assert working_time(
        _at("2026-03-09T10:00"), _at("2026-03-09T09:00"), CHICAGO, WorkingDays()
    ) == timedelta(0)


def test_weekday_names_are_read_and_a_wrong_one_named() -> None:
    assert weekday_numbers(["Mon", "tuesday", "SUN"]) == frozenset({0, 1, 6})
    with pytest.raises(ValueError, match="'Funday' is not a day of the week"):
        weekday_numbers(["Funday"])
