"""A review workbook saved in place (written into the file itself, as a copy over a network
share or a script does) and caught half written by a pass, its writer paused past the settle
time: the pass waits for the rest instead of reading it, and never puts the issued review back
over a save still being written (the writer would go on writing into a file no longer there,
and the approver's decision would be lost)."""

from __future__ import annotations

import os
import time
from pathlib import Path

from tests.support.state import state_sql
from tests.support.workspace import Workspace, age


def _dated(path: Path, seconds_ago: float) -> None:
    past = time.time() - seconds_ago
    os.utime(path, (past, past))


def test_a_review_caught_half_written_waits_for_the_rest_of_its_save(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.decide(decision="Accept")
    whole = review.read_bytes()
    half = whole[: len(whole) // 2]
    review.write_bytes(half)
    _dated(review, 10)  # settled (2 s), and well within the 120 s a save may take

    waiting = workspace.run("process")

    assert waiting.exit_code == 0, waiting.output
    assert review.read_bytes() == half  # neither read nor put back under the writer
    assert state_sql(workspace.root, "SELECT status FROM budgets") == [("awaiting_approval",)]
    review.write_bytes(whole)  # the writer goes on, and finishes
    age(review)
    applied = workspace.run("process")
    assert applied.exit_code == 0, applied.output
    assert "ERP file outbox/" in applied.output


def test_a_half_written_review_left_so_past_the_incomplete_time_is_answered(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.decide(decision="Accept")
    broken = review.read_bytes()[:100]
    review.write_bytes(broken)
    _dated(review, 600)  # nobody is writing it any more: it is read, and refused as it is

    result = workspace.run("process")

    assert "not an .xlsx workbook" in result.output, result.output
    assert state_sql(workspace.root, "SELECT status FROM budgets") == [("awaiting_approval",)]
    kept = [p.read_bytes() for p in (workspace.root / "archive").rglob("*") if p.is_file()]
    assert broken in kept  # nothing lost: the bytes saved are kept aside
    assert review.read_bytes() != broken  # the issued review is back for the approver
