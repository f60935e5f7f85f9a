"""The status page as a person sees it, in a real browser (Debian's Chromium through
Playwright), with JavaScript off and on: every budget's row, state and age, the overdue mark,
links that reach their files; a file refused by the ERP, with its message and its link, apart
from one sent and not confirmed and one confirmed; and hostile text from a workbook shown as
text, running nothing."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from tests.support.browser import Watched
from tests.support.workspace import MORNING, Workspace, age

pytestmark = pytest.mark.slow  # starts Chromium

HOSTILE_NAME = '<img src=x onerror="window.__pwned=1">'
HOSTILE_REASON = "<script>window.__pwned=1</script> lower 01-900"


def _clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Every later CLI run lives at ``moment`` (and on from there at the real pace)."""
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{moment.isoformat()}@{time.time()}")


def _three_budgets(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    """P-1001 waiting four days for the approver, P-2002 rejected just now, P-3003 in the
    ERP; the page written at that moment."""
    workspace.drop("clinic.xlsx", project="P-1001", project_name="Riverside Clinic")
    assert workspace.run("process").exit_code == 0
    _clock_at(monkeypatch, datetime.fromisoformat(MORNING) + timedelta(days=4, minutes=30))
    workspace.drop("depot.xlsx", project="P-2002", project_name="Harbour Depot")
    workspace.drop("school.xlsx", project="P-3003", project_name="Hill School")
    assert workspace.run("process").exit_code == 0
    workspace.decide("P-2002", decision="Reject", reason="Lower the contingency")
    workspace.decide("P-3003", decision="Accept")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0
    return workspace.root / "status" / "index.html"


def test_every_budget_shows_its_state_age_and_overdue_mark(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, browser_page: Watched
) -> None:
    page = _three_budgets(workspace, monkeypatch)
    browser_page.open(page)
    view = browser_page.page

    rows = view.locator("#budgets tbody tr")
    assert rows.count() == 3
    clinic = view.locator('#budgets tr[data-project="P-1001"]')
    depot = view.locator('#budgets tr[data-project="P-2002"]')
    school = view.locator('#budgets tr[data-project="P-3003"]')
    assert clinic.locator("th").inner_text() == "P-1001 Riverside Clinic"
    assert clinic.locator(".state").inner_text() == "awaiting approval"
    assert clinic.locator(".waiting-on").inner_text() == "approvers"
    assert clinic.locator(".age").inner_text() == "4 d 0 h overdue"
    assert depot.locator(".state").inner_text() == "rejected"
    assert depot.locator(".waiting-on").inner_text() == "sender"
    assert depot.locator(".age").inner_text().endswith("min")
    assert school.locator(".state").inner_text() == "exported"
    assert school.locator(".in-erp").inner_text() == "v1 (P-3003_v1_001.csv)"
    # Overdue: a class for the eye and a word for everyone (not colour alone).
    assert "overdue" in (clinic.get_attribute("class") or "").split()
    marker = clinic.locator(".marker")
    assert marker.is_visible() and marker.inner_text().strip() == "overdue"
    for calm in (depot, school):
        assert "overdue" not in (calm.get_attribute("class") or "").split()
        assert calm.locator(".marker").count() == 0
    assert "1 overdue" in view.locator(".counts").inner_text()
    assert view.locator("html").get_attribute("lang") == "en"
    assert view.locator("#budgets thead th").count() == 12
    assert view.get_by_role("heading", name="Budgets").is_visible()
    assert "Last pass" in view.locator("dl.health").inner_text()
    assert "Lower the contingency" in view.locator("#events").inner_text()


def test_the_links_reach_the_files_they_name(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, browser_page: Watched
) -> None:
    page = _three_budgets(workspace, monkeypatch)
    browser_page.open(page)

    links = browser_page.page.locator("#budgets a")
    found = {}
    for index in range(links.count()):
        link = links.nth(index)
        target = browser_page.file_of(link.get_attribute("href") or "")
        assert target.is_file(), target
        assert target == workspace.root / link.inner_text()
        found[link.inner_text()] = target
    assert set(found) == {
        "approval/P-1001_v1_review.xlsx",
        "rejected/P-2002_v1_rejected.xlsx",
        "outbox/P-3003_v1_001.csv",
        "current/P-3003_current.xlsx",
    }
    assert browser_page.requests == [page.resolve().as_uri()]  # nothing else was fetched


def test_a_link_squatting_a_review_name_is_never_linked_and_ours_is_once_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, browser_page: Watched, tmp_path: Path
) -> None:
    page = _three_budgets(workspace, monkeypatch)
    review = workspace.review("P-1001")
    outside = tmp_path / "secret.xlsx"
    outside.write_bytes(b"out of the workspace")
    review.unlink()
    review.symlink_to(outside)  # someone's link where the review workbook belongs

    def linked() -> dict[str, Path]:
        browser_page.open(page)
        links = browser_page.page.locator("#budgets a")
        found = {}
        for index in range(links.count()):
            target = browser_page.file_of(links.nth(index).get_attribute("href") or "")
            assert target.is_file() and not target.is_symlink(), target
            assert workspace.root.resolve() in target.resolve().parents, target
            found[links.nth(index).inner_text()] = target
        return found

    assert workspace.run("status", "--html").exit_code == 0
    assert "approval/P-1001_v1_review.xlsx" not in linked()
    assert workspace.run("process").exit_code == 0  # moved aside, ours written back

    assert linked()["approval/P-1001_v1_review.xlsx"] == review
    assert not review.is_symlink()
    assert outside.read_bytes() == b"out of the workspace"


@pytest.mark.parametrize("browser_page", [True], ids=["javascript"], indirect=True)
def test_hostile_text_from_a_workbook_shows_as_text_and_runs_nothing(
    workspace: Workspace, browser_page: Watched
) -> None:
    workspace.drop(project="P-1001", project_name=HOSTILE_NAME)
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Reject", reason=HOSTILE_REASON)
    assert workspace.run("process").exit_code == 0
    page = workspace.root / "status" / "index.html"
    assert page.is_file()  # written by the pass itself

    browser_page.open(page)
    view = browser_page.page

    row = view.locator('#budgets tr[data-project="P-1001"]')
    assert row.locator(".name").inner_text() == HOSTILE_NAME
    assert HOSTILE_REASON in view.locator("#events").inner_text()
    assert view.locator("img").count() == 0
    assert view.locator("script").count() == 0
    assert view.locator("[onerror]").count() == 0
    assert view.evaluate("typeof window.__pwned") == "undefined"  # scripts run here: none did
    assert browser_page.console == [] and browser_page.errors == []
    assert browser_page.requests == [page.resolve().as_uri()]  # no image was fetched


def _answered(workspace: Workspace) -> Path:
    """P-1001 refused by the ERP, P-2002 sent and not answered, P-3003 confirmed; the page
    written at that moment."""
    for project in ("P-1001", "P-2002", "P-3003"):
        workspace.drop(f"{project}.xlsx", project=project)
        assert workspace.run("process").exit_code == 0
        workspace.decide(project, decision="Accept")
        assert workspace.run("process").exit_code == 0
    results = workspace.root / "outbox" / "results"
    for export, answer in (
        ("P-1001_v1_001.csv", {"status": "failure", "message": "Cost code 03-300 is not set up"}),
        ("P-3003_v1_001.csv", {"status": "success"}),
    ):
        (results / f"{export}.json").write_text(json.dumps({"export": export, **answer}))
        age(results / f"{export}.json")
    assert workspace.run("process").exit_code == 0
    assert workspace.run("status", "--html").exit_code == 0
    return workspace.root / "status" / "index.html"


def test_refused_sent_and_confirmed_read_apart_and_link_the_refused_file(
    workspace: Workspace, browser_page: Watched
) -> None:
    page = _answered(workspace)
    browser_page.open(page)
    view = browser_page.page

    refused = view.locator('#budgets tr[data-project="P-1001"]')
    sent = view.locator('#budgets tr[data-project="P-2002"]')
    confirmed = view.locator('#budgets tr[data-project="P-3003"]')
    assert refused.locator(".state").inner_text().startswith("refused by the ERP")
    refusal = refused.locator(".refusal")
    assert refusal.is_visible()
    assert "P-1001_v1_001.csv: Cost code 03-300 is not set up" in refusal.inner_text()
    assert refused.locator(".in-erp").inner_text() == ""  # the ERP confirmed nothing of it
    assert sent.locator(".state").inner_text() == "sent, not confirmed"
    assert sent.locator(".in-erp").inner_text() == "v1 (P-2002_v1_001.csv): sent, not confirmed"
    assert confirmed.locator(".state").inner_text() == "in the ERP (confirmed)"
    assert (
        confirmed.locator(".in-erp").inner_text()
        == "v1 (P-3003_v1_001.csv): in the ERP (confirmed)"
    )

    links = refused.locator("a")
    found = {}
    for index in range(links.count()):
        link = links.nth(index)
        target = browser_page.file_of(link.get_attribute("href") or "")
        assert target.is_file() and target == workspace.root / link.inner_text()
        found[link.inner_text()] = target
    assert set(found) == {
        "approval/P-1001_v1_review.xlsx",
        "outbox/failed/P-1001_v1_001.csv",
        "outbox/failed/P-1001_v1_001.csv.error.txt",
    }
    assert "Cost code 03-300" in found["outbox/failed/P-1001_v1_001.csv.error.txt"].read_text()
    assert browser_page.requests == [page.resolve().as_uri()]  # nothing else was fetched
