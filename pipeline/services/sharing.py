"""The items daemons sharing one state lock one at a time (``Store.hold``): each project,
so that a budget is never worked on by two daemons at once, and the pass-wide tasks that one
daemon does at a time. Locks are taken in one order: a task, then a project; never two
projects at once, so no two daemons ever wait for each other."""

from __future__ import annotations

PASSES = "task:passes"  # held shared by every pass; ``prune`` holds it alone, between passes
RECOVERY = "task:recovery"  # finishing the inbox claims that dead passes left in processing/
RESULTS = "task:results"  # the ERP's answers in outbox/results/
UPKEEP = "task:upkeep"  # every budget's unfinished export and missing review, looked at
MAIL = "task:mail"  # queueing the daily mail and escalations, and delivering the outbox
PAGE = "task:status-page"


def project_item(project_number: str) -> str:
    """A project's item, whatever the case a workbook or a command writes its number in."""
    return "project:" + project_number.casefold()
