"""A version's approval route as people read it in ``status``, ``check``, ``history``, the
status page and the daily summary: the levels it needs and why, the level it waits on and
who receives it, the Accepts given so far, and the delegations in force. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.delegation import Delegation, in_force
from pipeline.domain.lifecycle import Action
from pipeline.domain.local_time import local_time
from pipeline.domain.people import Directory, Person

# An action as people say it, where its code is not already a plain word.
ACTION_WORDS: dict[str, str] = {Action.ACCEPT_LEVEL: "accept a level"}


def action_words(action: str) -> str:
    """``accept a level`` for ``accept_level``; every other action as it is recorded."""
    return ACTION_WORDS.get(action, str(action))  # a StrEnum member is equal to its code


def needed(route: ApprovalRoute) -> str:
    """``Accounting, then Controller (total 1,200,000.00 over 1,000,000.00)``: the levels
    and why each conditional one is needed (named when several are)."""
    return needed_text([(step.level.name, step.why) for step in route.levels])


def needed_text(levels: Sequence[tuple[str, str]]) -> str:
    """``needed`` of levels given as (name, why) pairs."""
    names = ", then ".join(name for name, _ in levels)
    reasons = [(name, why) for name, why in levels if why]
    if not reasons:
        return names
    if len(reasons) == 1:
        return f"{names} ({reasons[0][1]})"
    return f"{names} ({'; '.join(f'{name}: {why}' for name, why in reasons)})"


def accepted(level: str, who: str, when: str) -> str:
    """``Accounting accepted by Dana Delegate for Carl Accountant, 2026-03-02 08:05 CET``."""
    return f"{level} accepted by {who}, {when}"


@dataclass(frozen=True)
class RouteStanding:
    """Where a version awaiting approval stands on the route it was sent under: the level it
    waits on and who receives that level (a delegate standing in: ``Dana Delegate for Carl
    Accountant``)."""

    route: ApprovalRoute
    receivers: tuple[str, ...]

    @property
    def several(self) -> bool:
        """Whether the route has more than one level (only then is the level shown)."""
        return self.route.several


def receiver_names(directory: Directory, people: Iterable[Person], day: date) -> tuple[str, ...]:
    """Each person's name, or their delegate's on ``day`` standing in for them; each once."""
    found: list[str] = []
    for person in people:
        stand_in = directory.delegate_of(person, day)
        name = f"{stand_in.name} for {person.name}" if stand_in else person.name
        if name not in found:
            found.append(name)
    return tuple(found)


def delegations_in_force(directory: Directory, day: date) -> tuple[str, ...]:
    """``Dana Delegate for Carl Accountant, 2026-12-10 to 2026-12-14``, each running on
    ``day``."""
    running: list[Delegation] = in_force(directory.delegations, day)
    return tuple(d.describe() for d in running)


def mail_route_words(route: ApprovalRoute | None, zone: str) -> dict[str, object]:
    """The approval levels for an email: the level it is about (``Controller (level 2 of
    2)``, "" for one level), all of them in order, and the Accepts given so far."""
    if route is None or not route.several:
        return {"level": "", "levels": "", "earlier_accepts": []}
    return {
        "level": route.stage(),
        "levels": route.names(),
        "earlier_accepts": [
            accepted(d.level, d.who, local_time(d.at, zone)) for d in route.decisions
        ],
    }
