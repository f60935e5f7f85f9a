"""Delegates: while a person is away, another decides in their place, in their own name.

A delegation runs whole days, ``start`` to ``end`` included, in the workspace's time zone.
Pure.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Delegation:
    """``delegate`` stands in for ``person`` from ``start`` to ``end`` (both included)."""

    person: str
    delegate: str
    start: date
    end: date

    def in_force(self, day: date) -> bool:
        """Whether the delegation runs on ``day``."""
        return self.start <= day <= self.end

    def dates(self) -> str:
        """``2026-12-10 to 2026-12-14``."""
        return f"{self.start.isoformat()} to {self.end.isoformat()}"

    def describe(self) -> str:
        """``Dana Delegate for Carl Accountant, 2026-12-10 to 2026-12-14``."""
        return f"{self.delegate} for {self.person}, {self.dates()}"


def in_force(delegations: Iterable[Delegation], day: date) -> list[Delegation]:
    """The delegations running on ``day``."""
    return [d for d in delegations if d.in_force(day)]
