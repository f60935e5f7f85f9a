"""The budget in force in ``current/``, on fakes: which version it holds without results and
with them, when it is written (and when not), what it replaces, how a process mends it; and a
change built from an older version than the one in force, warned about."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from pipeline.config import default_settings
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.domain.version_mark import VersionMark
from pipeline.services.current_budget import held_in_force
from pipeline.services.pass_memory import PassMemory
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from pipeline.services.records import ExportRecord
from tests.support.fake_steps import LINES  # the two lines every fake budget has
from tests.support.fakes import ROOT, FakeWorld, decided, fake_world, with_token

CURRENT = ROOT / "current" / "P-1_current.xlsx"
OTHER = ROOT / "current" / "P-2_current.xlsx"
AT = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)


def _world(results: bool | None = None) -> FakeWorld:
    return fake_world(replace(default_settings(ROOT), export_results=results))


def _send(world: FakeWorld, amount: str, mark: str = "", project: str = "P-1") -> None:
    """Drop a budget whose concrete line is ``amount``; ``mark``: the version mark it carries."""
    lines = (LINES[0], replace(LINES[1], amount=Decimal(amount)))
    document = BudgetDocument(
        project_number=project, lines=lines, project_name="Depot", prepared_by="Ada Admin"
    )
    name = f"{project}-budget-{amount}.xlsx"
    world.answers.budgets[name] = ReadResult(
        document=document,
        problems=[],
        last_modified_by="",
        project_number=project,
        prepared_by="Ada Admin",
        version_mark=mark,
    )
    world.folders.put(ROOT / "inbox" / name, f"{name} {mark}".encode())  # its own bytes
    [outcome] = process_once(world.app)
    assert outcome.kind in ("sent for approval", "re-sent for approval"), outcome


def _decide(world: FakeWorld, version: int, verdict: str, project: str = "P-1") -> None:
    review = f"{project}_v{version}_review.xlsx"
    world.answers.reviews[review] = with_token(
        decided(verdict, reason="Too high"), world.recorder.reviews[-1].token
    )
    world.folders.put(ROOT / "approval" / review, f"{review} {verdict}".encode())
    [outcome] = process_once(world.app)
    assert outcome.kind == ("accepted" if verdict == "Accept" else "rejected"), outcome


def _answer(world: FakeWorld, export: str, status: str) -> None:
    result = {"export": export, "status": status, "message": "no such cost code"}
    world.folders.put(ROOT / "outbox" / "results" / f"{export}.json", json.dumps(result).encode())
    process_once(world.app)


def _held(world: FakeWorld) -> str:
    return world.folders.files.get(CURRENT, b"").decode()


def _exported(world: FakeWorld, amount: str, version: int) -> None:
    _send(world, amount)
    _decide(world, version, "Accept")


def test_without_results_each_export_is_in_force_as_soon_as_it_is_written() -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    assert _held(world) == "P-1 v1"

    _exported(world, "50000.00", 2)

    assert _held(world) == "P-1 v2"
    [(document, version)] = world.recorder.current[1:]
    assert version == 2 and document.lines[1].amount == Decimal("50000.00")
    # The workbook it replaced went to the archive first, whatever was typed into it.
    assert b"P-1 v1" in world.folders.archive_bytes.values()


def test_with_results_a_change_is_in_force_once_the_erp_confirms_it() -> None:
    world = _world(results=True)
    _exported(world, "45000.50", 1)
    assert CURRENT not in world.folders.files  # sent, not confirmed: nothing in force yet
    _answer(world, "P-1_v1_001.csv", "success")
    assert _held(world) == "P-1 v1"

    _exported(world, "50000.00", 2)
    assert _held(world) == "P-1 v1"  # sent, not confirmed
    _answer(world, "P-1_v2_001_change.csv", "success")

    assert _held(world) == "P-1 v2"
    assert [version for _, version in world.recorder.current] == [1, 2]  # each written once


def test_once_another_budgets_answer_is_applied_a_new_export_waits_for_its_own() -> None:
    world = _world()  # "auto"
    _exported(world, "45000.50", 1)
    _answer(world, "P-1_v1_001.csv", "success")  # results are in use in the workspace now
    _send(world, "45000.50", project="P-2")
    _decide(world, 1, "Accept", project="P-2")

    assert OTHER not in world.folders.files  # sent, not confirmed, as the status page says

    _answer(world, "P-2_v1_001.csv", "success")
    assert world.folders.files.get(OTHER) == b"P-2 v1"


def test_a_workbook_written_before_results_were_in_use_stays_until_the_erp_answers() -> None:
    world = _world()  # "auto": nothing answered yet, each export in force when written
    _exported(world, "45000.50", 1)
    _exported(world, "50000.00", 2)
    _send(world, "45000.50", project="P-2")
    _decide(world, 1, "Accept", project="P-2")
    _answer(world, "P-2_v1_001.csv", "success")  # results in use from now on

    _exported(world, "51000.00", 3)  # sent, not confirmed: version 2 stays
    process_once(replace(world.app, memory=PassMemory()))
    assert _held(world) == "P-1 v2"

    _answer(world, "P-1_v2_001_change.csv", "failure")  # its own file refused: the one before
    assert _held(world) == "P-1 v1"
    _answer(world, "P-1_v3_001_change.csv", "success")
    assert _held(world) == "P-1 v3"


def test_a_refused_change_gives_the_version_before_back() -> None:
    world = _world()  # "auto": the refusal is the first answer
    _exported(world, "45000.50", 1)
    _exported(world, "50000.00", 2)
    assert _held(world) == "P-1 v2"  # no results in use when it was exported

    _answer(world, "P-1_v2_001_change.csv", "failure")

    assert _held(world) == "P-1 v1"


def test_with_no_version_in_force_there_is_no_workbook() -> None:
    world = _world()
    _exported(world, "45000.50", 1)

    _answer(world, "P-1_v1_001.csv", "failure")

    assert CURRENT not in world.folders.files
    assert b"P-1 v1" in world.folders.archive_bytes.values()


def test_a_new_process_writes_what_is_missing_or_not_ours_and_leaves_the_rest() -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    written = len(world.recorder.current)
    restarted = replace(world.app, memory=PassMemory())

    world.folders.remove(CURRENT)  # deleted by someone, or a crash came before the write
    process_once(restarted)
    assert (_held(world), len(world.recorder.current)) == ("P-1 v1", written + 1)

    world.folders.files[CURRENT] = b"P-1 v1"  # the admin typed into it in place: same mark
    process_once(replace(world.app, memory=PassMemory()))
    assert len(world.recorder.current) == written + 1

    world.folders.files[CURRENT] = b"not a workbook of ours"
    process_once(replace(world.app, memory=PassMemory()))
    assert _held(world) == "P-1 v1"
    assert b"not a workbook of ours" in world.folders.archive_bytes.values()


def test_a_failed_write_is_tried_again_at_the_next_pass_and_the_export_stands() -> None:
    world = _world()
    attempts: list[int] = []

    def disk_full_twice(document: BudgetDocument, version: int, target: object) -> None:
        attempts.append(version)
        if len(attempts) <= 2:  # after the export, and again at the end of that pass
            raise OSError(28, "No space left on device")
        world.folders.files[CURRENT] = str(VersionMark("P-1", version)).encode()

    workbooks = replace(world.app.workbooks, write_current=disk_full_twice)
    world = replace(world, app=replace(world.app, workbooks=workbooks))
    _exported(world, "45000.50", 1)
    budget = world.app.store.get_budget("P-1")
    assert budget is not None and budget.status == "exported"
    assert CURRENT not in world.folders.files and not world.app.memory.current.checked

    process_once(world.app)

    assert (_held(world), attempts) == ("P-1 v1", [1, 1, 1])


def _record(version: int, seq: int, kind: ExportKind, result: ExportResult) -> ExportRecord:
    name = f"P-1_v{version}_{seq:03d}.csv"
    return ExportRecord(
        project_number="P-1",
        version=version,
        file_name=name,
        sha256="sha",
        line_count=2,
        total="1.00",
        at=AT,
        seq=seq,
        kind=kind,
        result=result,
    )


ORIGINAL, CHANGE, AGAIN = ExportKind.ORIGINAL, ExportKind.CHANGE, ExportKind.AGAIN
NONE, SUCCESS, FAILURE = ExportResult.NONE, ExportResult.SUCCESS, ExportResult.FAILURE


@pytest.mark.parametrize(
    ("exports", "results", "held", "wanted"),
    [
        ([], False, None, None),
        ([(1, 1, ORIGINAL, NONE), (2, 1, CHANGE, NONE)], False, None, 2),
        ([(1, 1, ORIGINAL, SUCCESS), (2, 1, CHANGE, NONE)], False, 1, 2),  # answers not used
        ([(1, 1, ORIGINAL, SUCCESS), (2, 1, CHANGE, NONE)], True, None, 1),
        ([(1, 1, ORIGINAL, SUCCESS), (2, 1, CHANGE, NONE)], True, 2, 1),
        ([(1, 1, ORIGINAL, NONE), (2, 1, CHANGE, FAILURE)], False, 2, 1),
        ([(1, 1, ORIGINAL, NONE), (2, 1, CHANGE, FAILURE)], True, 2, 1),
        ([(1, 1, ORIGINAL, FAILURE)], False, 1, None),
        ([(1, 1, ORIGINAL, FAILURE)], True, 1, None),
        # with results, nothing moves in before the ERP confirms it...
        ([(1, 1, ORIGINAL, NONE)], True, None, None),
        # ...and a workbook written before they were in use stays, not moved on
        ([(1, 1, ORIGINAL, NONE), (2, 1, CHANGE, NONE), (3, 1, CHANGE, NONE)], True, 2, 2),
        # a copy written --again that the ERP took confirms its version
        ([(1, 1, ORIGINAL, SUCCESS), (2, 1, CHANGE, FAILURE), (2, 2, AGAIN, SUCCESS)], True, 1, 2),
        # a copy nobody answered is not the version in force (as on the status page)
        ([(1, 1, ORIGINAL, NONE), (2, 1, CHANGE, FAILURE), (2, 2, AGAIN, NONE)], False, 2, 1),
    ],
)
def test_the_version_held_is_the_newest_confirmed_else_the_newest_not_refused(
    exports: list[tuple[int, int, ExportKind, ExportResult]],
    results: bool,
    held: int | None,
    wanted: int | None,
) -> None:
    record = held_in_force([_record(*export) for export in exports], results, held)
    assert (record.version if record else None) == wanted


def _warnings(world: FakeWorld) -> list[str]:
    return [str(w) for w in world.recorder.reviews[-1].warnings if w.rule == "change.older_file"]


def test_a_change_from_an_older_version_is_taken_and_the_approver_told() -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    _exported(world, "50000.00", 2)

    _send(world, "47000.00", mark="P-1 v1")

    [warning] = _warnings(world)
    assert warning.startswith(
        "built from version 1; version 2 is in force in the ERP "
        "(current/P-1_current.xlsx), and the changes are measured against it"
    )
    assert warning.endswith("[change.older_file]") and "back as" not in warning
    assert world.recorder.reviews[-1].change is not None  # measured against version 2


def test_the_lines_an_older_file_puts_back_as_they_were_are_named() -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    _exported(world, "50000.00", 2)

    _send(world, "45000.50", mark="P-1 v1")  # version 1's concrete, unchanged in the copy

    [warning] = _warnings(world)
    assert "measured against it; back as in version 1: 03-300 / M. Start" in warning


def test_a_change_from_a_rejected_version_older_than_the_one_in_force_says_so() -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    _send(world, "50000.00")
    _decide(world, 2, "Reject")
    _send(world, "52000.00")  # another change, from the admin's own file
    _decide(world, 3, "Accept")

    _send(world, "50500.00", mark="P-1 v2")  # the workbook handed back for version 2

    [warning] = _warnings(world)
    assert warning.startswith("built from version 2 (rejected on 2026-03-02); version 3")


def test_a_change_from_the_confirmed_version_while_a_later_one_waits_says_it_was_sent() -> None:
    world = _world(results=True)
    _exported(world, "45000.50", 1)
    _answer(world, "P-1_v1_001.csv", "success")
    _exported(world, "50000.00", 2)  # sent, not confirmed: current/ holds version 1

    _send(world, "47000.00", mark="P-1 v1")  # a copy of current/

    [warning] = _warnings(world)
    assert warning.startswith(
        "built from version 1; version 2 was sent to the ERP since, not confirmed yet, and "
        "the changes are measured against it"
    )


@pytest.mark.parametrize("mark", ["", "P-1 v2", "P-1 v3", "P-2 v1", "P-1 version 1", "P-1 v0"])
def test_a_change_from_the_version_in_force_or_no_mark_of_ours_is_not_warned(mark: str) -> None:
    world = _world()
    _exported(world, "45000.50", 1)
    _exported(world, "50000.00", 2)

    _send(world, "47000.00", mark=mark)

    assert _warnings(world) == []
