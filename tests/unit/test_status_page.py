"""The status page's use case on fakes, with a clock the test moves: ages and the overdue
mark, and when a pass rewrites the page."""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from pipeline.services.records import DaemonRecord
from pipeline.services.status_page import gather
from tests.support.fakes import NOW, ROOT, FakeWorld, decided, fake_world, with_token
from tests.support.memory_store import MemoryStore

PAGE = ROOT / "status" / "index.html"
LINE = BudgetLine(
    row=8,
    sub_job="",
    cost_code="01-100",
    cost_type="L",
    description="General conditions",
    amount=Decimal("12000.00"),
)


class MovingClock:
    """Time that stands still until the test moves it."""

    def __init__(self, at: datetime) -> None:
        self.at = at

    def now(self) -> datetime:
        return self.at

    def file_time(self) -> float:
        return self.at.timestamp()

    def monotonic(self) -> float:
        return self.at.timestamp()


def _world() -> tuple[FakeWorld, MovingClock]:
    world = fake_world()
    clock = MovingClock(NOW)
    world.app = dataclasses.replace(world.app, clock=clock)
    return world, clock


def _send(world: FakeWorld, project: str) -> None:
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
    world.folders.put(ROOT / "inbox" / name, project.encode())  # its own hash: no duplicate


def test_ages_and_the_overdue_mark_follow_the_clock() -> None:
    world, clock = _world()
    _send(world, "P-1")
    process_once(world.app)
    clock.at = NOW + timedelta(days=1)
    _send(world, "P-2")
    process_once(world.app)

    clock.at = NOW + timedelta(days=3, hours=-1)
    rows = {row.project_number: row for row in gather(world.app, PAGE).budgets}
    assert (rows["P-1"].waiting_for, rows["P-1"].overdue) == ("2 d 23 h", False)

    clock.at = NOW + timedelta(days=3, hours=2)
    view = gather(world.app, PAGE)
    first, second = view.budgets  # the longest waiting first
    assert (first.project_number, first.waiting_for, first.overdue) == ("P-1", "3 d 2 h", True)
    assert (second.project_number, second.waiting_for, second.overdue) == ("P-2", "2 d 2 h", False)
    assert first.waiting_on == "approvers" and first.approvers == ("Carl Accountant",)
    assert view.overdue_count == 1


def test_the_overdue_days_are_a_setting() -> None:
    world, clock = _world()
    world.app = dataclasses.replace(
        world.app, settings=dataclasses.replace(world.app.settings, overdue_days=0.5)
    )
    _send(world, "P-1")
    process_once(world.app)
    clock.at = NOW + timedelta(hours=13)
    [row] = gather(world.app, PAGE).budgets
    assert row.overdue


def test_a_rejected_budget_waits_on_its_sender_and_links_the_workbook_handed_back() -> None:
    world, clock = _world()
    _send(world, "P-1")
    process_once(world.app)
    review = ROOT / "approval" / "P-1_v1_review.xlsx"
    token = world.recorder.reviews[-1].token
    world.answers.reviews[review.name] = with_token(decided("Reject", reason="Too dear"), token)
    world.folders.put(review, b"saved")
    clock.at = NOW + timedelta(hours=2)
    process_once(world.app)

    [row] = gather(world.app, PAGE).budgets

    assert (row.state, row.waiting_on, row.waiting_since) == ("rejected", "sender", clock.at)
    [link] = row.links
    assert (link.kind, link.name, link.href) == (
        "rejected",
        "rejected/P-1_v1_rejected.xlsx",
        "../rejected/P-1_v1_rejected.xlsx",
    )


def test_a_pass_rewrites_the_page_when_it_changed_anything_and_first_and_when_stale() -> None:
    world, clock = _world()
    process_once(world.app)  # the first pass of the process writes the page, even idle
    assert PAGE in world.folders.files
    world.folders.files[PAGE] = b"old"

    clock.at += timedelta(minutes=1)
    process_once(world.app)  # nothing changed
    assert world.folders.files[PAGE] == b"old"

    _send(world, "P-1")
    process_once(world.app)  # a budget was sent
    assert b"P-1" in world.folders.files[PAGE]

    world.folders.files[PAGE] = b"old"
    clock.at += timedelta(minutes=4, seconds=59)
    process_once(world.app)
    assert world.folders.files[PAGE] == b"old"
    clock.at += timedelta(minutes=1)  # refresh_minutes (5) since the last write
    process_once(world.app)
    assert world.folders.files[PAGE] != b"old"
    assert world.app.store.last_pass() == clock.at


def test_no_page_is_written_when_it_is_turned_off() -> None:
    world, _ = _world()
    world.app = dataclasses.replace(
        world.app, settings=dataclasses.replace(world.app.settings, status_page=None)
    )
    _send(world, "P-1")
    process_once(world.app)
    assert not [path for path in world.folders.files if path.suffix == ".html"]
    assert world.app.store.last_pass() == NOW  # the pass is still recorded


def test_a_page_that_could_not_be_written_is_written_by_the_next_pass() -> None:
    world, clock = _world()
    process_once(world.app)
    failing = world.folders.write_text

    def full_disk(target: Path, text: str) -> None:
        raise OSError(28, "No space left on device")

    world.folders.write_text = full_disk  # type: ignore[method-assign]
    _send(world, "P-1")
    [outcome] = process_once(world.app)  # the budget goes on; the page does not
    assert outcome.kind == "sent for approval"
    world.folders.write_text = failing  # type: ignore[method-assign]
    clock.at += timedelta(seconds=1)
    process_once(world.app)  # nothing new, but the change still waits for the page
    assert b"P-1" in world.folders.files[PAGE]


class StoreWithDaemons(MemoryStore):
    """The fake store, but knowing daemons as PostgreSQL's heartbeat rows do."""

    def __init__(self, known: list[DaemonRecord]) -> None:
        super().__init__()
        self.known = known

    def daemons(self) -> list[DaemonRecord]:
        return self.known


def test_the_page_lists_each_daemon_and_marks_a_stale_one() -> None:
    world, _ = _world()
    alive = DaemonRecord(
        host="office-a",
        pid=101,
        started_at=NOW,
        heartbeat_at=NOW - timedelta(seconds=20),
        alive=True,
    )
    stale = DaemonRecord(
        host="office-b",
        pid=202,
        started_at=NOW,
        heartbeat_at=NOW - timedelta(minutes=7),
        alive=False,
    )
    world.app = dataclasses.replace(world.app, store=StoreWithDaemons([alive, stale]))

    health = {line.name: line for line in gather(world.app, PAGE).health}

    assert health["Daemon on office-a, pid 101"].alarming is False
    assert "(0 min ago)" in health["Daemon on office-a, pid 101"].value
    assert health["Daemon on office-b, pid 202"].alarming is True
    assert "7 min ago" in health["Daemon on office-b, pid 202"].value
    assert "stale" in health["Daemon on office-b, pid 202"].value
