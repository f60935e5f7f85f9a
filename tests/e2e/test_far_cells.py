"""One bounded reader: a value at the far corner of a budget sheet, however its position is
spelled, is refused as too big, naming the cell, by the daemon as a real process, with or
without isolated parsing; no backtrace reaches the log and the next file is taken."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.far_cells import SPELLINGS, far_cell_workbook
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace


@pytest.fixture(params=[True, False], ids=["isolated", "in-process"])
def daemon(
    workspace: Workspace, request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[Daemon]:
    """The daemon, its readers in parse workers or in its own process; Rust asked for its
    backtraces, as a developer's shell may."""
    fast_settings(workspace)
    workspace.configure("limits", isolate_parsing=request.param)
    running = Daemon.start(workspace, tmp_path / "daemon.log", RUST_BACKTRACE="1")
    yield running
    running.kill()


@pytest.mark.slow
def test_a_far_cell_in_every_spelling_is_refused_as_too_big_and_the_daemon_goes_on(
    daemon: Daemon, tmp_path: Path
) -> None:
    ws = daemon.ws
    names = [f"far-{n}.xlsx" for n in range(len(SPELLINGS))]
    for name, spelling in zip(names, SPELLINGS, strict=True):
        far_cell_workbook(tmp_path / name, spelling).rename(ws.root / "inbox" / name)
    make_workbook(tmp_path / "good.xlsx").rename(ws.root / "inbox" / "good.xlsx")

    notes = [ws.root / "rejected" / f"{name}.refused.txt" for name in names]
    assert wait_for(lambda: all(note.exists() for note in notes), timeout=90), daemon.output()
    assert wait_for(ws.review().exists), daemon.output()

    for note in notes:
        text = note.read_text()
        assert "too big: sheet 'Budget' has something at XFD1048576" in text, text
        assert "17,179,869,184 cells" in text and "[limits] parse_memory_mb" in text, text
    output = daemon.output()
    assert "stack backtrace" not in output and "Traceback" not in output, output
    assert daemon.process.poll() is None
    assert daemon.stop() == 0
