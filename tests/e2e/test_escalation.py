"""Escalation and the daily summary along a version's approval route, through the CLI with
the test clock moved: each level waits from its own review (a later level from the Accept
before it), escalates to its own people (delegates standing in) with its ``escalate_to`` in
copy or, naming nobody, with no copy; no escalation mail on a non-working day; the summary
goes to the people of the level each version waits on."""

from __future__ import annotations

import json
import time
from datetime import datetime
from email.message import EmailMessage

import pytest

from tests.support.messages import body
from tests.support.workspace import Workspace

SUMMARY = "ERP Integrations Daily Summary"
PEOPLE = """
[[person]]
name = "Vera Controller"
email = "vera@example.com"
roles = []
projects = ["*"]

[[person]]
name = "Mona Manager"
email = "mona@example.com"
roles = []
projects = ["*"]

[[person]]
name = "Dana Delegate"
email = "dana.d@example.com"
roles = []
projects = ["*"]
"""
TWO_LEVELS = """
[[level]]
name = "Accounting"
role = "accounting_approver"

[[level]]
name = "Controller"
people = ["Vera Controller"]
escalate_to = "Mona Manager"
"""
# Carl is away the second week of March: Dana stands in for him.
DELEGATION = """
[[delegation]]
person = "Carl Accountant"
delegate = "Dana Delegate"
from = 2026-03-09
to = 2026-03-13
"""


@pytest.fixture
def routed(workspace: Workspace) -> Workspace:
    """Two levels, the second escalating to Mona, after one business day."""
    workspace.configure("notify", escalate_after_days=1)
    workspace.add_people(PEOPLE)
    (workspace.root / "rules" / "approval.toml").write_text(TWO_LEVELS, encoding="utf-8")
    return workspace


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Every later CLI run lives at ``moment`` (and on from there at the real pace)."""
    start = datetime.fromisoformat(moment)
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{start.isoformat()}@{time.time()}")


def _escalations(ws: Workspace) -> list[EmailMessage]:
    return [m for m in ws.mail() if str(m["Subject"]).startswith("Escalated:")]


def _summaries_to(ws: Workspace) -> list[str]:
    return [str(m["To"]) for m in ws.mail() if m["Subject"] == SUMMARY]


def _escalated(ws: Workspace) -> bool:
    [row] = json.loads(ws.run("status", "--json").output)
    return bool(row["escalated"])


def test_each_level_escalates_to_its_own_people_from_its_own_review(
    routed: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = routed
    ws.drop()  # Monday 2 March 07:00: with Accounting
    assert ws.run("process").exit_code == 0

    # Tuesday 09:00: 26 business hours at Accounting, which names nobody to escalate to.
    _at(monkeypatch, "2026-03-03T09:00:00+00:00")
    assert ws.run("process").exit_code == 0
    [first] = _escalations(ws)
    assert str(first["To"]) == "carl@example.com" and first["Cc"] is None
    assert str(first["Subject"]) == (
        "Escalated: budget P-1001 has waited more than 1 business day(s) for the Accounting "
        "(level 1 of 2) approval"
    )
    assert "names nobody to escalate to, so nobody is in copy" in body(first)
    assert "awaiting_approval, escalated" in ws.run("status").output

    # Tuesday 10:00 Carl accepts: the Controller level waits from now, not from Monday.
    _at(monkeypatch, "2026-03-03T10:00:00+00:00")
    ws.decide(decision="Accept")
    assert ws.run("process").exit_code == 0
    assert not _escalated(ws)

    # Wednesday 09:00: 23 h at Controller. Its summary goes to Vera, none to Carl.
    _at(monkeypatch, "2026-03-04T09:00:00+00:00")
    assert ws.run("process").exit_code == 0
    assert len(_escalations(ws)) == 1
    assert _summaries_to(ws) == ["carl@example.com", "vera@example.com"]  # Tuesday, Wednesday

    # Wednesday 11:00: 25 h: to Vera, Mona in copy.
    _at(monkeypatch, "2026-03-04T11:00:00+00:00")
    assert ws.run("process").exit_code == 0
    second = _escalations(ws)[-1]
    assert (str(second["To"]), str(second["Cc"])) == ("vera@example.com", "mona@example.com")
    text = body(second)
    assert "for the Controller (level 2 of 2) approval since 2026-03-03 10:00 UTC" in text
    assert "Mona Manager is in copy" in text
    assert _escalated(ws)

    # Saturday: still escalated, but nobody is mailed on a day off.
    _at(monkeypatch, "2026-03-07T09:00:00+00:00")
    assert ws.run("process").exit_code == 0
    assert len(_escalations(ws)) == 2
    assert _escalated(ws)


def test_a_delegate_receives_the_summary_and_the_escalation_of_the_person_away(
    routed: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = routed
    ws.add_people(DELEGATION)
    _at(monkeypatch, "2026-03-06T07:00:00+00:00")  # Friday: with Accounting (Carl)
    ws.drop()
    assert ws.run("process").exit_code == 0

    # Monday 9 March 09:00, Carl away: 17 + 9 business hours; Dana is told, not Carl.
    _at(monkeypatch, "2026-03-09T09:00:00+00:00")
    assert ws.run("process").exit_code == 0
    assert _summaries_to(ws) == ["dana.d@example.com"]
    summary = next(m for m in ws.mail() if m["Subject"] == SUMMARY)
    assert "Dana Delegate, 1 budget(s) await your acceptance" in body(summary)
    [escalation] = _escalations(ws)
    assert str(escalation["To"]) == "dana.d@example.com"


@pytest.mark.parametrize("days", [-1, 1.5, "2"])
def test_escalate_after_days_must_be_a_whole_number_of_days(
    workspace: Workspace, days: object
) -> None:
    workspace.configure("notify", escalate_after_days=days)
    result = workspace.run("status")
    assert result.exit_code == 2
    assert f"budget-erp.toml: notify.escalate_after_days = {days!r};" in result.output
    assert "expected a whole number of business days, 0 or more (0: no escalation)" in (
        result.output
    )
