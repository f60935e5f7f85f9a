"""A workspace of two approval levels for the tests of routing: Accounting (the accounting
approvers), then Controller (Vera Controller) over a total of 1,000,000 or a net change of
100,000; Dana Delegate standing in for Carl Accountant the week of the test clock's Monday."""

from __future__ import annotations

from tests.support.workspace import Workspace

TWO_LEVELS = """
[[level]]
name = "Accounting"
role = "accounting_approver"

[[level]]
name = "Controller"
people = ["Vera Controller"]
when_total_over = 1_000_000
when_change_over = 100_000
"""
VERA = """
[[person]]
name = "Vera Controller"
email = "vera@example.com"
roles = []
projects = ["*"]

[[person]]
name = "Dana Delegate"
email = "dana.delegate@example.com"
roles = []
projects = ["*"]
"""
# Carl is away the week of the test clock's Monday (2 March 2026); Dana stands in.
AWAY = """
[[delegation]]
person = "Carl Accountant"
delegate = "Dana Delegate"
from = 2026-03-01
to = 2026-03-05
"""
BIG = [("", "01-100", "L", "General conditions", 1_200_000)]


def two_levels(workspace: Workspace, *, away: bool = True) -> None:
    """Accounting, then Controller (Vera) over 1,000,000; Carl away and Dana standing in."""
    workspace.add_people(VERA + (AWAY if away else ""))
    (workspace.root / "rules" / "approval.toml").write_text(TWO_LEVELS, encoding="utf-8")
    workspace.configure("notify", time_zone="Europe/Berlin")


def accepted_at_accounting(workspace: Workspace) -> None:
    """P-1001 of 1,200,000 sent, and accepted at Accounting by Dana for Carl; P-2002 of
    95,000.50 (one level) sent."""
    workspace.drop("big.xlsx", lines=BIG)
    workspace.drop("small.xlsx", project="P-2002", project_name="Harbour Depot")
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept", approver="Dana Delegate")
    assert workspace.run("process").exit_code == 0
