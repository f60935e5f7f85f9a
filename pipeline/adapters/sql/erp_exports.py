"""The ERP exports in the state database: one original per accepted version, copies written
``--again`` under the next sequence number, and the ERP's answer to each; and the intent of
each, recorded before its file was renamed into view."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pipeline.adapters.sql.queries import Queries
from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.services.records import ExportIntent, ExportRecord

EXPORT_COLUMNS = (
    "project_number, version, seq, kind, profile, file_name, sha256, line_count, total, "
    "at, result, result_message, erp_ids"
)
_INTENT_COLUMNS = (
    "project_number, version, seq, kind, profile, file_name, sha256, manifest_sha256, "
    "line_count, total, at"
)


class ExportQueries(Queries):
    """Export methods of the store (they share its connection and transactions)."""

    def add_export_intent(self, intent: ExportIntent) -> None:
        """Record an ERP file about to be renamed into view (a name is tried only once)."""
        r = intent.record
        self.db.execute(
            f"INSERT INTO export_intents ({_INTENT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.project_number,
                r.version,
                r.seq,
                r.kind,
                r.profile,
                r.file_name,
                r.sha256,
                intent.manifest_sha256,
                r.line_count,
                r.total,
                r.at.isoformat(),
            ),
        )

    def export_intents(self, project_number: str, version: int) -> list[ExportIntent]:
        """Every ERP file of a version that was about to be written, in sequence order."""
        rows = self.db.execute(
            f"SELECT {_INTENT_COLUMNS} FROM export_intents "
            "WHERE project_number=? AND version=? ORDER BY seq",
            (project_number, version),
        )
        return [_intent(row) for row in rows]

    def export_intent_by_file(self, file_name: str) -> ExportIntent | None:
        """The ERP file about to be written under this file name, if one was."""
        row = self.db.execute(
            f"SELECT {_INTENT_COLUMNS} FROM export_intents WHERE file_name=?", (file_name,)
        ).fetchone()
        return _intent(row) if row else None

    def add_export(self, record: ExportRecord) -> None:
        """Record an ERP file written into the outbox."""
        r = record
        self.db.execute(
            f"INSERT INTO erp_exports ({EXPORT_COLUMNS}) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                r.project_number,
                r.version,
                r.seq,
                r.kind,
                r.profile,
                r.file_name,
                r.sha256,
                r.line_count,
                r.total,
                r.at.isoformat(),
                r.result,
                r.result_message,
                r.erp_ids,
            ),
        )

    def exports(self, project_number: str) -> list[ExportRecord]:
        """Every ERP file written for a project, oldest first."""
        if self._snapshot is not None:
            return self._snapshot.exports(project_number)
        rows = self.db.execute(
            f"SELECT {EXPORT_COLUMNS} FROM erp_exports WHERE project_number=? "
            "ORDER BY version, seq",
            (project_number,),
        )
        return [export_of(row) for row in rows]

    def export_by_file(self, file_name: str) -> ExportRecord | None:
        """The export written under this file name."""
        row = self.db.execute(
            f"SELECT {EXPORT_COLUMNS} FROM erp_exports WHERE file_name=?", (file_name,)
        ).fetchone()
        return export_of(row) if row else None

    def set_export_result(
        self, file_name: str, result: ExportResult, message: str, erp_ids: str
    ) -> None:
        """Keep the ERP's answer about one export."""
        self.db.execute(
            "UPDATE erp_exports SET result=?, result_message=?, erp_ids=? WHERE file_name=?",
            (result, message, erp_ids, file_name),
        )


def export_of(row: tuple[Any, ...]) -> ExportRecord:
    """An export from a row of ``EXPORT_COLUMNS``."""
    return ExportRecord(
        project_number=row[0],
        version=row[1],
        seq=row[2],
        kind=ExportKind(row[3]),
        profile=row[4],
        file_name=row[5],
        sha256=row[6],
        line_count=row[7],
        total=row[8],
        at=datetime.fromisoformat(row[9]),
        result=ExportResult(row[10]),
        result_message=row[11],
        erp_ids=row[12],
    )


def _intent(row: tuple[Any, ...]) -> ExportIntent:
    record = ExportRecord(
        project_number=row[0],
        version=row[1],
        seq=row[2],
        kind=ExportKind(row[3]),
        profile=row[4],
        file_name=row[5],
        sha256=row[6],
        line_count=row[8],
        total=row[9],
        at=datetime.fromisoformat(row[10]),
    )
    return ExportIntent(record, manifest_sha256=row[7])
