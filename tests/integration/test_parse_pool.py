"""The parse workers as a pool, and reading ahead, on real worker processes and workbooks:
two jobs run at once, one job at a time keeps one worker, and a result read ahead is used
only while the file still holds the bytes the worker read."""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest

from pipeline.adapters.files.file_operations import sha256_file
from pipeline.adapters.reading.parse_pool import (
    READ_AND_CHECK,
    READ_SNAPSHOT,
    ParsePool,
    ReadingAhead,
)
from pipeline.adapters.reading.parse_worker import Job
from pipeline.config import Settings, load_settings
from pipeline.errors import UnreadableWorkbook
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace


class CountingPool(ParsePool):
    """A real pool that remembers the jobs it was given, and their futures."""

    def __init__(self, size: int = 1) -> None:
        super().__init__(seconds=60, memory_mb=1024, size=size)
        self.jobs: list[Job] = []
        self.futures: list[Future[Any]] = []

    def submit(self, label: str, function: Job, *args: Any) -> Future[Any]:
        future = super().submit(label, function, *args)
        self.jobs.append(function)
        self.futures.append(future)
        return future


@pytest.fixture
def settings(workspace: Workspace) -> Settings:
    return load_settings(workspace.root)


def test_two_workers_run_two_jobs_at_once(tmp_path: Path) -> None:
    # Reading a FIFO waits for its writer and writing it waits for its reader: with a single
    # worker the first job would wait until its time limit and fail.
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    pool = ParsePool(seconds=60, memory_mb=1024, size=2)
    reader = pool.submit("reader", Path.read_text, fifo)
    writer = pool.submit("writer", Path.write_text, fifo, "both ran")
    assert writer.result(timeout=90) == len("both ran")
    assert reader.result(timeout=90) == "both ran"


def test_one_job_at_a_time_keeps_to_one_worker() -> None:
    pool = ParsePool(seconds=60, memory_mb=1024, size=2)
    pids = {pool.run(f"job {n}", os.getpid) for n in range(4)}
    assert len(pids) == 1 and os.getpid() not in pids  # a second worker never started


def test_a_result_read_ahead_is_used_when_the_file_is_unchanged(
    tmp_path: Path, settings: Settings
) -> None:
    path = make_workbook(tmp_path / "budget.xlsx", project="P-1001")
    pool = CountingPool()
    ahead = ReadingAhead(pool, settings)

    ahead.read_ahead([path])
    result = ahead.read(path, sha256_file(path))

    assert result.project_number == "P-1001" and result.document is not None
    assert pool.jobs == [READ_SNAPSHOT]  # read once, ahead


def test_a_file_changed_after_it_was_read_ahead_is_read_again(
    tmp_path: Path, settings: Settings
) -> None:
    path = make_workbook(tmp_path / "budget.xlsx", project="P-1001")
    pool = CountingPool()
    ahead = ReadingAhead(pool, settings)
    ahead.read_ahead([path])
    pool.futures[0].result(timeout=90)  # read ahead, then the writer saves again

    make_workbook(path, project="P-2002")
    result = ahead.read(path, sha256_file(path))

    assert result.project_number == "P-2002"
    assert pool.jobs == [READ_SNAPSHOT, READ_AND_CHECK]


def test_an_unreadable_file_read_ahead_gives_its_error_without_a_second_read(
    tmp_path: Path, settings: Settings
) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"not a workbook")
    pool = CountingPool()
    ahead = ReadingAhead(pool, settings)

    ahead.read_ahead([path])
    with pytest.raises(UnreadableWorkbook, match=r"broken\.xlsx: not an \.xlsx workbook"):
        ahead.read(path, sha256_file(path))
    assert pool.jobs == [READ_SNAPSHOT]


def test_what_is_no_longer_listed_is_dropped(tmp_path: Path, settings: Settings) -> None:
    first = make_workbook(tmp_path / "first.xlsx", project="P-1001")
    second = make_workbook(tmp_path / "second.xlsx", project="P-2002")
    pool = CountingPool()
    ahead = ReadingAhead(pool, settings)

    ahead.read_ahead([first, second])
    ahead.read_ahead([second])  # the first was taken elsewhere: its result is let go
    assert ahead.read(first, sha256_file(first)).project_number == "P-1001"
    assert ahead.read(second, sha256_file(second)).project_number == "P-2002"

    assert pool.jobs == [READ_SNAPSHOT, READ_SNAPSHOT, READ_AND_CHECK]


def test_a_result_read_ahead_is_not_used_for_other_bytes_of_the_same_name(
    tmp_path: Path, settings: Settings
) -> None:
    # What the daemon took (its own copy, hashed from one descriptor) decides: a result read
    # ahead from other bytes under the claimed name is never used for it.
    claimed = make_workbook(tmp_path / "budget.xlsx", project="P-1001")
    (tmp_path / "copy").mkdir()
    taken = make_workbook(tmp_path / "copy" / "budget.xlsx", project="P-2002")
    pool = CountingPool()
    ahead = ReadingAhead(pool, settings)
    ahead.read_ahead([claimed])

    result = ahead.read(taken, sha256_file(taken))

    assert result.project_number == "P-2002"
    assert pool.jobs == [READ_SNAPSHOT, READ_AND_CHECK]


def test_a_pool_closed_while_its_first_worker_starts_leaves_no_worker_running() -> None:
    before = set(multiprocessing.active_children())  # other tests' pools
    pool = ParsePool(seconds=60, memory_mb=1024, size=1)
    pool.start_soon()  # the launch takes a second or so: the fork server imports pandas
    pool.close()
    assert wait_for(lambda: not any(t.name == "parse-worker-start" for t in threading.enumerate()))
    # closed means closed: the launch under way was let finish, then its worker stopped
    assert set(multiprocessing.active_children()) - before == set()
