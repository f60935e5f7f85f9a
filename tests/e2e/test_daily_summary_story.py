"""The daily summary tells each budget's story: its total and, for a change, its net change;
"re-send" or "budget change" as the case is; how long it has waited in working days only, a
weekend and a holiday left out; overdue marked; and a version emailed about less than
``summary_grace_minutes`` ago left for the next summary. Run with the test clock moved as a
person's week goes."""

from __future__ import annotations

import re
import time
from datetime import datetime

import pytest

from tests.support.messages import body
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace

SUBJECT = "ERP Integrations Daily Summary"
CHANGED_LINES = [*DEFAULT_LINES[:3], ("", "09-900", "S", "Painting subcontract", 9200)]


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    """Every later CLI run lives at ``moment`` (and on from there at the real pace)."""
    start = datetime.fromisoformat(moment)
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{start.isoformat()}@{time.time()}")


def _summaries(workspace: Workspace) -> list[str]:
    return [body(m) for m in workspace.mail() if m["Subject"] == SUBJECT]


def test_a_weekend_does_not_count_and_each_budget_says_what_it_is(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Monday 2 March 07:00: P-1001 goes to the ERP; Tuesday P-2002 is sent and waits.
    workspace.drop("clinic.xlsx", project="P-1001")
    assert workspace.run("process").exit_code == 0
    workspace.decide("P-1001", decision="Accept")
    assert workspace.run("process").exit_code == 0
    _at(monkeypatch, "2026-03-03T07:00:00+00:00")
    workspace.drop("depot.xlsx", project="P-2002", project_name="Harbour Depot")
    assert workspace.run("process").exit_code == 0
    # Friday 16:00: a change to P-1001, on top of v1 in the ERP.
    _at(monkeypatch, "2026-03-06T16:00:00+00:00")
    workspace.drop("clinic-v2.xlsx", project="P-1001", lines=CHANGED_LINES)
    assert workspace.run("process").exit_code == 0
    before = len(_summaries(workspace))

    # Monday 9 March 08:05: the weekend counted nothing.
    _at(monkeypatch, "2026-03-09T08:05:00+00:00")
    assert workspace.run("process").exit_code == 0

    summaries = _summaries(workspace)
    assert len(summaries) == before + 1
    text = summaries[-1]
    [change] = [line for line in text.splitlines() if line.startswith("- ") and "P-1001" in line]
    assert "version 2 (budget change)" in change
    assert "waiting 16 h " in change  # Friday 16:00-24:00, Monday 00:00-08:05
    assert "total 96,200.50, net change +1,200.00" in change
    assert not change.startswith("- OVERDUE")
    [waiting] = [line for line in text.splitlines() if line.startswith("- ") and "P-2002" in line]
    # Tuesday 07:00 to Monday 08:05 is six days; 97 hours of them working days.
    assert waiting.startswith("- OVERDUE: P-2002 Harbour Depot, version 1 (first send)")
    assert "waiting 4 d 1 h" in waiting
    assert "net change" not in waiting  # a first budget changes nothing
    assert "time(s)" not in text
    html = body([m for m in workspace.mail() if m["Subject"] == SUBJECT][-1], "html")
    assert "<strong>overdue</strong>" in html and "budget change" in html


def test_a_holiday_does_not_count_either(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.configure("notify", holidays=["2026-03-03"])
    workspace.drop("clinic.xlsx", project="P-1001")  # Monday 07:00
    assert workspace.run("process").exit_code == 0

    _at(monkeypatch, "2026-03-04T08:05:00+00:00")  # Wednesday: Tuesday was a holiday
    assert workspace.run("process").exit_code == 0

    [text] = _summaries(workspace)
    assert "waiting 1 d 1 h" in text  # Monday 07:00-24:00 and Wednesday 00:00-08:05


def test_the_summary_waits_out_the_grace_after_the_first_email(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _at(monkeypatch, "2026-03-02T07:50:00+00:00")
    workspace.drop("clinic.xlsx", project="P-1001")
    assert workspace.run("process").exit_code == 0  # "sent for your acceptance" goes now

    _at(monkeypatch, "2026-03-02T08:00:00+00:00")  # summary time, ten minutes after it
    assert workspace.run("process").exit_code == 0
    assert _summaries(workspace) == []

    _at(monkeypatch, "2026-03-02T08:21:00+00:00")  # 31 minutes after it
    assert workspace.run("process").exit_code == 0
    [text] = _summaries(workspace)
    assert re.search(r"P-1001 .*, waiting 3[01] min", text)
