"""Use case helper: a version's approval route: the levels it needs when it is sent, who
receives and who may decide the level it waits on (delegates standing in), and whether a
person may decide it (segregation of duties at every level)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from pipeline.domain.approval_route import SINGLE_LEVEL, ApprovalRoute, RouteLevel
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.people import Directory, Person, Role
from pipeline.services.context import Services
from pipeline.services.erp_standing import export_in_force


def today(app: Services) -> date:
    """The day it is in the workspace's time zone (delegations run whole local days)."""
    return app.clock.now().astimezone(ZoneInfo(app.settings.time_zone)).date()


def route_for(app: Services, budget: ProjectBudget, document: BudgetDocument) -> ApprovalRoute:
    """The levels the version about to be sent needs, by the matrix in force now: its total,
    and its net change against the rejected version (a re-send) or the version in force in
    the ERP (a budget change)."""
    matrix = app.identity.approval_matrix()
    return matrix.route(document.total, net_change(app, budget, document.total))


def net_change(app: Services, budget: ProjectBudget, total: Decimal) -> Decimal | None:
    """``total`` against the version this one replaces (None for a first budget)."""
    project = budget.project_number
    if budget.rejected:
        earlier = app.store.submission(project, budget.version)
    else:
        below = export_in_force(app.store.exports(project)) if budget.status else None
        earlier = app.store.submission(project, below.version) if below else None
    if earlier is None:
        return None
    try:
        return total - Decimal(earlier.total)
    except InvalidOperation:
        return None


def route_of(app: Services, project_number: str, version: int) -> ApprovalRoute:
    """The route a version was sent under (one accounting level for one sent before)."""
    stored = app.store.route(project_number, version)
    return stored if stored is not None else SINGLE_LEVEL.route(Decimal(0), None)


def receivers(
    directory: Directory, step: RouteLevel, project_number: str, day: date
) -> list[Person]:
    """Who gets the review and the mail of a level: its people, each away one replaced by
    their delegate, each person once."""
    found: list[Person] = []
    for person in directory.people:
        if not step.level.admits(person, project_number):
            continue
        stand_in = directory.delegate_of(person, day)
        chosen = stand_in or person
        if chosen not in found:
            found.append(chosen)
    return found


def waiting_on(app: Services, project_number: str, version: int) -> list[Person]:
    """Who has the version's review now: the receivers of the level it waits on."""
    route = route_of(app, project_number, version)
    return receivers(app.identity.people(), route.current, project_number, today(app))


@dataclass(frozen=True)
class Decider:
    """Who decides the level waited on: the person the workbook names, for whom (when they
    stand in as a delegate), and every reason they may not."""

    person: Person | None
    on_behalf_of: Person | None = None
    problems: tuple[str, ...] = ()


def decider(
    directory: Directory,
    route: ApprovalRoute,
    named: str,
    project_number: str,
    version: int,
    day: date,
) -> Decider:
    """Whether the person ``named`` in the Approver cell may decide the level ``route`` waits
    on, in their own right or standing in for someone who may."""
    step = route.current
    person = directory.find(named)
    if person is None or not person.covers(project_number):
        return Decider(
            None, None, _not_a_decider(named, step, route, project_number) if named.strip() else ()
        )
    on_behalf: Person | None = None
    if not step.level.admits(person, project_number):
        principals = [
            p for p in directory.stood_in_for(person, day) if step.level.admits(p, project_number)
        ]
        if not principals:
            why = _not_a_decider(person.name, step, route, project_number)
            return Decider(
                None,
                None,
                why + _delegations_elsewhere(directory, person, step, project_number, day),
            )
        on_behalf = principals[0]
    problems = []
    for who in (p for p in (person, on_behalf) if p is not None):
        earlier = route.decided(who)
        if earlier is not None:
            problems.append(
                f"{who.name} accepted the {earlier.level} level of version {version} "
                f"({earlier.who}); no person decides two levels of one version: another "
                f"person must decide the {step.level.name} level"
            )
    return Decider(person, on_behalf, tuple(problems))


def _not_a_decider(
    named: str, step: RouteLevel, route: ApprovalRoute, project_number: str
) -> tuple[str, ...]:
    if not route.several and step.level.role == Role.ACCOUNTING_APPROVER:
        return (
            f"{named!r} is not an accounting approver of project {project_number} in "
            "rules/people.toml",
        )
    return (
        f"{named!r} does not decide the {step.level.name} level of project {project_number} "
        f"(it is decided by {step.level.deciders()}: rules/approval.toml and people.toml)",
    )


def _delegations_elsewhere(
    directory: Directory, person: Person, step: RouteLevel, project_number: str, day: date
) -> tuple[str, ...]:
    """A delegate outside their dates is told the dates."""
    found = []
    for delegation in directory.delegations_of(person):
        principal = directory.find(delegation.person)
        if principal is not None and step.level.admits(principal, project_number):
            found.append(
                f"{person.name} stands in for {principal.name} from {delegation.dates()} "
                f"(rules/people.toml), not on {day.isoformat()}"
            )
    return tuple(found)
