"""Approval routing through the daemon, decided in a real LibreOffice: a budget over the limit
needs the Accounting and the Controller levels, in order; one under it needs Accounting only;
no person decides two levels; a delegate decides within their dates and not outside them."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.state import state_sql
from tests.support.waiting import wait_for
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import MORNING, Workspace

SCRIPT = Path(__file__).with_name("libreoffice_decide.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
SLOW = 120.0
# Two levels: every budget needs Accounting; one over 90,000 (the default test budget is
# 95,000.50), or changed by more than 10,000, needs the Controller too.
MATRIX = """
[[level]]
name = "Accounting"
role = "accounting_approver"

[[level]]
name = "Controller"
people = ["Vera Controller"]
when_total_over = 90_000
when_change_over = 10_000
"""
MORE_PEOPLE = """
[[person]]
name = "Vera Controller"
email = "vera@example.com"
projects = ["*"]

[[person]]
name = "Dana Director"
email = "dana@example.com"
roles = ["accounting_approver"]
projects = ["*"]

[[person]]
name = "Del Delegate"
email = "del@example.com"
projects = ["*"]
"""
SMALL = [("", "01-100", "L", "General conditions", 12000), ("", "03-300", "M", "Concrete", 8000)]


def _libreoffice_decides(review: Path, decision: str, approver: str, reason: str = "") -> None:
    """An approver opens the review in LibreOffice Calc, types, saves (File > Save), quits."""
    subprocess.run(
        [SYSTEM_PYTHON, str(SCRIPT), str(review), decision, reason, approver],
        check=True,
        timeout=180,
    )


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, str]]:
    events: list[dict[str, str]] = json.loads(ws.run("history", project, "--json").output)
    return events


def _actions(ws: Workspace, project: str = "P-1001") -> list[str]:
    return [e["action"] for e in _history(ws, project)]


def _review_facts(review: Path) -> dict[str, str]:
    """The Review sheet's label -> value rows, as the approver reads them."""
    sheet = openpyxl.load_workbook(review, read_only=True)["Review"]
    return {
        str(row[0]): str(row[1])
        for row in sheet.iter_rows(max_col=2, values_only=True)
        if row[0] is not None and row[1] is not None
    }


def _level_review(ws: Workspace, level: str, project: str = "P-1001") -> Path:
    """Wait for the review issued to ``level`` and return it."""
    review = ws.review(project)

    def issued() -> bool:
        try:
            return _review_facts(review).get("Approval level", "").startswith(level)
        except (OSError, KeyError, ValueError):  # being written
            return False

    assert wait_for(issued, SLOW), f"no review for {level}"
    return review


def _refusal(ws: Workspace, project: str = "P-1001") -> str:
    note = ws.review(project).with_name(ws.review(project).name + ".refused.txt")
    assert wait_for(note.exists, SLOW), "the save was not refused"
    return note.read_text(encoding="utf-8")


def _mail_to(ws: Workspace, address: str) -> list[str]:
    return [str(m["Subject"]) for m in ws.mail() if address in str(m["To"])]


@pytest.fixture
def routed(workspace: Workspace) -> Workspace:
    """The test workspace with a two-level matrix and the controller, a second accounting
    approver and a delegate listed."""
    workspace.add_people(MORE_PEOPLE)
    (workspace.root / "rules" / "approval.toml").write_text(MATRIX, encoding="utf-8")
    fast_settings(workspace)
    return workspace


@pytest.fixture
def daemon(routed: Workspace, tmp_path: Path) -> Iterator[Daemon]:
    running = Daemon.start(routed, tmp_path / "daemon.log")
    yield running
    alive = running.process.poll() is None
    running.stop(timeout=30)
    assert alive, running.output()


@pytest.mark.slow
def test_over_the_limit_both_levels_accept_and_one_erp_file_follows_the_second(
    daemon: Daemon,
) -> None:
    ws = daemon.ws
    ws.drop()  # 95,000.50: over the Controller's 90,000
    ws.drop("small.xlsx", project="P-2002", lines=SMALL)  # 20,000: Accounting only
    review = _level_review(ws, "Accounting (level 1 of 2)")
    assert "Controller (total 95,000.50 over 90,000.00)" in _review_facts(review)["Levels needed"]
    small = ws.review("P-2002")
    assert wait_for(small.exists, SLOW)
    assert "Approval level" not in _review_facts(small)  # one level: nothing new to read

    _libreoffice_decides(small, "Accept", "Carl Accountant")
    assert wait_for((ws.root / "outbox" / "P-2002_v1_001.csv").exists, SLOW), daemon.output()

    _libreoffice_decides(review, "Accept", "Carl Accountant")
    second = _level_review(ws, "Controller (level 2 of 2)")
    facts = _review_facts(second)
    assert facts["Accepted: Accounting"].startswith("by Carl Accountant on ")
    assert not list((ws.root / "outbox").glob("P-1001_*")), "exported before the last level"
    assert _actions(ws)[-1] == "accept_level"
    assert wait_for(
        lambda: any("Controller (level 2 of 2)" in s for s in _mail_to(ws, "vera@example.com")),
        SLOW,
    )

    _libreoffice_decides(second, "Accept", "Vera Controller")
    erp_file = ws.root / "outbox" / "P-1001_v1_001.csv"
    assert wait_for(erp_file.exists, SLOW), daemon.output()
    assert [e["actor"] for e in _history(ws) if e["action"].startswith("accept")] == [
        "Carl Accountant",
        "Vera Controller",
    ]
    assert sorted(p.name for p in (ws.root / "outbox").glob("P-1001_*.csv")) == [erp_file.name]


@pytest.mark.slow
def test_a_reject_at_the_second_level_hands_back_with_both_decisions(daemon: Daemon) -> None:
    ws = daemon.ws
    ws.drop()
    _libreoffice_decides(_level_review(ws, "Accounting"), "Accept", "Carl Accountant")

    second = _level_review(ws, "Controller")
    _libreoffice_decides(second, "Reject", "Vera Controller", "Contingency too thin")

    # The workbook handed back is written just before the Reject is committed: wait for both.
    rejected = ws.root / "rejected" / "P-1001_v1_rejected.xlsx"
    assert wait_for(lambda: _actions(ws)[-2:] == ["accept_level", "reject"], SLOW), (
        _actions(ws),
        daemon.output(),
    )
    assert rejected.exists()
    assert wait_for(lambda: _mail_to(ws, "ada@example.com"), SLOW)
    [mail] = [m for m in ws.mail() if "rejected" in str(m["Subject"])]
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "rejected at the Controller (level 2 of 2) approval" in text
    assert "Accounting accepted by Carl Accountant, " in text
    assert "Contingency too thin" in text
    assert not list((ws.root / "outbox").glob("P-1001_*"))


@pytest.mark.slow
def test_no_person_decides_two_levels_of_one_version(daemon: Daemon) -> None:
    ws = daemon.ws
    ws.change_person("Vera Controller", new=True, roles=["accounting_approver"])
    ws.drop()
    _libreoffice_decides(_level_review(ws, "Accounting"), "Accept", "Vera Controller")
    second = _level_review(ws, "Controller")

    _libreoffice_decides(second, "Accept", "Vera Controller")

    note = _refusal(ws)
    assert "Vera Controller accepted the Accounting level of version 1" in note
    assert "another person must decide the Controller level" in note
    assert not list((ws.root / "outbox").glob("P-1001_*"))
    assert _actions(ws).count("accept_level") == 1


def _delegate(ws: Workspace, start: datetime, end: datetime) -> None:
    ws.add_people(
        f"""
[[delegation]]
person = "Carl Accountant"
delegate = "Del Delegate"
from = {start.date().isoformat()}
to = {end.date().isoformat()}
"""
    )


@pytest.mark.slow
def test_a_delegate_decides_within_their_dates_in_their_own_name(daemon: Daemon) -> None:
    ws = daemon.ws
    today = datetime.fromisoformat(MORNING)  # the workspace's clock
    _delegate(ws, today - timedelta(days=1), today + timedelta(days=1))
    ws.drop("small.xlsx", lines=SMALL)

    review = ws.review()
    assert wait_for(review.exists, SLOW)
    assert wait_for(lambda: _mail_to(ws, "del@example.com"), SLOW), "not sent to the delegate"
    assert not _mail_to(ws, "carl@example.com")

    _libreoffice_decides(review, "Accept", "Del Delegate")

    assert wait_for((ws.root / "outbox" / "P-1001_v1_001.csv").exists, SLOW), daemon.output()
    [accept] = [e for e in _history(ws) if e["action"] == "accept"]
    assert accept["actor"] == "Del Delegate"
    assert "for Carl Accountant, by Del Delegate" in accept["detail"]


@pytest.mark.slow
def test_a_delegate_outside_their_dates_is_refused_and_told_the_dates(daemon: Daemon) -> None:
    ws = daemon.ws
    later = datetime.fromisoformat(MORNING) + timedelta(days=10)
    _delegate(ws, later, later + timedelta(days=4))
    ws.drop("small.xlsx", lines=SMALL)
    review = ws.review()
    assert wait_for(review.exists, SLOW)

    _libreoffice_decides(review, "Accept", "Del Delegate")

    note = _refusal(ws)
    assert "'Del Delegate' is not an accounting approver of project P-1001" in note
    assert f"stands in for Carl Accountant from {later.date().isoformat()}" in note
    assert "accept" not in _actions(ws)


def _process(ws: Workspace, crash_at: str = "") -> int:
    """``budget-erp process`` as its own process, killed at ``crash_at`` (exit 75)."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        env={**os.environ, "BUDGET_ERP_CRASH_AT": crash_at},
        capture_output=True,
        timeout=300,
    ).returncode


@pytest.mark.slow
@pytest.mark.parametrize("step", ["after_decision_recorded", "after_level_review_written"])
def test_a_crash_between_a_level_accept_and_the_next_review_loses_nothing(
    routed: Workspace, step: str
) -> None:
    routed.drop()
    assert _process(routed) == 0
    routed.decide(decision="Accept")

    assert _process(routed, crash_at=step) == 75
    assert _process(routed) == 0

    assert _review_facts(routed.review())["Approval level"] == "Controller (level 2 of 2)"
    assert [f for f in routed.files("approval") if f.endswith(".refused.txt")] == []
    assert len([s for s in _mail_to(routed, "vera@example.com") if "level 2" in s]) == 1
    routed.decide(decision="Accept", approver="Vera Controller")
    assert _process(routed) == 0
    assert [f for f in routed.files("outbox") if f.endswith(".csv")] == ["P-1001_v1_001.csv"]


def _issued_figures(ws: Workspace, version: int) -> list[dict[str, object]]:
    """The figures fingerprint of each review issued for ``version`` of P-1001, in order."""
    rows = state_sql(
        ws.root,
        "SELECT figures FROM review_issues WHERE project_number = ? AND version = ? "
        "ORDER BY issued_at, level",
        ("P-1001", version),
    )
    return [json.loads(row[0])["sheets"] for row in rows]


def test_the_next_level_reviews_a_resend_on_the_very_figures_the_first_level_saw(
    routed: Workspace,
) -> None:
    routed.drop()
    assert _process(routed) == 0
    routed.decide(decision="Reject", reason="Concrete is over the estimate")
    assert _process(routed) == 0
    lines = [
        (sub, code, kind, text, 40000.5 if code == "03-300" and kind == "M" else amount)
        for sub, code, kind, text, amount in DEFAULT_LINES
    ]
    routed.drop("fixed.xlsx", lines=lines)  # 90,000.50: still over the Controller's limit
    assert _process(routed) == 0
    routed.decide(version=2, decision="Accept")

    assert _process(routed) == 0

    first, second = _issued_figures(routed, 2)
    shown = set(first) - {"Review"}
    assert {"Summary", "Lines", "Changes", "Earlier Reasons"} <= shown
    assert {name: second[name] for name in shown} == {name: first[name] for name in shown}
    assert first["Review"] != second["Review"]  # the level and the Accept before it
    facts = _review_facts(routed.review(version=2))
    assert facts["Approval level"] == "Controller (level 2 of 2)"
