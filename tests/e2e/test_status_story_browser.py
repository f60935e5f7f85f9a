"""Each budget's story on the status page, in a real browser (Chromium through Playwright):
the version in force in the ERP and the change pending, rejected or withdrawn on top of it on
one row, with the total and the net change; and the refused workbooks waiting for an admin in
rejected/, linked."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import Watched
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace

pytestmark = pytest.mark.slow  # starts Chromium

# The painting subcontract up by 1,200.00: 95,000.50 becomes 96,200.50.
CHANGED_LINES = [*DEFAULT_LINES[:3], ("", "09-900", "S", "Painting subcontract", 9200)]


def _change_on_top(workspace: Workspace) -> Path:
    """P-1001 v1 in the ERP and v2 sent on top of it; the page written at that moment."""
    workspace.drop("clinic.xlsx", project="P-1001")
    assert workspace.run("process").exit_code == 0
    workspace.decide("P-1001", decision="Accept")
    assert workspace.run("process").exit_code == 0
    workspace.drop("clinic-v2.xlsx", project="P-1001", lines=CHANGED_LINES)
    assert workspace.run("process").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0
    return workspace.root / "status" / "index.html"


def test_the_version_in_the_erp_and_the_change_on_top_read_on_one_row(
    workspace: Workspace, browser_page: Watched
) -> None:
    page = _change_on_top(workspace)
    browser_page.open(page)
    row = browser_page.page.locator('#budgets tr[data-project="P-1001"]')

    assert row.locator(".in-erp").inner_text() == "v1 (P-1001_v1_001.csv)"
    assert row.locator(".state").inner_text() == (
        "awaiting approval\n\na change on top of v1, which stays in force"
    )
    assert row.locator(".version").inner_text() == "v2"
    assert row.locator(".total").inner_text() == "96,200.50"
    assert row.locator(".net-change").inner_text() == "+1,200.00"
    header = browser_page.page.locator("#budgets thead th").all_inner_texts()
    assert header[:6] == ["Project", "In the ERP", "State", "Version", "Total", "Net change"]


def test_a_withdrawn_change_leaves_the_version_in_force_on_its_row(
    workspace: Workspace, browser_page: Watched
) -> None:
    _change_on_top(workspace)
    workspace.decide("P-1001", version=2, decision="Reject", reason="Not this month")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("withdraw", "P-1001", "--by", "Ada Admin").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0
    browser_page.open(workspace.root / "status" / "index.html")
    row = browser_page.page.locator('#budgets tr[data-project="P-1001"]')

    assert row.locator(".in-erp").inner_text() == "v1 (P-1001_v1_001.csv)"
    assert row.locator(".state").inner_text() == (
        "withdrawn\n\na change on top of v1, which stays in force"
    )
    assert row.locator(".net-change").inner_text() == "+1,200.00"


def test_a_budget_in_force_shows_its_total_and_no_change_on_top(
    workspace: Workspace, browser_page: Watched
) -> None:
    workspace.drop("clinic.xlsx", project="P-1001")
    assert workspace.run("process").exit_code == 0
    workspace.decide("P-1001", decision="Accept")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0
    browser_page.open(workspace.root / "status" / "index.html")
    row = browser_page.page.locator('#budgets tr[data-project="P-1001"]')

    assert row.locator(".state").inner_text() == "exported"
    assert row.locator(".on-top").count() == 0
    assert row.locator(".total").inner_text() == "95,000.50"
    assert row.locator(".net-change").inner_text() == ""  # a first budget changes nothing


def test_refused_workbooks_waiting_in_rejected_are_listed_with_their_files(
    workspace: Workspace, browser_page: Watched
) -> None:
    workspace.drop("clinic.xlsx", project="P-1001", total="TBD")
    assert workspace.run("process").exit_code == 1  # refused: handed back
    assert workspace.run("status", "--html").exit_code == 0
    page = workspace.root / "status" / "index.html"
    browser_page.open(page)
    listed = browser_page.page.locator("#refused tbody tr")

    assert listed.count() == 1
    links = listed.locator("a")
    found = {}
    for index in range(links.count()):
        link = links.nth(index)
        target = browser_page.file_of(link.get_attribute("href") or "")
        assert target.is_file() and target == workspace.root / link.inner_text()
        found[link.inner_text()] = target
    assert "rejected/clinic.xlsx" in found
    assert "rejected/clinic.xlsx.refused.txt" in found
    assert "refused" in found["rejected/clinic.xlsx.refused.txt"].read_text()

    (workspace.root / "rejected" / "clinic.xlsx").unlink()  # its admin took it away
    assert workspace.run("status", "--html").exit_code == 0
    browser_page.open(page)
    assert browser_page.page.locator("#refused tbody tr").count() == 0
    assert (
        "no refused workbook waits"
        in browser_page.page.locator("#refused-heading + p").inner_text()
    )
