"""One pass over the workspace: take settled inbox files, apply saved decisions, finish exports.

``budget-erp process`` runs one pass; the daemon runs the same pass on every file event.
On SQLite a pass holds the workspace's file lock; with the state on PostgreSQL, passes of
several daemons run side by side, each item under a lock of its own (``services/sharing.py``):
a project that another daemon is working on is left to it for this pass.
"""

from __future__ import annotations

import functools
from pathlib import Path

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.names import is_review_file
from pipeline.services.containment import trapped
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.current_budget import check_current
from pipeline.services.daily_summary import queue_daily_mail
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file, results_folder
from pipeline.services.escalation_mail import queue_escalations
from pipeline.services.export import export_accepted
from pipeline.services.inbox import inbox_pass
from pipeline.services.intake import take_inbox_file
from pipeline.services.level_reviews import issue_due_level_review, level_review_due
from pipeline.services.mail_delivery import deliver_due
from pipeline.services.review_issues import restore_missing_review, review_missing_from
from pipeline.services.sharing import MAIL, PASSES, RESULTS, UPKEEP, project_item
from pipeline.services.status_page import after_pass


def process_once(
    app: Services, settle_seconds: float | None = None, respect_backoff: bool = False
) -> list[Outcome]:
    """Process everything that is ready now; one bad file never stops the others.

    ``respect_backoff`` (the daemon): after a disk or permission fault, wait out the backoff
    instead of failing again on every event.
    """
    if respect_backoff and app.memory.backoff.blocked(app.clock.monotonic()):
        return []
    _sweep_temporaries(app)  # needs no lock: it removes only what dead writers left
    # SQLite: a `process` beside a running daemon waits its turn. PostgreSQL: passes run side
    # by side (each item under its own lock) but never beside a `prune`.
    with app.folders.pass_lock(), app.store.hold(PASSES, wait=True, shared=True):
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
    now = app.clock.file_time()
    outcomes: list[Outcome] = []
    outcomes.extend(inbox_pass(app, functools.partial(_take, app), settle, now))
    mark = app.store.decisions_mark()  # before anything below reads the state
    app.memory.reviews.since(mark)
    for path in _settled(app, app.settings.approval, settle, now):
        if is_review_file(path.name):
            outcomes.extend(trapped(app, path, lambda p: _decide(app, p, now)))
    with app.store.hold(RESULTS, wait=False) as ours:  # else another daemon is on them
        for path in _settled(app, results_folder(app), settle, now) if ours else []:
            if path.suffix.lower() == ".json":
                outcomes.extend(trapped(app, path, lambda p: apply_result_file(app, p)))
    with app.store.hold(UPKEEP, wait=False) as ours:  # else another daemon's pass does it
        with app.store.snapshot():  # what follows looks at every budget: one query per table
            due = _upkeep_due(app, mark) if ours else []
            check_current(app)  # once per process: mends what a crash left in current/
            mailed = _send_mail(app)
        # Rare (after a crash or a failure): done on the state as it is, not the snapshot's.
        for budget in due:
            folder = app.settings.outbox if budget.to_export else app.settings.approval
            outcomes.extend(trapped(app, folder, functools.partial(_upkeep, app, budget)))
        if due:
            mailed = _send_mail(app) or mailed  # what the upkeep queued goes out now
    if not any(o.environment for o in outcomes):
        app.memory.backoff.succeeded()
        app.memory.faults.clear()
    return outcomes, mailed


def _upkeep_due(app: Services, mark: tuple[int, int]) -> list[ProjectBudget]:
    """The budgets with an export a crash or a failure left unfinished, a review workbook
    gone from approval/ (listed once), or a level's review not issued yet: none, without
    looking, while the state's mark and approval/'s names are those of a look that found
    none (``UpkeepMemory``)."""
    listed = app.folders.regular_files(app.settings.approval)
    if app.memory.upkeep.clean == (mark, listed):
        return []
    due = [
        budget
        for budget in app.store.budgets()
        if budget.to_export
        or review_missing_from(app, budget, listed)
        or level_review_due(app, budget)
    ]
    app.memory.upkeep.clean = None if due else (mark, listed)
    return due


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
    memory = app.memory.reviews
    signature = app.folders.signature(review)
    if memory.unchanged(review.name, signature):
        return None
    if _still_being_saved(app, review, now):
        return None
    submission = app.store.submission_for_review(review.name)
    if submission is None:
        return None  # not one of ours; leave it for a person to look at
    with app.store.hold(project_item(submission.project_number), wait=False) as ours:
        if not ours or not app.folders.exists(review):
            return None  # another daemon is on that budget, or has applied this save
        outcome = apply_review_file(app, review)
    if outcome is None and signature is not None:
        memory.idle[review.name] = signature
    return outcome


def _send_mail(app: Services) -> bool:
    """Queue the daily mail and escalations when due, then deliver the outbox (one daemon at
    a time: another's pass does it if it holds the task); mail trouble stops nothing.
    Whether any message was queued, sent or given up on."""
    try:
        with app.store.hold(MAIL, wait=False) as ours:
            if not ours:
                return False
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
    ) or [Outcome(kind=OutcomeKind.FAILED, file=path, project_number="", message="no outcome")]
    return outcome


def _still_being_saved(app: Services, review: Path, now: float) -> bool:
    """An approver still has the workbook open in Excel or LibreOffice (a later save may
    follow), or it is half written (not yet a whole zip: a save written in place, paused
    past the settle time): it waits, at most ``incomplete_seconds``, so a save is never
    read half written and answered with the review put back over it."""
    modified = app.folders.modified(review)
    if modified is not None and now - modified >= app.settings.incomplete_seconds:
        return False
    return app.folders.is_open(review) or not app.inbox.is_complete_zip(review)


def _upkeep(app: Services, listed: ProjectBudget, _folder: Path) -> Outcome | None:
    """Finish an export, or put back or issue the review the version waits on: under the
    project's lock, on the budget as it is now, not as the pass's snapshot saw it (another
    daemon may have worked on it since); a project another daemon is on is left to it."""
    with app.store.hold(project_item(listed.project_number), wait=False) as ours:
        budget = app.store.get_budget(listed.project_number) if ours else None
        if budget is None:
            return None
        if budget.to_export:  # accepted before a crash, or its export failed
            return _finish_export(app, budget.project_number)
        issue_due_level_review(app, budget)  # a crash came between a level's Accept and this
        restore_missing_review(app, budget)
        return None


def _finish_export(app: Services, project_number: str) -> Outcome:
    record = export_accepted(app, project_number)
    return Outcome(
        kind=OutcomeKind.EXPORTED,
        file=app.settings.outbox / record.file_name,
        project_number=project_number,
        message="export finished on a later pass",
    )
