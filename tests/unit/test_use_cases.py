"""The use cases on fakes of every port, wired by the real bootstrap: send, refuse, accept,
reject and one whole pass, in milliseconds and without a disk."""

from __future__ import annotations

from decimal import Decimal

from pipeline.domain.budget import BudgetDocument
from pipeline.domain.lifecycle import Action, Status
from pipeline.domain.own_exports import Found, PublishedName
from pipeline.domain.problems import Problem
from pipeline.services.decisions import apply_review_file
from pipeline.services.intake import take_inbox_file
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from tests.support.fake_steps import LINES  # the two lines every fake budget has
from tests.support.fakes import ROOT, FakeWorld, decided, fake_world, with_token


def _budget(world: FakeWorld, name: str = "budget.xlsx", prepared_by: str = "Ada Admin") -> None:
    document = BudgetDocument(
        project_number="P-1", lines=LINES, project_name="Depot", prepared_by=prepared_by
    )
    world.answers.budgets[name] = ReadResult(
        document=document,
        problems=[],
        last_modified_by="",
        project_number="P-1",
        prepared_by=prepared_by,
    )
    world.folders.put(ROOT / "inbox" / name)


def _sent(world: FakeWorld) -> str:
    """Send a budget; the token of its review workbook."""
    _budget(world)
    [outcome] = process_once(world.app)
    assert outcome.kind == "sent for approval", outcome
    return world.recorder.reviews[-1].token


def test_a_good_budget_is_sent_and_its_approver_told() -> None:
    world = fake_world()
    _budget(world)

    claimed = world.app.inbox.claim(ROOT / "inbox" / "budget.xlsx")
    assert claimed is not None
    outcome = take_inbox_file(world.app, claimed)

    assert outcome.kind == "sent for approval"
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and (budget.status, budget.version) == (Status.AWAITING_APPROVAL, 1)
    assert world.folders.names(ROOT / "approval") == ["P-1_v1_review.xlsx"]
    assert [r.document.total for r in world.recorder.reviews] == [Decimal("57000.50")]
    queued = world.app.store.mail_queue()
    assert [(q.notification.template, q.notification.to) for q in queued] == [
        ("sent_for_approval", ("carl@example.com",))
    ]


def test_a_workbook_with_errors_is_handed_back_and_its_sender_told() -> None:
    world = fake_world()
    problem = Problem(
        rule="cost_code.missing", message="Cost Code is blank", sheet="Budget", cell="B9"
    )
    world.answers.budgets["bad.xlsx"] = ReadResult(
        document=None,
        problems=[problem],
        last_modified_by="",
        project_number="P-1",
        prepared_by="Ada Admin",
    )
    world.folders.put(ROOT / "inbox" / "bad.xlsx")

    [outcome] = process_once(world.app)

    assert outcome.kind == "refused" and "Budget!B9: Cost Code is blank" in outcome.message
    assert world.folders.names(ROOT / "rejected") == [
        "bad.problems.xlsx",  # the annotated copy, for a problem with a cell
        "bad.xlsx",
        "bad.xlsx.refused.txt",
    ]
    note = world.folders.files[ROOT / "rejected" / "bad.xlsx.refused.txt"].decode()
    assert "Correct the workbook" in note
    assert [q.notification.to for q in world.app.store.mail_queue()] == [("ada@example.com",)]
    assert world.app.store.get_budget("P-1") is None


def test_an_accept_exports_the_version_once() -> None:
    world = fake_world()
    token = _sent(world)
    world.answers.reviews["P-1_v1_review.xlsx"] = with_token(decided("Accept"), token)

    outcome = apply_review_file(world.app, ROOT / "approval" / "P-1_v1_review.xlsx")

    assert outcome is not None and outcome.kind == "accepted"
    assert list(world.outbox.published_files) == ["P-1_v1_001.csv"]
    assert [job.kind for _, job in world.recorder.exports] == ["original"]
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.EXPORTED
    assert world.folders.names(ROOT / "approval") == []


def test_a_name_not_ours_is_set_aside_and_the_export_numbered_above_everything() -> None:
    world = fake_world()
    token = _sent(world)
    planted = PublishedName(
        name="P-1_v1_003.csv", seq=3, manifest=Found("P-1_v1_003.csv.manifest.json", "x")
    )
    world.outbox.planted.append(planted)
    world.outbox.aside.append(5)  # set aside on an earlier pass
    world.answers.reviews["P-1_v1_review.xlsx"] = with_token(decided("Accept"), token)

    outcome = apply_review_file(world.app, ROOT / "approval" / "P-1_v1_review.xlsx")

    assert outcome is not None and outcome.kind == "accepted"
    assert world.outbox.moved == ["P-1_v1_003.csv"]
    assert list(world.outbox.published_files) == ["P-1_v1_006.csv"]
    [intent] = world.app.store.export_intents("P-1", 1)
    assert (intent.record.file_name, intent.record.sha256) == (
        "P-1_v1_006.csv",
        "sha-of-P-1_v1_006.csv",
    )
    [event] = [e for e in world.app.store.history("P-1") if e.action is Action.FOREIGN_FILE]
    assert "P-1_v1_003.csv.manifest.json (sha256 x)" in event.detail
    queued = [q.notification for q in world.app.store.mail_queue()]
    assert [n.to for n in queued if n.template == "foreign_file"] == [("carl@example.com",)]


def test_a_reject_hands_the_budget_back_with_its_reasons() -> None:
    world = fake_world()
    token = _sent(world)
    world.answers.reviews["P-1_v1_review.xlsx"] = with_token(
        decided("Reject", reason="Too high"), token
    )

    outcome = apply_review_file(world.app, ROOT / "approval" / "P-1_v1_review.xlsx")

    assert outcome is not None and outcome.kind == "rejected"
    [(document, rejection)] = world.recorder.rejected
    assert (document.total, rejection.reasons) == (Decimal("57000.50"), ("Too high",))
    assert world.folders.names(ROOT / "rejected") == ["P-1_v1_rejected.xlsx"]
    assert world.app.store.rejection("P-1", 1) == rejection


def test_a_non_approver_and_a_foreign_review_decide_nothing() -> None:
    world = fake_world()
    token = _sent(world)
    review = ROOT / "approval" / "P-1_v1_review.xlsx"
    world.answers.reviews[review.name] = with_token(decided("Accept", "Ada Admin"), token)

    own = apply_review_file(world.app, review)
    world.folders.put(review, b"saved again")  # new bytes: read again
    world.answers.reviews[review.name] = with_token(decided("Accept"), "another-token")
    foreign = apply_review_file(world.app, review)

    assert own is not None and "is not an accounting approver" in own.message
    assert foreign is not None and "not the review workbook issued" in foreign.message
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.AWAITING_APPROVAL
    assert world.outbox.published_files == {}
