"""Taking a workbook from the inbox (``services/intake.py``) on fakes: a re-send is compared
with the reasons recorded for the rejected version, and a budget change with the version last
exported, whose ERP file then carries only the difference."""

from __future__ import annotations

from decimal import Decimal

from pipeline.domain.budget import ReasonResponse
from pipeline.domain.changes import ChangeKind, ReasonStatus
from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Action, Status
from pipeline.domain.review import LineFlag
from pipeline.services.processing import process_once
from tests.support.fake_steps import CONCRETE, decide, drop, mail_to, save_decision, send
from tests.support.fakes import ROOT, FakeWorld, fake_world

REASON = "03-300 is too high"


def _rejected(world: FakeWorld) -> None:
    """Version 1 sent, and rejected with a reason and the Concrete line flagged."""
    assert send(world).kind == "sent for approval"
    save_decision(world, "Reject", reason=REASON, flags=(LineFlag(CONCRETE, "quote?"),))
    [outcome] = process_once(world.app)
    assert outcome.kind == "rejected", outcome


def test_a_resend_is_compared_with_the_reasons_recorded_for_the_rejected_version() -> None:
    world = fake_world()
    _rejected(world)

    outcome = send(world, concrete="40000.00")

    assert outcome.kind == "re-sent for approval", outcome
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.AWAITING_APPROVAL, 2)
    resent = world.app.store.submission("P-1", 2)
    assert resent is not None and resent.action is Action.RESEND
    resend = world.recorder.reviews[-1].resend
    assert resend is not None and resend.rejection == world.app.store.rejection("P-1", 1)
    assert [(r.reason, r.status) for r in resend.reasons] == [
        ("quote?", ReasonStatus.ADDRESSED),  # its line changed
        (REASON, ReasonStatus.ADDRESSED),  # the cost code it names changed
    ]
    assert [(c.kind, c.key, c.delta) for c in resend.changes] == [
        (ChangeKind.AMOUNT, CONCRETE, Decimal("-5000.50"))
    ]
    assert world.folders.names(ROOT / "rejected") == []  # the hand-back is no longer needed
    assert mail_to(world, "sent_for_approval") == [("carl@example.com",)] * 2


def test_the_same_budget_again_is_refused_until_each_reason_has_a_response() -> None:
    world = fake_world()
    _rejected(world)

    refused = send(world)

    assert refused.kind == "refused" and "nothing changed since the rejection" in refused.message
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.REJECTED, 1)
    handed_back = [n for n in world.folders.names(ROOT / "rejected") if n.endswith(".xlsx")]
    assert handed_back == ["P-1-45000.50-1.xlsx", "P-1_v1_rejected.xlsx"]
    assert mail_to(world, "refused") == [("ada@example.com",)]

    answers = (
        ReasonResponse("", REASON, "the supplier's price, quote attached"),
        ReasonResponse(str(CONCRETE), "quote?", "attached"),
    )
    drop(world, responses=answers)
    [outcome] = process_once(world.app)

    assert outcome.kind == "re-sent for approval", outcome
    resend = world.recorder.reviews[-1].resend
    assert resend is not None and resend.changes == []
    assert [(r.status, r.response) for r in resend.reasons] == [
        (ReasonStatus.ANSWERED, "attached"),
        (ReasonStatus.ANSWERED, "the supplier's price, quote attached"),
    ]


def test_a_resend_leaving_a_flagged_line_as_it_was_is_refused() -> None:
    world = fake_world()
    _rejected(world)

    refused = send(world, general="9000.00")  # another line changed, the flagged one not

    assert refused.kind == "refused", refused
    assert "flagged by the approver are unchanged: 03-300 / M (quote?)" in refused.message
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.REJECTED, 1)


def _exported(world: FakeWorld) -> None:
    assert send(world).kind == "sent for approval"
    assert decide(world, "Accept").kind == "accepted"


def test_a_change_to_an_exported_budget_exports_only_what_moved_since_the_export() -> None:
    world = fake_world()
    _exported(world)

    sent = send(world, concrete="50000.50")

    assert sent.kind == "sent for approval", sent
    change = world.app.store.submission("P-1", 2)
    assert change is not None and change.action is Action.CHANGE
    assessed = world.recorder.reviews[-1].change
    assert assessed is not None and assessed.exported_version == 1
    assert [(c.key, c.delta) for c in assessed.changes] == [(CONCRETE, Decimal("5000.00"))]

    accepted = decide(world, "Accept")

    assert accepted.kind == "accepted", accepted
    exports = world.app.store.exports("P-1")
    assert [(r.version, r.kind) for r in exports] == [
        (1, ExportKind.ORIGINAL),
        (2, ExportKind.CHANGE),
    ]
    _, job = world.recorder.exports[-1]
    assert [(line.key, line.amount) for line in job.lines] == [(CONCRETE, Decimal("5000.00"))]
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.EXPORTED, 2)


def test_a_change_that_changes_nothing_is_refused_and_the_export_stands() -> None:
    world = fake_world()
    _exported(world)

    refused = send(world)

    assert refused.kind == "refused", refused
    assert "nothing changed since version 1 was exported" in refused.message
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.EXPORTED, 1)
    assert world.app.store.submission("P-1", 2) is None
    assert len(world.app.store.exports("P-1")) == 1
