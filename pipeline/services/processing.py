"""One pass over the workspace: take settled inbox files, apply saved decisions, finish exports.

``budget-erp process`` runs one pass; the daemon runs the same pass on every file event.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable
from pathlib import Path

from pipeline.adapters.folders import hand_back, settled_files
from pipeline.domain.lifecycle import Status
from pipeline.errors import ConfigError
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file, results_folder
from pipeline.services.export import export_accepted
from pipeline.services.inbox import inbox_pass
from pipeline.services.intake import take_inbox_file
from pipeline.services.mail_delivery import deliver_due
from pipeline.services.summary import queue_daily_mail


def process_once(app: Services, settle_seconds: float | None = None) -> list[Outcome]:
    """Process everything that is ready now; one bad file never stops the others."""
    settle = app.settings.settle_seconds if settle_seconds is None else settle_seconds
    now = time.time()
    outcomes: list[Outcome] = []
    outcomes.extend(inbox_pass(app, functools.partial(_take, app), settle, now))
    for path in settled_files(app.settings.approval, settle, now):
        if path.name.endswith("_review.xlsx"):
            outcomes.extend(_trapped(app, path, lambda p: apply_review_file(app, p)))
    for path in settled_files(results_folder(app), settle, now):
        if path.suffix.lower() == ".json":
            outcomes.extend(_trapped(app, path, lambda p: apply_result_file(app, p)))
    for budget in app.store.budgets():
        if budget.status is Status.ACCEPTED:  # accepted before a crash, or its export failed
            finish = functools.partial(_finish_export, app, budget.project_number)
            outcomes.extend(_trapped(app, app.settings.outbox, finish))
    _send_mail(app)
    return outcomes


def _send_mail(app: Services) -> None:
    """Queue the daily mail when due, then deliver the outbox; mail trouble stops nothing."""
    try:
        queue_daily_mail(app)
        deliver_due(app)
    except Exception:
        logger.exception("mail round failed; the outbox keeps everything for the next pass")


def _take(app: Services, path: Path, recovering: bool) -> Outcome:
    [outcome] = _trapped(
        app, path, lambda p: take_inbox_file(app, p, recovering), hand_back_on=True
    ) or [Outcome(OutcomeKind.FAILED, path, "", "no outcome")]
    return outcome


def _finish_export(app: Services, project_number: str, _outbox: Path) -> Outcome:
    record = export_accepted(app, project_number)
    return Outcome(
        OutcomeKind.EXPORTED,
        app.settings.outbox / record.file_name,
        project_number,
        "export finished on a later pass",
    )


def _trapped(
    app: Services, path: Path, step: Callable[[Path], Outcome | None], hand_back_on: bool = False
) -> list[Outcome]:
    try:
        outcome = step(path)
    except ConfigError as exc:  # the rules are broken, not the file: leave it where it is
        logger.error("%s: left in place until the configuration is fixed: %s", path.name, exc)
        return [Outcome(OutcomeKind.FAILED, path, "", f"configuration error: {exc}")]
    except Exception as exc:  # one file's failure must not stop the daemon
        logger.exception("%s: failed", path.name)
        if hand_back_on and path.exists():
            hand_back(
                path,
                app.settings.rejected,
                f"budget-erp could not process {path.name}: {exc}\n"
                "The file was archived; tell the budget-erp administrator.\n",
            )
        return [Outcome(OutcomeKind.FAILED, path, "", str(exc))]
    return [outcome] if outcome else []
