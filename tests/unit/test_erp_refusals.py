"""A refusal by the ERP on fakes of every port: the refused file is set aside with the ERP's
message, the review issued again carries the refusal (not a warning), and a repeated answer
sets nothing aside twice. Also the pure wording of the refusal's headline."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import Action
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from tests.support.fakes import ROOT, FakeWorld, decided, fake_world, with_token

LINE = BudgetLine(8, "", "01-100", "L", "General conditions", Decimal("12000.00"))
RESULTS = ROOT / "outbox" / "results"


def _exported(world: FakeWorld, project: str) -> None:
    name = f"{project}.xlsx"
    document = BudgetDocument(project, (LINE,), "Depot", "Ada Admin")
    world.answers.budgets[name] = ReadResult(document, [], "", project, "Ada Admin")
    world.folders.put(ROOT / "inbox" / name, project.encode())
    process_once(world.app)
    review = ROOT / "approval" / f"{project}_v1_review.xlsx"
    token = world.recorder.reviews[-1].token
    world.answers.reviews[review.name] = with_token(decided("Accept"), token)
    world.folders.put(review, f"saved {project}".encode())  # its own bytes: its own save
    apply_review_file(world.app, review)


def _answer(world: FakeWorld, export: str, status: str, message: str = "") -> None:
    path = world.folders.put(RESULTS / f"{export}.json")
    world.folders.files[path] = json.dumps(
        {"export": export, "status": status, "message": message}
    ).encode()
    apply_result_file(world.app, path)


def test_a_failure_sets_the_file_aside_and_issues_the_review_with_the_refusal() -> None:
    world = fake_world()
    _exported(world, "P-1")

    _answer(world, "P-1_v1_001.csv", "failure", "Cost code 03-300 is not set up")

    note = world.outbox.set_aside_notes["P-1_v1_001.csv"]
    assert "Cost code 03-300 is not set up" in note and "P-1_v1_001.csv.json" in note
    refusal = world.recorder.reviews[-1].refusal
    assert refusal is not None
    assert (refusal.version, refusal.file_name, refusal.message) == (
        1,
        "P-1_v1_001.csv",
        "Cost code 03-300 is not set up",
    )
    review = world.recorder.reviews[-1]
    assert review.warnings == []  # the refusal heads the review; it is no small warning
    [failed] = [e for e in world.app.store.history("P-1") if e.action is Action.FAIL_EXPORT]
    assert "moved out of outbox/ to outbox/failed/P-1_v1_001.csv" in failed.detail


def test_the_same_failure_again_sets_nothing_aside_and_records_no_move() -> None:
    world = fake_world()
    _exported(world, "P-1")
    _answer(world, "P-1_v1_001.csv", "failure", "bad code")
    reviews = len(world.recorder.reviews)

    _answer(world, "P-1_v1_001.csv", "failure", "bad code")

    assert len(world.recorder.reviews) == reviews
    actions = [e.action for e in world.app.store.history("P-1")]
    assert Action.SET_ASIDE not in actions and actions.count(Action.FAIL_EXPORT) == 1


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Cost code 03-300 is not set up", "Cost code 03-300 is not set up"),
        ("line one\nline two\r\n", "line one line two"),
        ("bidi\u202eevil\u200b text", "bidi evil text"),
        ("", "(no message)"),
    ],
)
def test_the_headline_is_one_line_with_nothing_hidden(message: str, said: str) -> None:
    refusal = Refusal(2, "P-1_v2_001.csv", message, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert refusal.headline == f"Re-export after the ERP refused version 2 on 2026-03-02: {said}"
