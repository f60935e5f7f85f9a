"""The ERP's answers (``services/erp_results.py``) on fakes: an import confirmed marks the
budget synced; a refusal sets the file aside and puts the version back before the approver,
whose Accept writes it again; an answer about a file superseded since changes nothing; a
result naming no export of ours is handed back."""

from __future__ import annotations

from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.domain.lifecycle import Action, Status
from pipeline.services.export import export_again
from pipeline.services.processing import process_once
from tests.support.fake_steps import ADMIN, decide, mail_to, result_file, send
from tests.support.fakes import ROOT, FakeWorld, fake_world

RESULTS = ROOT / "outbox" / "results"


def _exported(world: FakeWorld) -> None:
    assert send(world).kind == "sent for approval"
    assert decide(world, "Accept").kind == "accepted"


def _status(world: FakeWorld) -> tuple[Status | None, int]:
    budget = world.app.store.get_budget("P-1")
    assert budget is not None
    return budget.status, budget.version


def test_an_import_confirmed_marks_the_budget_synced_and_keeps_the_answer() -> None:
    world = fake_world()
    _exported(world)
    result_file(world, "P-1_v1_001.csv", "success", "imported")

    [outcome] = process_once(world.app)

    assert outcome.kind == "synced", outcome
    assert _status(world) == (Status.SYNCED, 1)
    record = world.app.store.export_by_file("P-1_v1_001.csv")
    assert record is not None
    assert (record.result, record.result_message, record.erp_ids) == (
        ExportResult.SUCCESS,
        "imported",
        '{"job": 7}',
    )
    assert world.folders.names(RESULTS / "processed") == ["P-1_v1_001.csv.json"]
    assert world.folders.names(RESULTS) == []


def test_a_refusal_puts_the_version_back_before_the_approver_whose_accept_writes_it_again() -> None:
    world = fake_world()
    _exported(world)
    result_file(world, "P-1_v1_001.csv", "failure", "cost code 03-300 is not set up")

    [outcome] = process_once(world.app)

    assert outcome.kind == "failed to export", outcome
    assert _status(world) == (Status.EXPORT_FAILED, 1)
    assert "cost code 03-300 is not set up" in world.outbox.set_aside_notes["P-1_v1_001.csv"]
    refusal = world.recorder.reviews[-1].refusal
    assert refusal is not None and refusal.message == "cost code 03-300 is not set up"
    assert world.folders.names(ROOT / "approval") == ["P-1_v1_review.xlsx"]
    assert mail_to(world, "export_failed") == [("ada@example.com", "carl@example.com")]

    accepted = decide(world, "Accept")

    assert accepted.kind == "accepted", accepted
    assert _status(world) == (Status.EXPORTED, 1)
    assert [(r.file_name, r.result) for r in world.app.store.exports("P-1")] == [
        ("P-1_v1_001.csv", ExportResult.FAILURE),
        ("P-1_v1_002.csv", ExportResult.NONE),
    ]


def test_an_answer_about_a_file_superseded_since_changes_nothing() -> None:
    world = fake_world()
    _exported(world)
    again = export_again(world.app, "P-1", ADMIN)
    assert (again.file_name, again.kind) == ("P-1_v1_002.csv", ExportKind.AGAIN)
    result_file(world, "P-1_v1_001.csv", "failure", "late answer about the first file")

    [outcome] = process_once(world.app)

    assert outcome.kind == "failed to export"
    assert _status(world) == (Status.EXPORTED, 1)  # the newest file of the version counts
    record = world.app.store.export_by_file("P-1_v1_001.csv")
    assert record is not None and record.result is ExportResult.FAILURE
    actions = [e.action for e in world.app.store.history("P-1")]
    assert Action.FAIL_EXPORT not in actions and actions[-1] is Action.SET_ASIDE
    assert mail_to(world, "export_failed") == []


def test_a_result_naming_no_export_of_ours_is_handed_back() -> None:
    world = fake_world()
    _exported(world)
    result_file(world, "P-9_v1_001.csv", "success")

    [outcome] = process_once(world.app)

    assert outcome.kind == "failed" and "no export named 'P-9_v1_001.csv'" in outcome.message
    assert world.folders.names(RESULTS / "refused") == [
        "P-9_v1_001.csv.json",
        "P-9_v1_001.csv.json.refused.txt",
    ]
    assert _status(world) == (Status.EXPORTED, 1)
