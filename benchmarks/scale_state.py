"""A workspace holding many budgets, built fast for ``benchmarks.scale``: one budget goes
through the real pipeline (its review workbook, submission, route and review issue are
real), then thousands more are written straight through the store in one transaction, with
their files where a pass looks for them: each waiting version's review workbook in
approval/, each rejected one handed back in rejected/, each exported one's budget in force
in current/ (marked with its own version, so the pass finds nothing to mend).

Four budgets in ten await approval, three are rejected and three exported, each sent within
the last two days (none is overdue or escalated: the pass only looks).
"""

from __future__ import annotations

import os
import shutil
import uuid
import zipfile
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

from benchmarks.generate import make_budget
from benchmarks.processes import new_workspace
from pipeline.domain.lifecycle import ProjectBudget, Submission
from pipeline.domain.names import current_file, export_file, rejected_file, review_file
from pipeline.domain.review import Rejection
from pipeline.services.context import Services
from pipeline.services.records import ExportRecord

SEED = "P-SEED"
# Worst case for an idle pass: the daily summary is due all day (it is queued at the first
# pass, then looked for again on every pass), and escalation is on.
SETTINGS = {
    'summary_time = "08:00"': 'summary_time = "00:00"',
    "escalate_after_days = 0 ": "escalate_after_days = 5 ",
}


def scaled_workspace(root: Path, count: int) -> Path:
    """A workspace with ``count`` budgets besides the seed, made by ``budget-erp init``."""
    from pipeline.bootstrap import bootstrap
    from pipeline.config import load_settings
    from pipeline.services.processing import process_once

    new_workspace(root, **SETTINGS)
    app = bootstrap(load_settings(root))
    try:
        seed = make_budget(root / "inbox" / "seed.xlsx", 5, project=SEED)
        os.utime(seed, (0, 0))
        [outcome] = process_once(app, settle_seconds=0)
        if outcome.project_number != SEED:
            raise RuntimeError(f"the seed budget was not sent: {outcome}")
        _clone(app, root, count)
    finally:
        app.close()
    return root


def _clone(app: Services, root: Path, count: int) -> None:
    store = app.store
    submission = store.submission(SEED, 1)
    issue = store.current_review_issue(SEED, 1)
    route = store.route(SEED, 1)
    inputs = store.review_inputs(SEED, 1)
    if submission is None or issue is None or route is None or inputs is None:
        raise RuntimeError("the seed budget's state is incomplete")
    lines = store.lines(SEED, 1)
    review_bytes = (root / "approval" / issue.review_file).read_bytes()
    current_seed = _current_seed(app, root, submission)
    now = app.clock.now()
    with store.transaction():
        for index in range(count):
            project = f"P-{index:05d}"
            at = now - timedelta(hours=1 + index % 47)
            kind = index % 10
            budget = ProjectBudget(project_number=project)
            budget.send(sender="Ada Admin", at=at, file_sha256=submission.file_sha256)
            if 4 <= kind < 7:
                budget.reject(approver="Carl Accountant", at=at, detail="too high")
            elif kind >= 7:
                budget.accept(approver="Carl Accountant", at=at)
                budget.mark_exported(at=at, detail="exported", file_sha256=submission.file_sha256)
            store.save_budget(budget)
            review = review_file(project, 1)
            store.add_submission(
                replace(submission, project_number=project, review_file=review, at=at), lines
            )
            store.add_route(project, 1, route, inputs)
            store.add_review_issue(
                replace(issue, token=uuid.uuid4().hex, project_number=project, review_file=review)
            )
            if kind < 4:
                (root / "approval" / review).write_bytes(review_bytes)
            elif kind < 7:
                store.add_rejection(
                    project,
                    Rejection(
                        version=1,
                        approver="Carl Accountant",
                        at=at,
                        reasons=("too high",),
                        flags=(),
                    ),
                )
                (root / "rejected" / rejected_file(project, 1)).write_bytes(review_bytes)
            else:
                store.add_export(
                    ExportRecord(
                        project_number=project,
                        version=1,
                        file_name=export_file(project, 1, 1, False, "csv"),
                        sha256=submission.file_sha256,
                        line_count=submission.line_count,
                        total=submission.total,
                        at=at,
                    )
                )
                _marked_copy(current_seed, root / "current" / current_file(project), project)


def _current_seed(app: Services, root: Path, submission: Submission) -> Path:
    """A budget-in-force workbook of the seed, written by the real writer (then copied with
    each exported budget's mark)."""
    from pipeline.services.versions import stored_document

    seed = root / "state" / "current-seed.xlsx"
    app.workbooks.write_current(stored_document(app, submission), 1, seed)
    return seed


def _marked_copy(seed: Path, target: Path, project: str) -> None:
    """``seed`` with its version mark saying version 1 of ``project``."""
    old, new = f"{SEED} v1".encode(), f"{project} v1".encode()
    with zipfile.ZipFile(seed) as source, zipfile.ZipFile(target, "w") as copy:
        for item in source.infolist():
            data = source.read(item)
            copy.writestr(
                item, data.replace(old, new) if item.filename.startswith("docProps") else data
            )


def remove(root: Path) -> None:
    """Remove a scaled workspace."""
    shutil.rmtree(root, ignore_errors=True)
