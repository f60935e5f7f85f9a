"""One bad item fails only itself: every step of a pass runs in a trap that records a failure
against that item (one log line naming the file and the cause) and lets the pass go on.

A disk or permission fault is not the item's fault: the item waits and the daemon backs off.
A broken configuration leaves the item where it is. Anything else fails the item alone.
"""

from __future__ import annotations

import errno
from collections.abc import Callable
from pathlib import Path

from pipeline.domain.text import printable
from pipeline.errors import ConfigError, EnvironmentFault, WorkbookChanged
from pipeline.services.context import Outcome, OutcomeKind, Services, logger

ENVIRONMENT_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EACCES, errno.EPERM, errno.EROFS, errno.EIO}


def environment_fault(exc: BaseException) -> str:
    """ "" for an ordinary failure, else what is wrong with the disk or the permissions."""
    if isinstance(exc, OSError) and exc.errno in ENVIRONMENT_ERRNOS:
        return f"{exc.strerror or exc} ({exc.filename or 'disk'})"
    if isinstance(exc, EnvironmentFault):
        return str(exc)
    return ""


def trapped(
    app: Services, path: Path, step: Callable[[Path], Outcome | None], hand_back_on: bool = False
) -> list[Outcome]:
    """Run one step for one item; a failure becomes that item's outcome, never the pass's.

    ``hand_back_on``: an inbox file that fails for an unknown reason goes back to its owner.
    """
    try:
        outcome = step(path)
    except Exception as exc:
        return failed(app, path, exc, hand_back_on)
    return [outcome] if outcome else []


def trapped_all(app: Services, path: Path, step: Callable[[], list[Outcome]]) -> list[Outcome]:
    """``trapped``, for a step that yields several outcomes (or none)."""
    try:
        return step()
    except Exception as exc:
        return failed(app, path, exc, hand_back_on=False)


def failed(app: Services, path: Path, exc: Exception, hand_back_on: bool) -> list[Outcome]:
    """The outcome of an item whose step raised ``exc``, logged on one line."""
    name = printable(path.name)
    fault = environment_fault(exc)
    if fault:  # not the file's fault: it stays (claimed) and is retried, nothing half-written
        delay = app.memory.backoff.failed(app.clock.monotonic())
        app.memory.faults.note(fault, app.clock.now())
        logger.error("%s: %s; the file waits, retry in %.0f s", name, fault, delay)
        message = f"environment fault: {fault}; retrying in {delay:.0f} s"
        return [
            Outcome(
                kind=OutcomeKind.FAILED,
                file=path,
                project_number="",
                message=message,
                environment=True,
                held=True,
            )
        ]
    if isinstance(exc, WorkbookChanged):  # still being written: the claim is retried
        logger.warning("%s", exc)
        return [Outcome(kind=OutcomeKind.FAILED, file=path, project_number="", message=str(exc))]
    if isinstance(exc, ConfigError):  # the rules are broken, not the file: it stays
        logger.error("%s: left in place until the configuration is fixed: %s", name, exc)
        message = f"configuration error: {exc}"
        return [
            Outcome(
                kind=OutcomeKind.FAILED, file=path, project_number="", message=message, held=True
            )
        ]
    cause = f"{type(exc).__name__}: {exc}"
    logger.error("%s: failed: %s", name, cause)  # one line; the traceback only with -v
    logger.debug("%s: traceback", name, exc_info=exc)
    if hand_back_on:
        _hand_back_quietly(app, path, cause)
    return [Outcome(kind=OutcomeKind.FAILED, file=path, project_number="", message=cause)]


def _hand_back_quietly(app: Services, path: Path, cause: str) -> None:
    """Give a file that could not be processed back to its owner; if even that fails, it
    stays claimed and its claim is retried (a bounded number of times) on later passes."""
    try:
        if app.folders.exists(path):
            app.folders.hand_back(
                path,
                app.settings.rejected,
                f"budget-erp could not process {path.name}: {cause}\n"
                "The file was archived; tell the budget-erp administrator.\n",
            )
    except Exception as exc:
        logger.error("%s: could not be handed back: %s", printable(path.name), exc)
