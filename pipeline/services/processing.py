"""One pass over the workspace: take settled inbox files, apply saved decisions, finish exports.

``budget-erp process`` runs one pass; the daemon runs the same pass on every file event.
"""

from __future__ import annotations

import functools
import time
from pathlib import Path

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.names import is_review_file
from pipeline.services.containment import trapped
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.current_budget import check_current
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file, results_folder
from pipeline.services.escalation_mail import queue_escalations
from pipeline.services.export import export_accepted
from pipeline.services.inbox import inbox_pass
from pipeline.services.intake import take_inbox_file
from pipeline.services.level_reviews import issue_due_level_review
from pipeline.services.mail_delivery import deliver_due
from pipeline.services.review_issues import restore_missing_review
from pipeline.services.status_page import after_pass
from pipeline.services.summary import queue_daily_mail


def process_once(
    app: Services, settle_seconds: float | None = None, respect_backoff: bool = False
) -> list[Outcome]:
    """Process everything that is ready now; one bad file never stops the others.

    ``respect_backoff`` (the daemon): after a disk or permission fault, wait out the backoff
    instead of failing again on every event.
    """
    if respect_backoff and app.backoff.blocked(time.monotonic()):
        return []
    _sweep_temporaries(app)  # needs no lock: it removes only what dead writers left
    with app.folders.pass_lock():  # a `process` beside a running daemon waits its turn
        outcomes, mailed = _pass(app, settle_seconds)
        after_pass(app, changed=bool(outcomes) or mailed)
        return outcomes


def _sweep_temporaries(app: Services) -> None:
    """Crash recovery for files: clear the temporary files of writes that were cut short."""
    try:
        removed = app.sweep_temporaries()
    except Exception as exc:  # a folder we cannot list stops nothing; the next pass tries
        logger.error("could not clear the temporary files of interrupted writes: %s", exc)
        logger.debug("temporary sweep traceback", exc_info=exc)
        return
    if removed:
        logger.warning(
            "removed %d temporary file(s) of interrupted writes: %s",
            len(removed),
            ", ".join(str(path.relative_to(app.settings.root)) for path in removed),
        )


def _pass(app: Services, settle_seconds: float | None) -> tuple[list[Outcome], bool]:
    """The pass's outcomes, and whether the mail outbox changed."""
    settle = app.settings.settle_seconds if settle_seconds is None else settle_seconds
    now = time.time()
    outcomes: list[Outcome] = []
    outcomes.extend(inbox_pass(app, functools.partial(_take, app), settle, now))
    app.review_memory.since(app.store.decisions_mark())
    for path in _settled(app, app.settings.approval, settle, now):
        if is_review_file(path.name):
            outcomes.extend(trapped(app, path, lambda p: _decide(app, p, now)))
    for path in _settled(app, results_folder(app), settle, now):
        if path.suffix.lower() == ".json":
            outcomes.extend(trapped(app, path, lambda p: apply_result_file(app, p)))
    with app.store.snapshot():  # what follows looks at every budget: one query per table
        outcomes.extend(_every_budget(app))
        check_current(app)  # once per process: mends what a crash left in current/
        mailed = _send_mail(app)
    if not any(o.environment for o in outcomes):
        app.backoff.succeeded()
        app.faults.clear()
    return outcomes, mailed


def _every_budget(app: Services) -> list[Outcome]:
    """Finish the exports a crash or a failure left, and put back the review workbooks
    that went missing (the approval folder listed once)."""
    outcomes: list[Outcome] = []
    listed = app.folders.regular_files(app.settings.approval)
    for budget in app.store.budgets():
        if budget.to_export:  # accepted before a crash, or its export failed
            finish = functools.partial(_finish_export, app, budget.project_number)
            outcomes.extend(trapped(app, app.settings.outbox, finish))
        elif budget.with_approver:
            restore = functools.partial(_restore_review, app, budget, listed)
            outcomes.extend(trapped(app, app.settings.approval, restore))
    return outcomes


def _settled(app: Services, folder: Path, settle: float, now: float) -> list[Path]:
    """The settled files of a folder; a folder that cannot be listed now holds up nothing."""
    try:
        return app.folders.settled(folder, settle, now)
    except OSError as exc:
        logger.error("%s cannot be listed: %s", folder, exc)
        return []


def _decide(app: Services, review: Path, now: float) -> Outcome | None:
    """Apply a saved decision; a workbook read to no effect before, unchanged since and
    with no decision made meanwhile, is not read again."""
    memory = app.review_memory
    signature = app.folders.signature(review)
    if memory.unchanged(review.name, signature):
        return None
    if _still_open(app, review, now):
        return None
    outcome = apply_review_file(app, review)
    if outcome is None and signature is not None:
        memory.idle[review.name] = signature
    return outcome


def _send_mail(app: Services) -> bool:
    """Queue the daily mail and escalations when due, then deliver the outbox; mail trouble
    stops nothing. Whether any message was queued, sent or given up on."""
    try:
        queued = queue_daily_mail(app) + queue_escalations(app)
        report = deliver_due(app)
    except Exception as exc:  # each message is contained already; this is the database
        logger.error("mail round failed (%s); the outbox keeps everything for the next pass", exc)
        logger.debug("mail round traceback", exc_info=exc)
        return False
    return bool(queued or report.sent or report.failed)


def _take(app: Services, path: Path, recovering: bool) -> Outcome:
    [outcome] = trapped(
        app, path, lambda p: take_inbox_file(app, p, recovering), hand_back_on=True
    ) or [Outcome(OutcomeKind.FAILED, path, "", "no outcome")]
    return outcome


def _still_open(app: Services, review: Path, now: float) -> bool:
    """An approver still has the workbook open in Excel or LibreOffice: a later save may
    follow, so it waits for them to close it (at most ``incomplete_seconds``)."""
    if not app.folders.is_open(review):
        return False
    modified = app.folders.modified(review)
    return modified is None or now - modified < app.settings.incomplete_seconds


def _restore_review(
    app: Services, budget: ProjectBudget, listed: frozenset[str], _approval: Path
) -> Outcome | None:
    issue_due_level_review(app, budget)  # a crash came between a level's Accept and this
    restore_missing_review(app, budget, listed)
    return None


def _finish_export(app: Services, project_number: str, _outbox: Path) -> Outcome:
    record = export_accepted(app, project_number)
    return Outcome(
        OutcomeKind.EXPORTED,
        app.settings.outbox / record.file_name,
        project_number,
        "export finished on a later pass",
    )
