"""A refusal by the ERP on fakes of every port: the refused file is set aside with the ERP's
message, the review issued again carries the refusal (not a warning), a repeated answer sets
nothing aside twice, and the status page tells a refused, a sent and a confirmed export apart
once results are in use. Also the pure wording: the headline and the state labels."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import Action, Status
from pipeline.domain.status_view import state_label
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from pipeline.services.status_page import gather
from tests.support.fakes import ROOT, FakeWorld, decided, fake_world, with_token

LINE = BudgetLine(
    row=8,
    sub_job="",
    cost_code="01-100",
    cost_type="L",
    description="General conditions",
    amount=Decimal("12000.00"),
)
RESULTS = ROOT / "outbox" / "results"


def _exported(world: FakeWorld, project: str) -> None:
    name = f"{project}.xlsx"
    document = BudgetDocument(
        project_number=project, lines=(LINE,), project_name="Depot", prepared_by="Ada Admin"
    )
    world.answers.budgets[name] = ReadResult(
        document=document,
        problems=[],
        last_modified_by="",
        project_number=project,
        prepared_by="Ada Admin",
    )
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


def test_the_page_tells_refused_sent_and_confirmed_apart_once_results_are_in_use() -> None:
    world = fake_world()
    for project in ("P-1", "P-2", "P-3"):
        _exported(world, project)
    page = ROOT / "status" / "index.html"
    before = {row.project_number: row for row in gather(world.app, page).budgets}
    assert (before["P-2"].state, before["P-2"].in_erp) == ("exported", "v1 (P-2_v1_001.csv)")

    _answer(world, "P-1_v1_001.csv", "failure", "bad code")
    _answer(world, "P-3_v1_001.csv", "success")
    view = gather(world.app, page)
    rows = {row.project_number: row for row in view.budgets}

    assert view.results_in_use
    assert (rows["P-1"].state, rows["P-1"].in_erp) == ("refused by the ERP", "")
    assert rows["P-1"].refusal is not None and rows["P-1"].refusal.message == "bad code"
    assert (rows["P-2"].state, rows["P-2"].in_erp) == (
        "sent, not confirmed",
        "v1 (P-2_v1_001.csv): sent, not confirmed",
    )
    assert (rows["P-3"].state, rows["P-3"].in_erp) == (
        "in the ERP (confirmed)",
        "v1 (P-3_v1_001.csv): in the ERP (confirmed)",
    )


def test_results_off_keeps_the_page_as_it_was_whatever_the_erp_answered() -> None:
    world = fake_world()
    world.app = dataclasses.replace(
        world.app, settings=dataclasses.replace(world.app.settings, export_results=False)
    )
    _exported(world, "P-2")
    _exported(world, "P-3")
    _answer(world, "P-3_v1_001.csv", "success")

    view = gather(world.app, ROOT / "status" / "index.html")
    rows = {row.project_number: row for row in view.budgets}

    assert not view.results_in_use
    assert (rows["P-2"].state, rows["P-2"].in_erp) == ("exported", "v1 (P-2_v1_001.csv)")
    assert (rows["P-3"].state, rows["P-3"].in_erp) == (
        "imported by the ERP",
        "v1 (P-3_v1_001.csv, imported)",
    )


@pytest.mark.parametrize(
    ("message", "said"),
    [
        ("Cost code 03-300 is not set up", "Cost code 03-300 is not set up"),
        ("line one\nline two\r\n", "line one line two"),
        ("bidi\u202eevil\u200b text", "bidievil text"),
        ("", "(no message)"),
    ],
)
def test_the_headline_is_one_line_with_nothing_hidden(message: str, said: str) -> None:
    refusal = Refusal(2, "P-1_v2_001.csv", message, datetime(2026, 3, 2, 23, 30, tzinfo=UTC))
    assert refusal.headline == f"Re-export after the ERP refused version 2 on 2026-03-02: {said}"


def test_only_results_in_use_change_the_words_for_an_export() -> None:
    assert state_label(Status.EXPORTED, False) == "exported"
    assert state_label(Status.SYNCED, False) == "imported by the ERP"
    assert state_label(Status.EXPORTED, True) == "sent, not confirmed"
    assert state_label(Status.SYNCED, True) == "in the ERP (confirmed)"
    for status in Status:
        if status not in (Status.EXPORTED, Status.SYNCED):
            assert state_label(status, True) == state_label(status, False)
    assert state_label(Status.EXPORT_FAILED, False) == "refused by the ERP"
