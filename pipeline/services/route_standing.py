"""Use case helper: where each budget stands on its approval route, for what people read
(``status``, the status page, the daily summary): the route the version was sent under (a
later change of ``rules/approval.toml`` changes nothing of it), the level it waits on, who
receives that level today (delegates standing in), and the delegations in force."""

from __future__ import annotations

from datetime import date

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.people import Directory, Person
from pipeline.domain.route_words import RouteStanding, delegations_in_force, receiver_names
from pipeline.services.approval_routing import route_of, today
from pipeline.services.context import Services


def waiting_level(
    app: Services, directory: Directory, budget: ProjectBudget, day: date
) -> RouteStanding | None:
    """The level a version with its approvers waits on, and who receives it on ``day``;
    None when no version waits on an approver."""
    if not budget.with_approver:
        return None
    route = route_of(app, budget.project_number, budget.version)
    step = route.current
    people = [p for p in directory.people if step.level.admits(p, budget.project_number)]
    return RouteStanding(route, receiver_names(directory, people, day))


def approvers(
    app: Services, directory: Directory, budget: ProjectBudget, day: date
) -> tuple[str, ...]:
    """Who approves the budget: the receivers of the level it waits on, else of every level
    of the route its version was sent under (one level: the accounting approvers)."""
    waiting = waiting_level(app, directory, budget, day)
    if waiting is not None:
        return waiting.receivers
    route = route_of(app, budget.project_number, budget.version)
    deciding: list[Person] = []
    for step in route.levels:
        deciding += [
            p
            for p in directory.people
            if step.level.admits(p, budget.project_number) and p not in deciding
        ]
    return receiver_names(directory, deciding, day)


def delegations_today(app: Services, directory: Directory) -> tuple[str, ...]:
    """The delegations running today, in the workspace's time zone."""
    return delegations_in_force(directory, today(app))
