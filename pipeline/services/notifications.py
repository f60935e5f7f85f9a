"""Use case: decide who is told what, render it, and hand it to the outbox.

Messages are rendered before the state change and queued in its transaction, each under a
key that makes it once (``sent:P-1001:v2:carl@example.com``). A template that fails to render
is logged loudly and never stops the workflow.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

from pipeline.domain.approval_route import ApprovalRoute
from pipeline.domain.budget import money
from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import Event, Submission
from pipeline.domain.names import CHANGES, FAILED, change_reference
from pipeline.domain.notification import Notification
from pipeline.domain.people import Person
from pipeline.domain.review import Rejection
from pipeline.domain.route_words import mail_route_words
from pipeline.services.context import Services, logger
from pipeline.services.current_budget import current_path, results_now
from pipeline.services.mail_facts import amounts
from pipeline.services.ports import ReviewContent
from pipeline.services.records import ExportRecord
from pipeline.services.status_page import link_in_mail


def prepare(
    app: Services,
    key: str,
    template: str,
    to: Sequence[str],
    context: dict[str, object],
    copy: Sequence[str] = (),
) -> list[Notification]:
    """Render one notification, or none when nobody is to be told or rendering fails;
    ``copy`` are the addresses in Cc (less those already in To)."""
    recipients = tuple(address for address in to if address)
    if not recipients:
        return []
    copied = tuple(dict.fromkeys(a for a in copy if a and a not in recipients))
    try:
        mail = app.mail.render_mail(template, {**context, "status_url": link_in_mail(app)})
    except Exception as exc:  # a broken template must not stop a budget
        logger.error("could not render the %r email (%s; %s); it is not sent", template, key, exc)
        logger.debug("template traceback", exc_info=exc)
        return []
    return [
        Notification(
            key=key,
            template=template,
            to=recipients,
            subject=mail.subject,
            text=mail.text,
            html=mail.html,
            created_at=app.clock.now(),
            copy_to=copied,
        )
    ]


def enqueue_all(app: Services, notifications: Sequence[Notification]) -> None:
    """Queue notifications; call inside the transaction of the change that causes them."""
    for notification in notifications:
        app.store.enqueue(notification)


def sent_for_approval(
    app: Services, content: ReviewContent, approvers: Sequence[Person]
) -> list[Notification]:
    """One email to each accounting approver of the project, at once."""
    sub = content.submission
    context: dict[str, object] = {
        "project_number": sub.project_number,
        "project_name": sub.project_name,
        "version": sub.version,
        "sender": sub.sender,
        "at": sub.at,
        **amounts(app, sub),
        "resend": content.resend,
        "change": content.change,
        "changes": _described_changes(content),
        "warnings": [str(w) for w in content.warnings],
        "review_path": str(content_path(app, sub.review_file)),
        **mail_route_words(content.route, app.settings.time_zone),
    }
    level = content.route.position if content.route else 0
    found: list[Notification] = []
    for person in approvers:
        key = f"sent:{sub.project_number}:v{sub.version}:{person.email}"
        key += f":level{level + 1}" if level else ""
        found += prepare(
            app, key, "sent_for_approval", [person.email], {**context, "approver": person.name}
        )
    return found


def _described_changes(content: ReviewContent) -> list[str]:
    """The changed lines for people, each that brings back a rejected amount saying so."""
    shown = content.change or content.resend
    if shown is None:
        return []
    returned = {r.key: r.version for r in shown.returns}
    return [
        change.describe()
        + (
            f"; brings back the amount rejected in v{returned[change.key]}"
            if change.key in returned
            else ""
        )
        for change in shown.changes
    ]


def content_path(app: Services, review_file: str) -> Path:
    """Where the review workbook of a version is."""
    return app.settings.approval / review_file


def rejected(
    app: Services,
    sub: Submission,
    rejection: Rejection,
    workbook: Path,
    route: ApprovalRoute | None = None,
) -> list[Notification]:
    """To the admin who sent the rejected version: every reason, its amounts, and where to
    fix it."""
    project_number = sub.project_number
    person = app.identity.people().find(sub.sender)
    return prepare(
        app,
        f"rejected:{project_number}:v{rejection.version}",
        "rejected",
        [person.email] if person else [],
        {
            "project_number": project_number,
            "project_name": sub.project_name,
            "rejection": rejection,
            **mail_route_words(route, app.settings.time_zone),
            **amounts(app, sub),
            "workbook_path": str(workbook),
            "workbook_url": workbook.resolve().as_uri(),
            "current_path": str(current_path(app, project_number)),
        },
    )


def exported(
    app: Services, sub: Submission, record: ExportRecord, accepted: Event | None
) -> list[Notification]:
    """To the sender: accepted by whom and when, the ERP file's name, line count and total,
    the version's amounts, and where the budget in force is (this version from now on, or
    once the ERP confirms the file)."""
    person = app.identity.people().find(sub.sender)
    return prepare(
        app,
        f"exported:{record.project_number}:v{record.version}",
        "exported",
        [person.email] if person else [],
        {
            "project_number": record.project_number,
            "version": record.version,
            "file_name": record.file_name,
            "file_line_count": record.line_count,
            "file_total": money(Decimal(record.total)),
            "approver": accepted.actor if accepted else "",
            "accepted_at": accepted.at if accepted else None,
            "at": record.at,
            **amounts(app, sub),
            "kind": record.kind,
            "import_note": import_note(app, record),
            "current_path": str(current_path(app, record.project_number)),
            "current_now": not results_now(app),  # with results: once the ERP confirms it
        },
    )


def import_note(app: Services, record: ExportRecord) -> str:
    """What the person importing a change file must choose, where the file cannot say it is
    a change (Sage 300, Spectrum); "" for every other file."""
    if not record.file_name.startswith(f"{CHANGES}/"):
        return ""
    marking = app.exporter.profile(record.profile).change
    note = f"This is a budget change: when importing it into the ERP, {marking.import_option}"
    if not marking.reference_length:
        return f"{note}."
    reference = change_reference(record.version, record.seq, marking.reference_length)
    return f"{note}: Reference {reference}."


def refused(
    app: Services,
    submitter: Person | None,
    file_name: str,
    sha: str,
    project_number: str,
    reasons: Sequence[str],
    files: tuple[Path, Path | None],
    advice: str,
) -> list[Notification]:
    """To the submitter, when known: why the workbook was not taken, where it is (and its
    marked-up copy), and what to do next."""
    handed_back, annotated = files
    now = app.clock.now()
    return prepare(
        app,
        f"refused:{sha[:16]}:{file_name}:{now.isoformat()}",
        "refused",
        [submitter.email] if submitter else [],
        {
            "file_name": file_name,
            "project_number": project_number,
            "submitter": submitter.name if submitter else "",
            "at": now,
            "reasons": list(reasons),
            "handed_back": str(handed_back),
            "annotated": str(annotated) if annotated else "",
            "advice": advice,
        },
    )


def export_failed(
    app: Services,
    sender: str,
    approvers: Sequence[Person],
    record: ExportRecord,
    refusal: Refusal,
    review: Path,
) -> list[Notification]:
    """To the sender and every approver: the ERP refused the file, which left the outbox;
    the approver decides the version again, as a re-export after that refusal."""
    person = app.identity.people().find(sender)
    to = [person.email] if person else []
    to += [p.email for p in approvers if p.email not in to]
    return prepare(
        app,
        f"export_failed:{record.file_name}",
        "export_failed",
        to,
        {
            "project_number": record.project_number,
            "version": record.version,
            "file_name": record.file_name,
            "sender": sender,
            "at": refusal.at,
            **amounts(app, app.store.submission(record.project_number, record.version)),
            "message": refusal.message,
            "headline": refusal.headline,
            "failed_folder": str(app.settings.outbox / FAILED),
            "review_path": str(review),
        },
    )


def decision_not_applied(
    app: Services,
    template: str,
    save: tuple[str, Submission, Path],
    told: Sequence[Person],
    details: dict[str, object],
) -> list[Notification]:
    """To the approver named, whoever saved it, and the project's approvers: a saved decision
    was not applied (``decision_refused``: why, and what to do; ``figures_changed``: the
    cells that changed, and the review issued put back; ``decision_late``: what was applied
    before), with who saved it (``details``: ``saved_by``, ``named``), when it was found and
    the version's amounts. Once per saved content: ``save`` is its sha256, version and file."""
    sha, submission, review = save
    return prepare(
        app,
        f"{template}:{sha[:16]}:{submission.project_number}:v{submission.version}",
        template,
        [p.email for p in told],
        {
            "project_number": submission.project_number,
            "version": submission.version,
            "file_name": review.name,
            "review_path": str(review),
            "sha256": sha,
            "sender": submission.sender,
            "at": app.clock.now(),
            **amounts(app, submission),
            **details,
        },
    )
