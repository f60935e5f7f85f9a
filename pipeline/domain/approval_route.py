"""Approval routing: the levels a version needs (a delegation-of-authority matrix, from
``rules/approval.toml``), who may decide each, and how far a version has come. Pure.

A level is needed when any of its conditions holds (a level with none is always needed); a
version needs every such level, in order, and keeps the levels it was sent under whatever
the matrix says later. No person decides two levels of one version.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from decimal import Decimal

from pipeline.domain.budget import money
from pipeline.domain.people import Person, Role


@dataclass(frozen=True, slots=True, kw_only=True)
class Level:
    """One row of the matrix: who decides it, and when it is needed."""

    name: str
    role: str = ""  # everyone holding this role on the project decides it...
    people: tuple[str, ...] = ()  # ...or these people, by name
    when_total_over: Decimal | None = None  # the version's total
    when_change_over: Decimal | None = None  # the absolute net change of a change or re-send
    escalate_to: str = ""  # copied when the version waits too long at this level

    @property
    def conditional(self) -> bool:
        """Whether the level is needed only when a condition holds."""
        return self.when_total_over is not None or self.when_change_over is not None

    def why_needed(self, total: Decimal, change: Decimal | None) -> str | None:
        """Why a version of this ``total`` and net ``change`` needs the level ("" when it
        always does); None when it does not."""
        if not self.conditional:
            return ""
        reasons = []
        if self.when_total_over is not None and total > self.when_total_over:
            reasons.append(f"total {money(total)} over {money(self.when_total_over)}")
        if (
            self.when_change_over is not None
            and change is not None
            and abs(change) > self.when_change_over
        ):
            reasons.append(f"net change {money(change)} over {money(self.when_change_over)}")
        return "; ".join(reasons) if reasons else None

    def admits(self, person: Person, project_number: str) -> bool:
        """Whether ``person`` decides this level for the project in their own right."""
        if not person.covers(project_number):
            return False
        if self.role and self.role in person.roles:
            return True
        return any(person.answers_to(name) for name in self.people)

    def deciders(self) -> str:
        """Who decides it, for messages: ``accounting_approver`` or ``Vera Controller``."""
        named = [self.role] if self.role else []
        return " or ".join([*(f"the role {r}" for r in named), *self.people])


@dataclass(frozen=True)
class ApprovalMatrix:
    """The company's levels, in the order they decide."""

    levels: tuple[Level, ...]

    def route(self, total: Decimal, change: Decimal | None) -> ApprovalRoute:
        """The levels a version needs, in order, each with why."""
        steps = []
        for level in self.levels:
            why = level.why_needed(total, change)
            if why is not None:
                steps.append(RouteLevel(level, why))
        return ApprovalRoute(tuple(steps))


SINGLE_LEVEL = ApprovalMatrix((Level(name="Accounting", role=Role.ACCOUNTING_APPROVER),))


@dataclass(frozen=True, slots=True)
class RouteLevel:
    """A level a version needs, and why ("" when every version needs it)."""

    level: Level
    why: str = ""


@dataclass(frozen=True, slots=True)
class LevelDecision:
    """An Accept at one level of a version: who decided it, for whom (a delegate decides
    for the person they stand in for), and when."""

    level: str
    approver: str
    at: datetime
    on_behalf_of: str = ""

    @property
    def who(self) -> str:
        """``Carl Accountant``, or ``Dana Delegate for Carl Accountant``."""
        if self.on_behalf_of:
            return f"{self.approver} for {self.on_behalf_of}"
        return self.approver


@dataclass(frozen=True)
class ApprovalRoute:
    """The levels one version needs and the Accepts given so far (this round: an ERP refusal
    starts the route again)."""

    levels: tuple[RouteLevel, ...]
    decisions: tuple[LevelDecision, ...] = field(default=())

    @property
    def position(self) -> int:
        """The index of the level the version waits on (len(levels) when all accepted)."""
        return len(self.decisions)

    @property
    def current(self) -> RouteLevel:
        """The level the version waits on."""
        return self.levels[min(self.position, len(self.levels) - 1)]

    @property
    def last_level(self) -> bool:
        """Whether the level waited on is the last one needed."""
        return self.position >= len(self.levels) - 1

    @property
    def several(self) -> bool:
        """Whether the version needs more than one level."""
        return len(self.levels) > 1

    def stage(self) -> str:
        """``Accounting`` for one level, ``Controller (level 2 of 2)`` for several."""
        name = self.current.level.name
        return f"{name} (level {self.position + 1} of {len(self.levels)})" if self.several else name

    def names(self) -> str:
        """``Accounting, then Controller``."""
        return ", then ".join(step.level.name for step in self.levels)

    def decided(self, person: Person) -> LevelDecision | None:
        """The earlier level ``person`` decided, themselves or as the one stood in for."""
        return next(
            (
                d
                for d in self.decisions
                if person.answers_to(d.approver) or person.answers_to(d.on_behalf_of)
            ),
            None,
        )

    def accepted(self, decision: LevelDecision) -> ApprovalRoute:
        """The route once the level waited on is accepted."""
        return replace(self, decisions=(*self.decisions, decision))

    def restarted(self) -> ApprovalRoute:
        """The route again from its first level (the ERP refused the version's file)."""
        return replace(self, decisions=())


def route_of(levels: Sequence[RouteLevel]) -> ApprovalRoute:
    """A route over these levels with nothing decided yet."""
    return ApprovalRoute(tuple(levels))
