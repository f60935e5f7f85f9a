"""The status page's pure rules: how long a budget waits and on whom, when it is overdue, and
how the page's address and links are written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import PurePosixPath
from urllib.parse import unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.lifecycle import ProjectBudget, Status
from pipeline.domain.status_view import (
    WaitingOn,
    age_text,
    is_overdue,
    page_href,
    seen_lately,
    status_link,
    waiting_on,
    waiting_since,
)

SENT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHANGED = SENT + timedelta(hours=5)
PAGE = PurePosixPath("status/index.html")


def _budget(status: Status) -> ProjectBudget:
    return ProjectBudget(
        project_number="P-1001",
        status=status,
        version=1,
        sender="Ada Admin",
        sent_at=SENT,
        changed_at=CHANGED,
        revision=1,
    )


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(seconds=59), "0 min"),
        (timedelta(minutes=7), "7 min"),
        (timedelta(hours=5, minutes=12), "5 h 12 min"),
        (timedelta(days=3, hours=4, minutes=59), "3 d 4 h"),
        (timedelta(seconds=-30), "0 min"),  # a clock a little behind never shows a minus
    ],
)
def test_an_age_reads_in_days_hours_or_minutes(delta: timedelta, text: str) -> None:
    assert age_text(delta) == text


@pytest.mark.parametrize(
    ("status", "on", "since"),
    [
        (Status.AWAITING_APPROVAL, WaitingOn.APPROVERS, SENT),
        (Status.EXPORT_FAILED, WaitingOn.APPROVERS, CHANGED),
        (Status.REJECTED, WaitingOn.SENDER, CHANGED),
        (Status.RETRIEVED, WaitingOn.SENDER, CHANGED),
        (Status.EXPORTED, WaitingOn.ERP, CHANGED),
        (Status.ACCEPTED, WaitingOn.BUDGET_ERP, CHANGED),
        (Status.SYNCED, WaitingOn.NOBODY, None),
        (Status.WITHDRAWN, WaitingOn.NOBODY, None),
    ],
)
def test_each_state_waits_on_someone_since_a_moment(
    status: Status, on: str, since: datetime | None
) -> None:
    budget = _budget(status)
    assert (waiting_on(budget), waiting_since(budget)) == (on, since)


def test_a_budget_is_overdue_only_past_the_days_and_only_with_a_person() -> None:
    waiting = _budget(Status.AWAITING_APPROVAL)
    assert not is_overdue(waiting, SENT + timedelta(days=3), 3)
    assert is_overdue(waiting, SENT + timedelta(days=3, seconds=1), 3)
    assert is_overdue(waiting, SENT + timedelta(hours=13), 0.5)
    rejected = _budget(Status.REJECTED)  # waits on its sender, from the rejection on
    assert not is_overdue(rejected, CHANGED + timedelta(days=2), 3)
    assert is_overdue(rejected, CHANGED + timedelta(days=4), 3)
    # The ERP may never answer, and a closed budget waits on nobody: never overdue.
    for status in (Status.EXPORTED, Status.SYNCED, Status.WITHDRAWN, Status.ACCEPTED):
        assert not is_overdue(_budget(status), SENT + timedelta(days=30), 3)


@pytest.mark.parametrize(
    ("url", "link"),
    [
        ("", ""),
        ("\\\\files\\budgets", "\\\\files\\budgets\\status\\index.html"),
        ("\\\\files\\budgets\\", "\\\\files\\budgets\\status\\index.html"),
        ("S:\\Budgets", "S:\\Budgets\\status\\index.html"),
        (
            "https://files.example.com/budgets/",
            "https://files.example.com/budgets/status/index.html",
        ),
        ("/srv/budgets", "/srv/budgets/status/index.html"),
    ],
)
def test_the_page_is_joined_to_the_workspace_address_as_its_kind_wants(url: str, link: str) -> None:
    assert status_link(url, PAGE) == link


def test_a_url_gets_its_page_name_quoted() -> None:
    link = status_link("https://files.example.com/b", PurePosixPath("état #1/index.html"))
    assert link == "https://files.example.com/b/%C3%A9tat%20%231/index.html"


NAMES = st.text(
    st.characters(exclude_categories=["Cs"], exclude_characters="/\x00"), min_size=1
).filter(lambda name: name not in (".", ".."))


@given(st.lists(NAMES, min_size=1, max_size=4))
def test_a_href_names_the_same_path_once_unquoted(parts: list[str]) -> None:
    relative = "/".join(["..", *parts])
    href = page_href(relative)
    assert unquote(href) == relative
    assert not any(c in href for c in "#?\"'<> ")  # nothing that ends or breaks a link


def test_a_daemon_unheard_of_for_a_day_is_no_longer_listed() -> None:
    now = SENT + timedelta(days=3)
    assert seen_lately(now - timedelta(hours=23, minutes=59), now)
    assert not seen_lately(now - timedelta(days=1), now)  # killed: its row would stay forever
