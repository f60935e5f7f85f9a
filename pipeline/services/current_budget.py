"""Use case: keep ``current/<project>_current.xlsx``, the budget in force in the ERP, as a live
workbook in our input layout, for the admin to start the next change from.

The version it holds is the newest one the ERP confirmed (a success result), once it has
confirmed one of the budget's files and ``[export] results`` is not false; else the newest
one exported and not refused. So, without results, it follows each export as soon as the
file is written; with them, it follows the ERP's confirmations, and after a refusal it is
the version before again (none: the workbook goes to the archive).

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
from pipeline.services.erp_standing import export_in_force
from pipeline.services.ports import ExportRecord
from pipeline.services.versions import stored_document


def held_in_force(exports: Sequence[ExportRecord], results: bool | None) -> ExportRecord | None:
    """The export whose version ``current/`` holds, of a budget's ``exports``; ``results``
    is ``[export] results`` (None: "auto")."""
    # A confirmed file is one the ERP answered, so results are in use unless switched off;
    # a copy written --again that the ERP took confirms its version too.
    confirmed = [r for r in exports if r.result is ExportResult.SUCCESS]
    if confirmed and results is not False:
        return max(confirmed, key=lambda r: (r.version, r.seq))
    return export_in_force(exports)


def current_path(app: Services, project_number: str) -> Path:
    """Where the budget in force of a project is."""
    return app.settings.current / current_file(project_number)


def refresh_current(app: Services, project_number: str) -> str:
    """Make ``current/`` hold the project's version in force; what was done, for the log
    ("" when it held it already)."""
    record = held_in_force(app.store.exports(project_number), app.settings.export_results)
    path = current_path(app, project_number)
    there = app.folders.exists(path)
    held = parse_mark(app.read_mark(path)) if there else None
    if record is None:
        if held is None or held.project_number != project_number:
            return ""  # nothing of ours to take back (a file not ours is left alone)
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
    app.folders.write(path, lambda temp: app.write_current(document, record.version, temp))
    return f"current/{path.name} holds version {record.version}, in force in the ERP"


def keep_current(app: Services, project_number: str) -> None:
    """``refresh_current`` after an export or an ERP answer is committed: it never undoes or
    fails what changed the version in force; if it fails, the next pass tries again."""
    try:
        done = refresh_current(app, project_number)
    except Exception as exc:
        app.current_memory.checked = False
        logger.error("%s: could not write its budget in force to current/: %s", project_number, exc)
        logger.debug("current/ traceback", exc_info=exc)
        return
    if done:
        logger.info("%s: %s", project_number, done)


def check_current(app: Services) -> None:
    """At the first pass of a process (and after a write failed), every budget's workbook in
    ``current/`` made to hold its version in force: one bad budget fails only itself."""
    if app.current_memory.checked:
        return
    app.current_memory.checked = True
    for budget in app.store.budgets():
        keep_current(app, budget.project_number)
