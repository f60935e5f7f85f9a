"""The inbox pass reads ahead: while one claimed file is taken, the next ones (one per parse
worker) are already claimed, read and archived; at the end nothing is left read ahead."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.config import default_settings
from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from tests.support.fakes import ROOT, FakeWorld, fake_world

LINE = BudgetLine(
    row=8,
    sub_job="",
    cost_code="01-100",
    cost_type="L",
    description="General conditions",
    amount=Decimal("12000.00"),
)


def _world(workers: int, isolate: bool = True) -> tuple[FakeWorld, list[list[str]], list[str]]:
    """A fake workspace whose pass records what it read ahead, and what it took (in order)."""
    settings = dataclasses.replace(
        default_settings(ROOT), parse_workers=workers, isolate_parsing=isolate
    )
    world = fake_world(settings)
    asked: list[list[str]] = []
    taken: list[str] = []
    read = world.answers.read_budget

    def read_ahead(paths: Sequence[Path]) -> None:
        asked.append([path.name for path in paths])
        assert all(path.parent.parent == ROOT / "processing" for path in paths), paths

    def read_budget(path: Path, sha256: str = "") -> ReadResult:
        taken.append(path.name)
        return read(path)

    workbooks = dataclasses.replace(
        world.app.workbooks, read_ahead=read_ahead, read_budget=read_budget
    )
    world.app = dataclasses.replace(world.app, workbooks=workbooks)
    for number in range(5):
        name = f"b{number}.xlsx"
        document = BudgetDocument(
            project_number=f"P-{number}",
            lines=(LINE,),
            project_name="Depot",
            prepared_by="Ada Admin",
        )
        world.answers.budgets[name] = ReadResult(
            document=document,
            problems=[],
            last_modified_by="",
            project_number=f"P-{number}",
            prepared_by="Ada Admin",
        )
        world.folders.put(ROOT / "inbox" / name, name.encode())  # bytes of its own
    return world, asked, taken


@pytest.mark.parametrize("workers", [1, 2])
def test_each_file_is_taken_with_the_next_ones_read_ahead(workers: int) -> None:
    world, asked, taken = _world(workers)

    outcomes = process_once(world.app)

    assert [o.kind for o in outcomes] == ["sent for approval"] * 5
    assert taken == [f"b{n}.xlsx" for n in range(5)]  # in the inbox's order
    names = [f"b{n}.xlsx" for n in range(5)]
    expected = [names[n : n + workers + 1] for n in range(5)] + [[]]  # then: nothing ahead
    assert asked == expected


def test_parsing_in_this_process_reads_nothing_ahead() -> None:
    world, asked, taken = _world(2, isolate=False)

    process_once(world.app)

    assert taken == [f"b{n}.xlsx" for n in range(5)]
    assert asked == [[f"b{n}.xlsx"] for n in range(5)] + [[]]


def test_a_file_that_fails_does_not_stop_the_ones_read_ahead() -> None:
    world, asked, taken = _world(2)
    del world.answers.budgets["b1.xlsx"]  # reading it raises (KeyError): it fails alone

    outcomes = process_once(world.app)

    assert [str(o.kind) for o in outcomes].count("sent for approval") == 4
    assert taken == [f"b{n}.xlsx" for n in range(5)]
    assert asked[-1] == []
