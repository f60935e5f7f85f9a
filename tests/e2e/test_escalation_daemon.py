"""Escalation through the daemon, with its clock moved day by day over a weekend: a version
sent on a Thursday under ``escalate_after_days = 2`` is not escalated on the Friday nor over
the weekend (no business day passes), is on the Monday (its level's people in To, the level's
``escalate_to`` in Cc, both delivered by the SMTP server), once that day however often the
daemon passes or restarts, and again on the Tuesday. ``status --json`` and the status page
say *escalated* from the Monday on."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.messages import body
from tests.support.smtp_server import Inbox, free_port, smtp_server, use_smtp
from tests.support.waiting import wait_for
from tests.support.workspace import Workspace

ESCALATED = "Escalated: budget P-1001"
MONA = """
[[person]]
name = "Mona Manager"
email = "mona@example.com"
roles = []
projects = ["*"]
"""
APPROVAL = """
[[level]]
name = "Accounting"
role = "accounting_approver"
escalate_to = "Mona Manager"
"""


@pytest.fixture
def inbox(workspace: Workspace) -> Iterator[Inbox]:
    """The workspace mailing a real SMTP server, escalating after two business days."""
    port = free_port()
    use_smtp(workspace, port)
    fast_settings(workspace)
    workspace.configure("notify", escalate_after_days=2)
    workspace.add_people(MONA)
    (workspace.root / "rules" / "approval.toml").write_text(APPROVAL, encoding="utf-8")
    with smtp_server(port, Inbox()) as received:
        yield received


def _day(ws: Workspace, logs: Path, moment: str, monkeypatch: pytest.MonkeyPatch) -> Daemon:
    """The daemon started at ``moment`` (its own log) and through its start-up pass and two
    scans; the CLI runs of the test live at the same moment."""
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{moment}@{time.time()}")
    log = logs / f"daemon-{moment[:16].replace(':', '')}.log"
    daemon = Daemon.start(ws, log, BUDGET_ERP_CLOCK_START=moment)
    assert daemon.wait_for_passes(3), daemon.output()
    return daemon


def _escalations(inbox: Inbox) -> list[int]:
    """The indexes of the escalation messages the server received."""
    return [i for i, m in enumerate(inbox.messages) if str(m["Subject"]).startswith(ESCALATED)]


def _escalated(ws: Workspace) -> bool:
    result = ws.run("status", "--json")
    assert result.exit_code == 0, result.output
    [row] = json.loads(result.output)
    return bool(row["escalated"])


@pytest.mark.slow
def test_a_version_waiting_over_a_weekend_escalates_on_monday_once_a_day(
    workspace: Workspace, inbox: Inbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logs = tmp_path
    workspace.drop()
    # Thursday 5 March 07:00: sent; its review is issued at once.
    daemon = _day(workspace, logs, "2026-03-05T07:00:00+00:00", monkeypatch)
    try:
        assert wait_for(lambda: workspace.review().exists()), daemon.output()
    finally:
        assert daemon.stop() == 0
    # Friday 09:30 (26 business hours), Saturday, Sunday (none added): not yet.
    for moment in ("2026-03-06T09:30:00", "2026-03-07T09:30:00", "2026-03-08T09:30:00"):
        daemon = _day(workspace, logs, f"{moment}+00:00", monkeypatch)
        assert daemon.stop() == 0
        assert _escalations(inbox) == [], moment
        assert not _escalated(workspace)
    assert "ERP Integrations Daily Summary" in inbox.subjects()  # the daemon did mail

    # Monday 9 March 09:30: 17 + 24 + 9.5 business hours, past two business days.
    daemon = _day(workspace, logs, "2026-03-09T09:30:00+00:00", monkeypatch)
    try:
        assert wait_for(lambda: _escalations(inbox)), daemon.output()
        assert daemon.wait_for_passes(daemon.passes() + 2), daemon.output()
    finally:
        assert daemon.stop() == 0
    [monday] = _escalations(inbox)
    message = inbox.messages[monday]
    assert str(message["To"]) == "carl@example.com"
    assert str(message["Cc"]) == "mona@example.com"
    assert sorted(inbox.envelopes[monday]) == ["carl@example.com", "mona@example.com"]
    text = body(message)
    assert "for the Accounting approval since 2026-03-05 07:00 UTC" in text
    assert "2 d 2 h counting business days only" in text
    assert "longer than the 2 business day(s) allowed" in text
    assert "Mona Manager is in copy" in text
    assert str(workspace.review()) in text
    assert _escalated(workspace)
    page = (workspace.root / "status" / "index.html").read_text(encoding="utf-8")
    assert '<span class="marker escalated">escalated</span>' in page

    # Restarted the same Monday: nothing more that day.
    daemon = _day(workspace, logs, "2026-03-09T11:00:00+00:00", monkeypatch)
    assert daemon.stop() == 0
    assert len(_escalations(inbox)) == 1

    # Tuesday: again.
    daemon = _day(workspace, logs, "2026-03-10T09:30:00+00:00", monkeypatch)
    try:
        assert wait_for(lambda: len(_escalations(inbox)) == 2), daemon.output()
    finally:
        assert daemon.stop() == 0
    tuesday = inbox.messages[_escalations(inbox)[-1]]
    assert (str(tuesday["To"]), str(tuesday["Cc"])) == ("carl@example.com", "mona@example.com")
    assert "3 d 2 h counting business days only" in body(tuesday)
