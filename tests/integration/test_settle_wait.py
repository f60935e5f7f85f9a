"""When the daemon wakes for a file that is settling: a file the pass left because it was not
settled yet is taken when it settles, even if it settled while the pass ran."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.adapters.files.watcher import next_settle_wait


def _file(folder: Path, name: str, mtime: float) -> Path:
    path = folder / name
    path.write_bytes(b"x")
    os.utime(path, (mtime, mtime))
    return path


def test_a_file_still_settling_is_waited_for_until_it_settles(tmp_path: Path) -> None:
    _file(tmp_path, "budget.xlsx", 1000.0)
    assert next_settle_wait([tmp_path], 2.0, now=1000.5) == 1.5


def test_a_file_that_settled_while_the_pass_ran_wakes_the_next_pass_at_once(
    tmp_path: Path,
) -> None:
    _file(tmp_path, "budget.xlsx", 1000.0)  # unsettled at 1001.0, settled by 1002.5
    assert next_settle_wait([tmp_path], 2.0, now=1002.5, since=1001.0) == 0.05


def test_a_file_settled_before_the_pass_wakes_nothing(tmp_path: Path) -> None:
    _file(tmp_path, "budget.xlsx", 1000.0)  # the pass saw it settled: taken or left for cause
    assert next_settle_wait([tmp_path], 2.0, now=1010.0, since=1005.0) is None


def test_settling_by_our_own_watching_counts_from_when_the_file_was_seen(tmp_path: Path) -> None:
    path = _file(tmp_path, "budget.xlsx", 5000.0)  # dated ahead: counts from first sight
    seen = {path: 1000.0}
    wait = next_settle_wait([tmp_path], 2.0, 1000.5, seen.get, since=1000.2)
    assert wait == 1.5
