"""A late save (``services/decision_answers.py``) on fakes: a decision saved after the version's
approval was over (retrieved, or decided) is never applied; when it says something else than
what counted, it is answered once (a note beside it, the history, an email)."""

from __future__ import annotations

from pipeline.domain.lifecycle import Action, Status
from pipeline.domain.review import DecisionOutcome
from pipeline.services.admin import retrieve
from pipeline.services.processing import process_once
from tests.support.fake_steps import ADMIN, decide, mail_to, save_decision, send
from tests.support.fakes import ROOT, FakeWorld, fake_world

APPROVAL = ROOT / "approval"
NOTE = "P-1_v1_review.xlsx.refused.txt"


def _status(world: FakeWorld) -> Status | None:
    budget = world.app.store.get_budget("P-1")
    assert budget is not None
    return budget.status


def test_a_decision_saved_after_the_budget_was_retrieved_is_answered_once() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    retrieve(world.app, "P-1", ADMIN)
    saved = save_decision(world, "Accept")  # the approver had the workbook open

    [outcome] = process_once(world.app)

    assert outcome.kind == "decision not applied", outcome
    assert "was retrieved by Ada Admin" in outcome.message
    assert _status(world) is Status.RETRIEVED
    assert world.outbox.published_files == {}
    assert world.folders.names(APPROVAL) == ["P-1_v1_review.xlsx", NOTE]
    assert "changed nothing" in world.folders.files[APPROVAL / NOTE].decode()
    assert world.app.store.decision_outcome(world.folders.sha256(saved)) is DecisionOutcome.LATE
    [late] = [e for e in world.app.store.history("P-1") if e.action is Action.LATE_DECISION]
    assert late.actor == "Carl Accountant"
    assert mail_to(world, "decision_late") == [("carl@example.com",)]

    assert process_once(world.app) == []  # answered already: not again
    assert mail_to(world, "decision_late") == [("carl@example.com",)]
    assert world.folders.names(APPROVAL) == ["P-1_v1_review.xlsx", NOTE]


def test_a_reject_saved_after_the_accept_is_answered_and_changes_nothing() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    assert decide(world, "Accept").kind == "accepted"
    save_decision(world, "Reject", reason="too high after all")

    [outcome] = process_once(world.app)

    assert outcome.kind == "decision not applied", outcome
    assert "accepted by Carl Accountant" in outcome.message
    assert "exported as outbox/P-1_v1_001.csv" in outcome.message
    assert _status(world) is Status.EXPORTED
    assert world.app.store.rejection("P-1", 1) is None
    assert world.folders.names(ROOT / "rejected") == []
    assert mail_to(world, "decision_late") == [("carl@example.com",)]


def test_the_same_accept_saved_again_after_it_counted_is_cleared_without_a_word() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    assert decide(world, "Accept").kind == "accepted"
    saved = world.folders.sha256(save_decision(world, "Accept"))

    assert process_once(world.app) == []

    assert world.folders.names(APPROVAL) == []
    assert saved in world.folders.archive_bytes  # kept, not lost
    assert mail_to(world, "decision_late") == []
    assert len(world.app.store.exports("P-1")) == 1
