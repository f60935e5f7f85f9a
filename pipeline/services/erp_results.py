"""Use case: read the ERP's answer about an export from ``outbox/results/``.

A result file is JSON: ``{"export": "<file name>", "status": "success" | "failure",
"message": "...", "erp_ids": {...}}``. Success marks the budget synced; failure puts it back
in front of the approver as "failed to export", with the message, and tells the sender and
the approvers.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

from pipeline.adapters.folders import (
    archive_copy,
    atomic_write,
    free_name,
    hand_back,
    sha256_file,
    written_before_commit,
)
from pipeline.domain.lifecycle import ProjectBudget, Status
from pipeline.domain.people import Role
from pipeline.domain.problems import Problem, Severity
from pipeline.services import notifications
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.decisions import stored_document
from pipeline.services.ports import ExportRecord, ReviewContent


class BadResult(ValueError):
    """The result file cannot be understood or names no export of ours."""


def results_folder(app: Services) -> Path:
    """Where the ERP side drops its answers."""
    return app.settings.outbox / "results"


def apply_result_file(app: Services, path: Path) -> Outcome:
    """Apply one result file, then file it under ``results/processed/``."""
    try:
        data = _parse(path)
        record = app.store.export_by_file(str(data["export"]))
        if record is None:
            raise BadResult(f"no export named {data['export']!r} was written")
    except BadResult as exc:
        hand_back(path, results_folder(app) / "refused", f"{path.name}: {exc}\n")
        logger.warning("%s: result refused: %s", path.name, exc)
        return Outcome(OutcomeKind.FAILED, path, "", f"result refused: {exc}")
    budget = app.store.get_budget(record.project_number)
    assert budget is not None
    newest = max(
        r.seq for r in app.store.exports(record.project_number) if r.version == record.version
    )
    # Only the newest file of the version in force moves the budget; a late answer about an
    # older file is kept, and changes nothing.
    current = (
        budget.version == record.version
        and record.seq == newest
        and budget.status in (Status.EXPORTED, Status.EXPORT_FAILED)
    )
    message, ids = str(data.get("message", "")), json.dumps(data.get("erp_ids", {}))
    if data["status"] == "success":
        _synced(app, budget, record, message, ids, current)
        outcome = Outcome(
            OutcomeKind.SYNCED,
            path,
            record.project_number,
            f"{record.file_name} imported by the ERP",
        )
    else:
        _failed(app, budget, record, message, ids, current)
        outcome = Outcome(
            OutcomeKind.EXPORT_FAILED, path, record.project_number, f"{record.file_name}: {message}"
        )
    processed = results_folder(app) / "processed"
    processed.mkdir(parents=True, exist_ok=True)
    shutil.move(path, free_name(processed, path.name))
    return outcome


def _parse(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise BadResult(f"not a JSON result file ({exc})") from exc
    if not isinstance(data, dict) or "export" not in data:
        raise BadResult('a result needs "export": the name of the exported file')
    if data.get("status") not in ("success", "failure"):
        raise BadResult('"status" must be "success" or "failure"')
    return data


def _synced(
    app: Services,
    budget: ProjectBudget,
    record: ExportRecord,
    message: str,
    ids: str,
    current: bool,
) -> None:
    waiting = budget.status is Status.EXPORT_FAILED and current
    with app.store.transaction():
        app.store.set_export_result(record.file_name, "success", message, ids)
        if current:
            budget.mark_synced(at=app.clock.now(), detail=f"{record.file_name}: imported {ids}")
            app.store.save_budget(budget)
    if waiting:  # a copy written --again got in: the approver has nothing left to decide
        submission = app.store.submission(record.project_number, record.version)
        review = app.settings.approval / submission.review_file if submission else None
        if review is not None and review.exists():
            archive_copy(review, app.settings.archive, sha256_file(review))
            review.unlink()


def _failed(
    app: Services,
    budget: ProjectBudget,
    record: ExportRecord,
    message: str,
    ids: str,
    current: bool,
) -> None:
    if not current or budget.status is Status.EXPORT_FAILED:  # known already, or superseded
        with app.store.transaction():
            app.store.set_export_result(record.file_name, "failure", message, ids)
        return
    submission = app.store.submission(record.project_number, record.version)
    assert submission is not None
    approvers = app.people().holders(Role.ACCOUNTING_APPROVER, record.project_number)
    warning = Problem(
        "export.failed",
        f"the ERP could not import {record.file_name}: {message}",
        severity=Severity.WARNING,
    )
    content = ReviewContent(
        submission, stored_document(app, submission), [p.name for p in approvers], [warning]
    )
    review = app.settings.approval / submission.review_file
    atomic_write(review, lambda temp: app.write_review(content, temp))
    mail = notifications.export_failed(app, submission.sender, approvers, record, message, review)
    with written_before_commit(review), app.store.transaction():
        notifications.enqueue_all(app, mail)
        app.store.set_export_result(record.file_name, "failure", message, ids)
        budget.mark_export_failed(at=app.clock.now(), detail=f"{record.file_name}: {message}")
        app.store.save_budget(budget)
    logger.warning(
        "%s failed to import in the ERP: %s; back with the approver", record.file_name, message
    )
