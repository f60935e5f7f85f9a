"""Writing the ERP file of an accepted version exactly once (``services/export.py``) on fakes,
across a power cut: a file renamed into view but never recorded is adopted as the export by
the next process, and a name whose file never appeared is not tried again."""

from __future__ import annotations

from typing import Literal

import pytest

from pipeline.domain.lifecycle import Action, Status
from pipeline.services.processing import process_once
from tests.support.fake_steps import mail_to, result_file, save_decision, send
from tests.support.fakes import FakeWorld, PowerCut, fake_world, restarted


def _cut_while_exporting(
    world: FakeWorld, where: Literal["before rename", "after rename"]
) -> FakeWorld:
    """Version 1 accepted, the power cut while its ERP file is published; the new process."""
    assert send(world).kind == "sent for approval"
    save_decision(world, "Accept")
    world.outbox.cut_power = where
    with pytest.raises(PowerCut):
        process_once(world.app)
    return restarted(world)


def test_a_file_renamed_into_view_before_the_power_cut_is_adopted_not_written_again() -> None:
    world = fake_world()

    again = _cut_while_exporting(world, "after rename")

    budget = again.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.ACCEPTED  # the accept was committed
    assert again.app.store.exports("P-1") == []  # the export was not
    [intent] = again.app.store.export_intents("P-1", 1)

    outcomes = process_once(again.app)

    assert [(o.kind, o.file.name) for o in outcomes] == [("exported", "P-1_v1_001.csv")]
    assert list(again.outbox.published_files) == ["P-1_v1_001.csv"]  # written once
    assert len(again.recorder.exports) == 1
    assert again.app.store.exports("P-1") == [intent.record]
    budget = again.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.EXPORTED
    [exported] = [e for e in again.app.store.history("P-1") if e.action is Action.EXPORT]
    assert exported.file_sha256 == intent.record.sha256 == "sha-of-P-1_v1_001.csv"
    assert again.outbox.moved == []  # ours: nothing set aside
    assert mail_to(again, "exported") == [("ada@example.com",)]


def test_a_name_whose_file_never_appeared_is_not_tried_again() -> None:
    world = fake_world()

    again = _cut_while_exporting(world, "before rename")

    assert again.outbox.published_files == {}
    [intent] = again.app.store.export_intents("P-1", 1)
    assert intent.record.file_name == "P-1_v1_001.csv"

    [outcome] = process_once(again.app)

    assert (outcome.kind, outcome.file.name) == ("exported", "P-1_v1_002.csv")
    assert [r.file_name for r in again.app.store.exports("P-1")] == ["P-1_v1_002.csv"]
    assert list(again.outbox.published_files) == ["P-1_v1_002.csv"]


def test_an_export_recorded_is_not_written_again_by_the_next_passes() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    save_decision(world, "Accept")
    process_once(world.app)

    assert process_once(restarted(world).app) == []

    assert list(world.outbox.published_files) == ["P-1_v1_001.csv"]
    assert mail_to(world, "exported") == [("ada@example.com",)]


def test_the_erps_answer_before_the_export_is_recorded_waits_for_it_and_is_applied() -> None:
    world = fake_world()
    again = _cut_while_exporting(world, "after rename")
    # A quick ERP took the file renamed into view and answered before it was recorded.
    answer = result_file(again, "P-1_v1_001.csv", "success")

    first = process_once(again.app)

    assert [o.kind for o in first] == ["exported"]  # adopted; the answer waits, not refused
    assert again.folders.exists(answer)
    [second] = process_once(again.app)
    assert second.kind == "synced"
    budget = again.app.store.get_budget("P-1")
    assert budget is not None and budget.status is Status.SYNCED


def test_an_answer_naming_a_file_never_about_to_be_written_is_refused_at_once() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    result_file(world, "P-1_v9_001.csv", "success")

    [outcome] = process_once(world.app)

    assert outcome.kind == "failed" and "no export named 'P-1_v9_001.csv'" in outcome.message


def test_an_answer_about_a_name_whose_file_never_appeared_is_refused() -> None:
    world = fake_world()
    again = _cut_while_exporting(world, "before rename")  # its intent recorded, no file
    result_file(again, "P-1_v1_001.csv", "success")

    outcomes = process_once(again.app)

    refused = [o for o in outcomes if o.kind == "failed"]
    assert [o.file.name for o in refused] == ["P-1_v1_001.csv.json"]
    assert "no export named 'P-1_v1_001.csv'" in refused[0].message
