"""Use case: a file the ERP refused leaves the outbox, where an automatic importer could take
it again. It goes to ``outbox/failed/`` with its manifest and done-marker, and the ERP's
message (as stored: cut at 2,000 characters) beside it, saying when and from which result."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.domain.local_time import local_time
from pipeline.domain.names import PROCESSED, RESULTS
from pipeline.services.context import Services, logger
from pipeline.services.records import ExportRecord


def set_aside_refused(
    app: Services, record: ExportRecord, message: str, result_file: str, at: datetime
) -> str:
    """Move the refused file and its companions out of the outbox; what moved where, for the
    history ("" when nothing of it was left there: moved already, or taken and tidied)."""
    moved = app.erp_outbox.set_aside(record.file_name, _note(app, record, message, result_file, at))
    if not moved:
        return ""
    note, *files = (_shown(app, path) for path in moved)
    logger.warning("%s: refused by the ERP; moved to %s", record.file_name, files[0])
    outbox = _shown(app, app.settings.outbox)
    return f"moved out of {outbox}/ to {', '.join(files)}; the ERP's message in {note}"


def _note(app: Services, record: ExportRecord, message: str, result_file: str, at: datetime) -> str:
    return (
        f"The ERP refused {record.file_name} (project {record.project_number}, "
        f"version {record.version}).\n"
        f"Answer applied {local_time(at, app.settings.time_zone)} from the result file "
        f"{result_file} "
        f"(kept in {_shown(app, app.settings.outbox / RESULTS / PROCESSED)}/).\n"
        "Moved here so that no importer takes it again.\n"
        "\n"
        f"The ERP's message:\n{message}\n"
    )


def _shown(app: Services, path: Path) -> str:
    """A path as people find it: relative to the workspace."""
    return path.relative_to(app.settings.root).as_posix()
