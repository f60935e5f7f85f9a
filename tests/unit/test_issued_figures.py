"""The use case that holds a saved review workbook to the figures issued, on fakes: a save
showing other figures is refused naming the cells, its approvers told, nothing exported, and
the review issued put back (at once, or on the next pass when Office held it open); all of
it judged from the copy taken, whatever is renamed over the file meanwhile."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.domain.lifecycle import Status
from pipeline.domain.notification import Notification
from pipeline.domain.review import DecisionOutcome
from pipeline.domain.review_figures import FigureChange, FigureComparison, SheetFigures
from pipeline.services.decisions import apply_review_file
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from pipeline.services.review_ports import SavedReview
from tests.support.fakes import (
    ISSUED_FIGURES,
    ROOT,
    FakeWorld,
    decided,
    fake_world,
    with_token,
)

LINES = (
    BudgetLine(
        row=8,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="Concrete",
        amount=Decimal("95000.50"),
    ),
)
REVIEW = ROOT / "approval" / "P-1_v1_review.xlsx"
EDITED = replace(
    ISSUED_FIGURES,
    sheets={**ISSUED_FIGURES.sheets, "Lines": SheetFigures("lines-divided-by-ten", 5)},
)


def _figures_mail(world: FakeWorld) -> list[Notification]:
    queued = world.app.store.mail_queue()
    return [q.notification for q in queued if q.notification.template == "figures_changed"]


def _sent(world: FakeWorld) -> str:
    document = BudgetDocument(
        project_number="P-1", lines=LINES, project_name="Depot", prepared_by="Ada Admin"
    )
    world.answers.budgets["budget.xlsx"] = ReadResult(
        document=document,
        problems=[],
        last_modified_by="",
        project_number="P-1",
        prepared_by="Ada Admin",
    )
    world.folders.put(ROOT / "inbox" / "budget.xlsx")
    [outcome] = process_once(world.app)
    assert outcome.kind == "sent for approval", outcome
    return world.recorder.reviews[-1].token


def _saved_with_other_figures(world: FakeWorld, token: str) -> bytes:
    """The approver's accept, saved over a review whose Lines!H2 was divided by ten."""
    saved = with_token(decided("Accept"), token)
    world.answers.reviews[REVIEW.name] = SavedReview(saved.decision, saved.marks, EDITED)
    world.answers.changed_cells[REVIEW.name] = FigureComparison(
        (FigureChange("Lines", "H2", 95000.5, 9500.05),), 1
    )
    world.folders.put(REVIEW, b"divided by ten")
    return b"divided by ten"


def test_a_save_showing_other_figures_is_refused_and_the_review_issued_put_back() -> None:
    world = fake_world()
    token = _sent(world)
    issued = world.folders.files[REVIEW]
    changed = _saved_with_other_figures(world, token)
    changed_sha = world.folders.sha256(REVIEW)

    outcome = apply_review_file(world.app, REVIEW)

    assert outcome is not None and outcome.kind == "decision not applied"
    assert "Lines!H2 was 95,000.50 when this review was issued and reads 9,500.05 now" in (
        outcome.message
    )
    assert world.folders.files[REVIEW] == issued  # the genuine review, back in its place
    assert world.folders.archive_bytes[changed_sha] == changed  # the changed one kept
    note = world.folders.files[REVIEW.with_name(REVIEW.name + ".refused.txt")].decode()
    assert "Lines!H2 was 95,000.50" in note and changed_sha in note
    assert world.app.store.decision_outcome(changed_sha) is DecisionOutcome.FIGURES_CHANGED
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.AWAITING_APPROVAL
    assert world.outbox.published_files == {}
    [mail] = _figures_mail(world)
    assert "carl@example.com" in mail.to


def test_the_same_figures_saved_again_decide_as_usual() -> None:
    world = fake_world()
    token = _sent(world)
    world.answers.reviews[REVIEW.name] = with_token(decided("Accept"), token)
    world.folders.put(REVIEW, b"accepted in Excel")

    outcome = apply_review_file(world.app, REVIEW)

    assert outcome is not None and outcome.kind == "accepted", outcome
    assert list(world.outbox.published_files) == ["P-1_v1_001.csv"]


def test_a_save_held_open_in_office_is_put_back_once_it_is_closed() -> None:
    world = fake_world()
    token = _sent(world)
    issued = world.folders.files[REVIEW]
    _saved_with_other_figures(world, token)
    world.folders.open_in_office.add(REVIEW)

    first = apply_review_file(world.app, REVIEW)
    still_there = world.folders.files[REVIEW]
    world.folders.open_in_office.clear()
    again = apply_review_file(world.app, REVIEW)

    assert first is not None and first.kind == "decision not applied"
    assert still_there == b"divided by ten"  # Office holds it: not written over
    assert again is None  # answered once, not twice
    assert world.folders.files[REVIEW] == issued
    assert len(_figures_mail(world)) == 1


def test_the_figures_are_compared_and_kept_from_the_copy_taken_not_from_the_name() -> None:
    """A racer renaming other bytes over the review just after it is taken changes nothing:
    its decision and its changed cells are read from the private copy taken, and those are
    the bytes kept in the archive."""
    world = fake_world()
    token = _sent(world)
    issued = world.folders.files[REVIEW]
    changed = _saved_with_other_figures(world, token)
    changed_sha = world.folders.sha256(REVIEW)
    world.folders.renamed_over[REVIEW] = b"renamed over it by a racer"

    outcome = apply_review_file(world.app, REVIEW)

    assert outcome is not None and outcome.kind == "decision not applied"
    assert "Lines!H2 was 95,000.50" in outcome.message
    copy = ROOT / "taken" / REVIEW.name
    assert world.answers.read_from == [copy, copy]  # the decision, then the cells changed
    assert world.folders.archive_bytes[changed_sha] == changed
    assert b"renamed over it by a racer" not in world.folders.archive_bytes.values()
    assert world.folders.files[REVIEW] == issued
    assert copy not in world.folders.files  # the private copy is let go
