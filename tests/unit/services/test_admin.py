"""Retrieve and withdraw (``services/admin.py``) on fakes: each moves the budget, clears the
file no longer needed and tells the approver; a decision saved first is applied first, one
still being saved stops the command, and a state or a person it does not fit is refused with
nothing changed."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pipeline.domain.lifecycle import Action, ProjectBudget, Status
from pipeline.errors import DecisionBeingSaved, InvalidTransition, NotAllowed
from pipeline.services.admin import retrieve, withdraw
from pipeline.services.context import Services
from tests.support.fake_steps import ADMIN, APPROVER, decide, mail_to, save_decision, send
from tests.support.fakes import ROOT, FakeWorld, fake_world

APPROVAL, REJECTED = ROOT / "approval", ROOT / "rejected"
Command = Callable[[Services, str, str | None], ProjectBudget]


def _sent(world: FakeWorld) -> None:
    assert send(world).kind == "sent for approval"


def _status(world: FakeWorld) -> tuple[Status | None, int]:
    budget = world.app.store.get_budget("P-1")
    assert budget is not None
    return budget.status, budget.version


def test_a_retrieved_budget_leaves_the_approver_and_takes_a_new_version() -> None:
    world = fake_world()
    _sent(world)
    issued = world.folders.sha256(APPROVAL / "P-1_v1_review.xlsx")

    budget = retrieve(world.app, "P-1", ADMIN)

    assert (budget.status, _status(world)) == (Status.RETRIEVED, (Status.RETRIEVED, 1))
    assert world.folders.names(APPROVAL) == []
    assert issued in world.folders.archive_bytes  # the review issued, kept
    [event] = [e for e in world.app.store.history("P-1") if e.action is Action.RETRIEVE]
    assert event.actor == ADMIN
    assert mail_to(world, "retrieved") == [("carl@example.com",)]

    assert send(world, concrete="41000.00").kind == "sent for approval"
    assert _status(world) == (Status.AWAITING_APPROVAL, 2)


def test_a_decision_saved_before_the_retrieve_is_applied_first() -> None:
    world = fake_world()
    _sent(world)
    save_decision(world, "Accept")

    with pytest.raises(InvalidTransition, match="was applied first"):
        retrieve(world.app, "P-1", ADMIN)

    assert _status(world) == (Status.EXPORTED, 1)
    assert list(world.outbox.published_files) == ["P-1_v1_001.csv"]
    assert mail_to(world, "retrieved") == []


def test_a_review_still_open_in_office_stops_the_retrieve() -> None:
    world = fake_world()
    _sent(world)
    world.folders.open_in_office.add(APPROVAL / "P-1_v1_review.xlsx")

    with pytest.raises(DecisionBeingSaved, match="open in Excel or LibreOffice"):
        retrieve(world.app, "P-1", ADMIN)

    assert _status(world) == (Status.AWAITING_APPROVAL, 1)
    assert world.folders.names(APPROVAL) == ["P-1_v1_review.xlsx"]


def test_a_withdrawn_budget_is_closed_and_its_hand_back_archived() -> None:
    world = fake_world()
    _sent(world)
    assert decide(world, "Reject", reason="too high").kind == "rejected"
    handed_back = world.folders.sha256(REJECTED / "P-1_v1_rejected.xlsx")

    budget = withdraw(world.app, "P-1", ADMIN)

    assert (budget.status, _status(world)) == (Status.WITHDRAWN, (Status.WITHDRAWN, 1))
    assert world.folders.names(REJECTED) == []
    assert handed_back in world.folders.archive_bytes
    assert world.app.store.hand_backs("P-1") == []
    assert mail_to(world, "withdrawn") == [("carl@example.com",)]


@pytest.mark.parametrize("action", [withdraw, retrieve])
def test_what_the_state_or_the_person_does_not_allow_changes_nothing(action: Command) -> None:
    world = fake_world()
    _sent(world)
    assert decide(world, "Accept").kind == "accepted"  # exported: neither applies
    history = world.app.store.history("P-1")

    with pytest.raises(InvalidTransition):
        action(world.app, "P-1", ADMIN)
    with pytest.raises(NotAllowed, match="is not a budget admin"):
        action(world.app, "P-1", APPROVER)

    assert _status(world) == (Status.EXPORTED, 1)
    assert world.app.store.history("P-1") == history
    assert mail_to(world, "withdrawn") == mail_to(world, "retrieved") == []
