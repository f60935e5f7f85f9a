"""When a file counts as last modified: its own time when that is in the past, our watching
when it is in the future or the file was seen to change (``settling.Observations``)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from pipeline.adapters.files.file_operations import settled_files
from pipeline.adapters.files.settling import Observations, future_dated

YEAR = 365 * 24 * 3600.0


class Clock:
    """A monotonic clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _file(folder: Path, name: str, shift: float) -> Path:
    path = folder / name
    path.write_bytes(b"budget")
    moment = time.time() + shift
    os.utime(path, (moment, moment))
    return path


def test_a_file_dated_a_year_ahead_settles_after_settle_seconds_of_watching(
    tmp_path: Path,
) -> None:
    clock = Clock()
    observations = Observations(clock)
    path = _file(tmp_path, "ahead.xlsx", YEAR)
    now = time.time()
    assert future_dated([tmp_path], now)

    assert settled_files(tmp_path, 2.0, now, observations.modified) == []
    clock.now += 1.9
    assert settled_files(tmp_path, 2.0, now + 1.9, observations.modified) == []
    clock.now += 0.2
    assert settled_files(tmp_path, 2.0, now + 2.1, observations.modified) == [path]


def test_an_old_file_is_settled_at_first_sight(tmp_path: Path) -> None:
    path = _file(tmp_path, "old.xlsx", -120)
    now = time.time()
    assert not future_dated([tmp_path], now)
    assert settled_files(tmp_path, 2.0, now, Observations(Clock()).modified) == [path]


def test_a_file_seen_to_change_waits_whatever_its_time_says(tmp_path: Path) -> None:
    clock = Clock()
    observations = Observations(clock)
    path = _file(tmp_path, "copying.xlsx", -YEAR)
    now = time.time()
    assert settled_files(tmp_path, 2.0, now, observations.modified) == [path]

    with path.open("ab") as handle:  # a copy that keeps the old time goes on writing
        handle.write(b" more")
    os.utime(path, (now - YEAR, now - YEAR))
    clock.now += 1.0
    assert settled_files(tmp_path, 2.0, now + 1.0, observations.modified) == []
    clock.now += 2.0
    assert settled_files(tmp_path, 2.0, now + 3.0, observations.modified) == [path]


def test_a_clock_stepped_back_after_first_sight_does_not_hold_a_file(tmp_path: Path) -> None:
    clock = Clock()
    observations = Observations(clock)
    path = _file(tmp_path, "ahead.xlsx", 60)
    now = time.time()
    assert settled_files(tmp_path, 2.0, now, observations.modified) == []
    clock.now += 3.0  # the wall clock went back an hour meanwhile; the monotonic one did not
    assert settled_files(tmp_path, 2.0, now - 3600, observations.modified) == [path]


def test_thousands_of_files_are_watched_without_a_look_at_every_path_for_each(
    tmp_path: Path,
) -> None:
    clock = Clock()
    observations = Observations(clock)
    looks: list[int] = []
    forget = observations._forget

    def counted(moment: float) -> None:
        looks.append(len(observations._seen))
        forget(moment)

    observations._forget = counted  # type: ignore[method-assign]
    stat = _file(tmp_path, "one.xlsx", -60).lstat()
    for n in range(5000):
        observations.modified(tmp_path / f"P-{n}_v1_review.xlsx", stat, time.time())
    assert sum(looks) < 4 * 5000  # paths looked at in all: not 5000 for each new one

    clock.now += 3601  # none seen for an hour: gone, forgotten at the next look
    for n in range(5000, 15_000):
        observations.modified(tmp_path / f"P-{n}_v1_review.xlsx", stat, time.time())
    assert len(observations._seen) < 15_000
