"""Who may act: budget admins send budgets, accounting approvers accept or reject them."""

from __future__ import annotations

import enum
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from pipeline.domain.delegation import Delegation
from pipeline.domain.identifiers import same_project


class Role(enum.StrEnum):
    """The two roles of the workflow (``rules/approval.toml`` may name more, for its levels)."""

    BUDGET_ADMIN = "budget_admin"
    ACCOUNTING_APPROVER = "accounting_approver"


@dataclass(frozen=True, slots=True, kw_only=True)
class Person:
    """One entry of ``rules/people.toml``."""

    name: str
    email: str
    roles: frozenset[str]  # Role values, and the roles the approval levels name
    projects: frozenset[str]
    digest: bool = True  # receives the daily summary (Procore's "Subscribe to ERP digest")
    accounts: frozenset[str] = frozenset()  # operating-system accounts, as account_key() has them

    def covers(self, project_number: str) -> bool:
        """Whether the person's projects include this one (``"*"`` means all)."""
        return "*" in self.projects or any(same_project(project_number, p) for p in self.projects)

    def may(self, role: str, project_number: str) -> bool:
        """Whether the person holds ``role`` on that project."""
        return role in self.roles and self.covers(project_number)

    def has_account(self, account: str) -> bool:
        """Whether files saved under this operating-system account are this person's."""
        return bool(account) and account_key(account) in self.accounts

    def answers_to(self, identity: str) -> bool:
        """Whether a name or email written in a workbook means this person."""
        wanted = _norm(identity)
        return bool(wanted) and wanted in (_norm(self.name), _norm(self.email))


@dataclass(frozen=True)
class Directory:
    """Everyone listed in the workspace's people file."""

    people: tuple[Person, ...]
    delegations: tuple[Delegation, ...] = ()

    def find(self, identity: str) -> Person | None:
        """The person a name or email refers to, if listed."""
        return next((p for p in self.people if p.answers_to(identity)), None)

    def authorised(self, identity: str, role: Role, project_number: str) -> Person | None:
        """The person, if they hold ``role`` on the project; otherwise None."""
        person = self.find(identity)
        return person if person and person.may(role, project_number) else None

    def by_account(self, account: str) -> list[Person]:
        """Everyone who lists this operating-system account (normally one person, or nobody)."""
        return [p for p in self.people if p.has_account(account)]

    def holders(self, role: str, project_number: str) -> list[Person]:
        """Everyone holding ``role`` on the project, in file order."""
        return [p for p in self.people if p.may(role, project_number)]

    def delegate_of(self, person: Person, day: date) -> Person | None:
        """Who stands in for ``person`` on ``day`` (None when nobody does)."""
        for delegation in self.delegations:
            if delegation.in_force(day) and person.answers_to(delegation.person):
                return self.find(delegation.delegate)
        return None

    def stood_in_for(self, delegate: Person, day: date) -> list[Person]:
        """The people ``delegate`` stands in for on ``day``."""
        found = (
            self.find(d.person)
            for d in self.delegations
            if d.in_force(day) and delegate.answers_to(d.delegate)
        )
        return [p for p in found if p is not None]

    def delegations_of(self, delegate: Person) -> list[Delegation]:
        """Every delegation to ``delegate``, whatever its dates."""
        return [d for d in self.delegations if delegate.answers_to(d.delegate)]


def make_person(
    name: str,
    email: str,
    roles: Iterable[str],
    projects: Iterable[str],
    digest: bool = True,
    accounts: Iterable[str] = (),
    more_roles: Iterable[str] = (),
) -> Person:
    """Build a Person from loosely typed values; a role neither built in nor in
    ``more_roles`` (those the approval levels name) raises ValueError."""
    known = {*Role, *more_roles}
    unknown = [r for r in roles if r not in known]
    if unknown:
        raise ValueError(f"role {unknown[0]!r} (roles: {', '.join(sorted(known))})")
    return Person(
        name=name.strip(),
        email=email.strip(),
        roles=frozenset(str(r) for r in roles),
        projects=frozenset(projects),
        digest=digest,
        accounts=frozenset(account_key(a) for a in accounts if a.strip()),
    )


def name_clashes(people: Iterable[Person]) -> list[tuple[Person, Person]]:
    """Pairs of people whose names differ only in case, spacing or Unicode form: a name
    typed in a workbook means both (``answers_to``), so it would pick whichever comes first."""
    first: dict[str, Person] = {}
    clashes = []
    for person in people:
        earlier = first.setdefault(_norm(person.name), person)
        if earlier is not person:
            clashes.append((earlier, person))
    return clashes


def account_key(account: str) -> str:
    """How account names compare: Windows domain accounts (``CORP\\carl``) are not case
    sensitive, so neither is this; ``lower()``, not ``casefold()``, so no two names merge."""
    return unicodedata.normalize("NFC", account.strip()).lower()


def _norm(text: str) -> str:
    # NFKC: a name typed on a Mac (decomposed accents) matches the same name in people.toml.
    return " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
