"""When the daily summary is due, and how long a retry waits: pure timing rules."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.notification import Notification, retry_delay, summary_date

CHICAGO = ZoneInfo("America/Chicago")


def test_not_due_before_the_local_summary_time() -> None:
    assert summary_date(datetime(2026, 3, 2, 13, 59, tzinfo=UTC), CHICAGO, time(8)) is None
    due = summary_date(datetime(2026, 3, 2, 14, 0, tzinfo=UTC), CHICAGO, time(8))
    assert due is not None and due.isoformat() == "2026-03-02"


def test_the_local_date_is_the_key_even_when_utc_has_moved_on() -> None:
    due = summary_date(datetime(2026, 3, 3, 3, 0, tzinfo=UTC), CHICAGO, time(8))
    assert due is not None and due.isoformat() == "2026-03-02"  # 21:00 the day before


@given(st.datetimes(min_value=datetime(2026, 1, 1), max_value=datetime(2027, 1, 1)), st.times())
def test_each_local_day_has_one_due_date_and_it_never_goes_backwards(
    moment: datetime, at: time
) -> None:
    start = moment.replace(tzinfo=UTC)
    days = [summary_date(start + timedelta(minutes=17 * i), CHICAGO, at) for i in range(200)]
    seen = [d for d in days if d is not None]
    assert seen == sorted(seen)
    assert all(
        (start + timedelta(minutes=17 * i)).astimezone(CHICAGO).date() == d
        for i, d in enumerate(days)
        if d is not None
    )


def test_retry_delays_grow_and_stop_at_an_hour() -> None:
    delays = [retry_delay(n) for n in range(1, 12)]
    assert delays[0] == timedelta(seconds=30)
    assert delays == sorted(delays)
    assert delays[-1] == timedelta(hours=1)


def test_message_id_is_fixed_by_the_key() -> None:
    at = datetime(2026, 3, 2, tzinfo=UTC)
    one = Notification(
        key="summary:a@x:2026-03-02",
        template="t",
        to=("a@x",),
        subject="s",
        text="t",
        html="h",
        created_at=at,
    )
    same = Notification(
        key="summary:a@x:2026-03-02",
        template="t",
        to=("a@x",),
        subject="s2",
        text="t2",
        html="h2",
        created_at=at,
    )
    other = Notification(
        key="summary:a@x:2026-03-03",
        template="t",
        to=("a@x",),
        subject="s",
        text="t",
        html="h",
        created_at=at,
    )
    assert one.message_id == same.message_id != other.message_id
    assert one.message_id.startswith("<") and one.message_id.endswith("@budget-erp>")
