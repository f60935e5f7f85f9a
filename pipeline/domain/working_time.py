"""How long something has waited in working time: only the hours of the workspace's working
days count (``[notify] workdays``, less ``holidays``), each day taken in the local time zone.
Pure: no I/O."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MONDAY_TO_FRIDAY = frozenset(range(5))


@dataclass(frozen=True)
class WorkingDays:
    """Which local days count: weekdays by number (Monday 0), less the holidays."""

    weekdays: frozenset[int] = MONDAY_TO_FRIDAY
    holidays: frozenset[date] = field(default_factory=frozenset)

    def counts(self, day: date) -> bool:
        """Whether ``day`` is a working day."""
        return day.weekday() in self.weekdays and day not in self.holidays


def weekday_numbers(names: Collection[str]) -> frozenset[int]:
    """``["Mon", "Tue"]`` as weekday numbers; ValueError naming a name not a weekday."""
    found = set()
    for name in names:
        key = name.strip().lower()[:3]
        if key not in WEEKDAYS:
            raise ValueError(f"notify.workdays: {name!r} is not a day of the week (Mon to Sun)")
        found.add(WEEKDAYS.index(key))
    return frozenset(found)


def working_time(start: datetime, end: datetime, zone: ZoneInfo, days: WorkingDays) -> timedelta:
    """The time from ``start`` to ``end`` that falls on working days (zero when ``end`` is
    not after ``start``); a Friday evening to Monday morning is only the evening and the
    morning."""
    if end <= start:
        return timedelta(0)
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    total = timedelta(0)
    day = local_start.date()
    while day <= local_end.date():
        if days.counts(day):
            opens = max(local_start, datetime.combine(day, time(0), zone))
            closes = min(local_end, datetime.combine(day + timedelta(days=1), time(0), zone))
            # In UTC: between two times of one zone Python would ignore a daylight saving change.
            total += max(timedelta(0), closes.astimezone(UTC) - opens.astimezone(UTC))
        day += timedelta(days=1)
    return total
