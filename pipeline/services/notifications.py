"""Use case: tell people what happened. Failures here are logged and never undo a state change."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from pipeline.domain.budget import money
from pipeline.domain.people import Person
from pipeline.domain.review import Rejection
from pipeline.services.context import Services, logger
from pipeline.services.ports import ExportRecord, ReviewContent


def _send(app: Services, template: str, to: Sequence[str], context: dict[str, object]) -> None:
    try:
        app.notify(template, [address for address in to if address], context)
    except Exception:  # a mail problem must not undo or stop the workflow
        logger.exception("could not send the %r notification to %s", template, ", ".join(to))


def notify_sent(app: Services, content: ReviewContent, approvers: Sequence[Person]) -> None:
    """Tell every accounting approver of the project at once that a budget awaits them."""
    sub = content.submission
    _send(
        app,
        "sent_for_approval",
        [p.email for p in approvers],
        {
            "project_number": sub.project_number,
            "project_name": sub.project_name,
            "version": sub.version,
            "sender": sub.sender,
            "total": money(content.document.total),
            "line_count": sub.line_count,
            "resend": content.resend,
            "review_path": str(app.settings.approval / sub.review_file),
        },
    )


def notify_rejected(
    app: Services, project_number: str, sender: str, rejection: Rejection, workbook: Path
) -> None:
    """Tell the sender of the rejected version why, and where their workbook is."""
    person = app.people().find(sender)
    _send(
        app,
        "rejected",
        [person.email] if person else [],
        {
            "project_number": project_number,
            "rejection": rejection,
            "workbook_path": str(workbook),
            "workbook_url": workbook.resolve().as_uri(),
        },
    )


def notify_exported(app: Services, sender: str, record: ExportRecord) -> None:
    """Tell the sender that the budget was accepted and its ERP file written."""
    person = app.people().find(sender)
    _send(
        app,
        "exported",
        [person.email] if person else [],
        {
            "project_number": record.project_number,
            "version": record.version,
            "file_name": record.file_name,
            "line_count": record.line_count,
            "total": money(Decimal(record.total)),
        },
    )


def notify_refused(
    app: Services,
    submitter: Person | None,
    file_name: str,
    project_number: str,
    reasons: Sequence[str],
    handed_back: Path,
) -> None:
    """Tell the submitter, when known, why their workbook was refused at intake."""
    _send(
        app,
        "refused",
        [submitter.email] if submitter else [],
        {
            "file_name": file_name,
            "project_number": project_number,
            "reasons": list(reasons),
            "handed_back": str(handed_back),
        },
    )
