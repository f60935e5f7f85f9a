"""Times as people read them: in the workspace's time zone with its abbreviation, standard
and daylight time alike, whatever zone the moment was recorded in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.local_time import local_time

CHICAGO = "America/Chicago"
PARIS = timezone(timedelta(hours=1))  # a moment recorded elsewhere


@pytest.mark.parametrize(
    ("at", "shown"),
    [
        (datetime(2026, 12, 6, 15, 14, tzinfo=UTC), "2026-12-06 09:14 CST"),
        (datetime(2026, 7, 6, 14, 14, tzinfo=UTC), "2026-07-06 09:14 CDT"),
        (datetime(2026, 3, 2, 3, 30, tzinfo=UTC), "2026-03-01 21:30 CST"),  # the day before
        (
            datetime(2026, 12, 6, 10, 14, tzinfo=timezone(timedelta(hours=1))),
            "2026-12-06 03:14 CST",
        ),
        (datetime(2026, 12, 6, 15, 14), "2026-12-06 09:14 CST"),  # no zone: UTC, as stored
    ],
)
def test_a_moment_is_shown_in_the_workspace_zone_with_its_abbreviation(
    at: datetime, shown: str
) -> None:
    assert local_time(at, CHICAGO) == shown


def test_utc_workspaces_say_utc() -> None:
    assert local_time(datetime(2026, 12, 6, 15, 14, tzinfo=UTC), "UTC") == "2026-12-06 15:14 UTC"


@given(st.datetimes(timezones=st.just(UTC)))
def test_the_same_moment_reads_the_same_from_any_recorded_zone(at: datetime) -> None:
    elsewhere = at.astimezone(timezone(timedelta(hours=-7)))
    assert local_time(elsewhere, CHICAGO) == local_time(at, CHICAGO)
