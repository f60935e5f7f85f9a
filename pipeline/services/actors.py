"""Who runs a command by hand (``retrieve``, ``withdraw``, ``export --again``): the person
``--by`` names, or the one the running account belongs to, checked against their roles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pipeline.domain.identity import OwnerMode
from pipeline.domain.people import Person, Role
from pipeline.errors import NotAllowed
from pipeline.services.context import Services


@dataclass(frozen=True)
class Actor:
    """The person acting (their name, for the audit trail) and the account that ran us."""

    name: str
    account: str  # "" with [identity] file_owner = "off"


def acting_person(
    app: Services, by: str | None, project_number: str, roles: Sequence[Role], role_text: str
) -> Actor:
    """The person a command acts for; NotAllowed unless they hold one of ``roles`` there.

    With ``file_owner = "require"`` the account running the command must be one of that
    person's accounts, and ``--by`` may be left out when the account names one person.
    """
    policy = app.settings.identity
    running = app.identity.process_account()
    people = app.identity.people()
    if by is None:
        mine = people.by_account(running)
        if len(mine) != 1 and policy.file_owner is OwnerMode.REQUIRE:
            whose = "no one" if not mine else "several people"
            raise NotAllowed(
                f"the account {running!r} belongs to {whose} in rules/people.toml; "
                "pass --by with your name or email"
            )
        by = mine[0].name if len(mine) == 1 else running
    person = _holder(people.find(by), roles, project_number)
    if person is None:
        raise NotAllowed(
            f"{by!r} is not {role_text} of project {project_number} in rules/people.toml; "
            "pass --by with your name or email"
        )
    if policy.file_owner is OwnerMode.REQUIRE and not person.has_account(running):
        raise NotAllowed(
            f"this command runs as the account {running!r}, which is not one of "
            f"{person.name}'s accounts in rules/people.toml; act under your own account"
        )
    return Actor(person.name, running if policy.records else "")


def _holder(person: Person | None, roles: Sequence[Role], project_number: str) -> Person | None:
    if person is None or not any(person.may(role, project_number) for role in roles):
        return None
    return person
