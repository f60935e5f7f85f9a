"""Use case: keep ``current/<project>_current.xlsx``, the budget in force in the ERP, as a live
workbook in our input layout, for the admin to start the next change from.

Which version, as the status page counts it (``erp_standing``): without results in use, the
newest one exported and not refused, written as soon as its ERP file is; with them
(``[export] results`` true, or "auto" once any result file has been applied in the
workspace), the newest one the ERP confirmed, written when its success result is applied.
A workbook written before the results came into use stays until the ERP confirms a file of
the budget, or goes back to the version before if the ERP refuses its own (none: it goes to
the archive).

The workbook carries the mark of its version, and is rewritten only when the version in
force is another (or the workbook is missing, or not one of ours); the one it replaces is
kept in the archive first, with any change made in it. Each process checks every budget's
workbook at its first pass, so a crash between an export's commit and this write is mended
there, and so is a write that failed since.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.domain.exports import ExportResult
from pipeline.domain.names import current_file
from pipeline.domain.version_mark import VersionMark, parse_mark
from pipeline.services.context import Services, logger
from pipeline.services.erp_standing import export_in_force, results_in_use
from pipeline.services.records import ExportRecord
from pipeline.services.sharing import project_item
from pipeline.services.versions import stored_document


def held_in_force(
    exports: Sequence[ExportRecord], results: bool, held: int | None = None
) -> ExportRecord | None:
    """The export whose version ``current/`` is to hold, of a budget's ``exports`` (oldest
    first); ``results``: whether results are in use; ``held``: the version the workbook there
    holds (None: none of ours)."""
    if not results:
        return export_in_force(exports)
    # A copy written --again that the ERP took confirms its version too.
    confirmed = [r for r in exports if r.result is ExportResult.SUCCESS]
    if confirmed:
        return max(confirmed, key=lambda r: (r.version, r.seq))
    if held is None:
        return None  # nothing moves in before the ERP confirms it
    # Written before the results came into use: kept, or the version before it when the ERP
    # refused its file, but never moved on to a version sent since and not confirmed.
    return export_in_force([r for r in exports if r.version <= held])


def results_now(app: Services) -> bool:
    """Whether the ERP's answers are in use in the workspace now (as the status page says)."""
    store = app.store
    every = (r for budget in store.budgets() for r in store.exports(budget.project_number))
    return results_in_use(app, every)  # stops at the first answer found, or at the setting


def current_path(app: Services, project_number: str) -> Path:
    """Where the budget in force of a project is."""
    return app.settings.current / current_file(project_number)


def refresh_current(app: Services, project_number: str, results: bool | None = None) -> str:
    """Make ``current/`` hold the project's version in force; what was done, for the log
    ("" when it held it already). ``results``: whether results are in use (None: look)."""
    path = current_path(app, project_number)
    there = app.folders.exists(path)
    held = parse_mark(app.workbooks.read_mark(path)) if there else None
    if held is not None and held.project_number != project_number:
        held = None  # not ours: replaced when a version is in force, else left alone
    in_use = results_now(app) if results is None else results
    record = held_in_force(
        app.store.exports(project_number), in_use, held.version if held else None
    )
    if record is None:
        if held is None:
            return ""  # nothing of ours to take back
        app.folders.retire(path)  # its version was refused: nothing of it is in force
        return f"current/{path.name} (version {held.version}) archived: no version is in force"
    wanted = VersionMark(project_number, record.version)
    if held == wanted:
        return ""
    submission = app.store.submission(project_number, record.version)
    assert submission is not None, "an exported version is recorded"
    document = stored_document(app, submission)
    if there:  # kept first: the copy it replaces may hold what someone typed into it
        app.folders.archive(path)
    app.folders.write(
        path, lambda temp: app.workbooks.write_current(document, record.version, temp)
    )
    return f"current/{path.name} holds version {record.version}, in force in the ERP"


def keep_current(app: Services, project_number: str, results: bool | None = None) -> None:
    """``refresh_current`` after an export or an ERP answer is committed: it never undoes or
    fails what changed the version in force; if it fails, the next pass tries again."""
    try:
        done = refresh_current(app, project_number, results)
    except Exception as exc:
        app.memory.current.checked = False
        logger.error("%s: could not write its budget in force to current/: %s", project_number, exc)
        logger.debug("current/ traceback", exc_info=exc)
        return
    if done:
        logger.info("%s: %s", project_number, done)


def check_current(app: Services) -> None:
    """At the first pass of a process (and after a write failed), every budget's workbook in
    ``current/`` made to hold its version in force: one bad budget fails only itself."""
    if app.memory.current.checked:
        return
    results = results_now(app)  # once for every budget
    app.memory.current.checked = True
    for budget in app.store.budgets():
        with app.store.hold(project_item(budget.project_number), wait=False) as ours:
            if ours:
                keep_current(app, budget.project_number, results)
            else:  # another daemon is changing it: look again at the next pass
                app.memory.current.checked = False
