"""Approval routing on the status page, in a real browser (Debian's Chromium): a version on
a route of two levels says the level it waits on, its approvers are that level's people, and
who accepted the level before it (a delegate, for whom, when); a version of one level reads
as before, its approver away and their delegate standing in; the delegations in force have
their own short section, and the event of a level's Accept reads as words."""

from __future__ import annotations

import re

import pytest

from tests.support.approval_levels import accepted_at_accounting, two_levels
from tests.support.browser import Watched
from tests.support.workspace import Workspace

pytestmark = pytest.mark.slow  # starts Chromium


def test_the_page_shows_the_level_waited_on_and_who_accepted_before(
    workspace: Workspace, browser_page: Watched
) -> None:
    two_levels(workspace)
    accepted_at_accounting(workspace)
    assert workspace.run("status", "--html").exit_code == 0

    browser_page.open(workspace.root / "status" / "index.html")
    view = browser_page.page

    big = view.locator('#budgets tr[data-project="P-1001"]')
    small = view.locator('#budgets tr[data-project="P-2002"]')
    assert big.locator(".approvers").inner_text() == "Vera Controller"
    assert big.locator(".waiting-on .level").inner_text() == "at Controller (level 2 of 2)"
    assert re.fullmatch(
        r"Accounting accepted by Dana Delegate for Carl Accountant, 2026-03-02 08:\d\d CET",
        big.locator(".waiting-on .accepted").inner_text(),
    )
    assert small.locator(".waiting-on").inner_text() == "approvers"  # one level: as before
    assert small.locator(".approvers").inner_text() == "Dana Delegate for Carl Accountant"
    section = view.get_by_role("region", name="Delegations in force today")
    assert section.is_visible()
    assert section.locator("li").all_inner_texts() == [
        "Dana Delegate for Carl Accountant, 2026-03-01 to 2026-03-05"
    ]
    assert "accept a level" in view.locator("#events").inner_text()
    assert browser_page.errors == [] and browser_page.console == []


def test_one_level_and_nobody_away_adds_nothing_to_the_page(
    workspace: Workspace, browser_page: Watched
) -> None:
    workspace.drop("clinic.xlsx")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0

    browser_page.open(workspace.root / "status" / "index.html")
    view = browser_page.page

    row = view.locator('#budgets tr[data-project="P-1001"]')
    assert row.locator(".waiting-on").inner_text() == "approvers"
    assert row.locator(".level, .accepted").count() == 0
    assert row.locator(".approvers").inner_text() == "Carl Accountant"
    assert view.locator("#delegations").count() == 0
    assert view.get_by_role("heading", name="Delegations in force today").count() == 0
