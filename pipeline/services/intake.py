"""Use case: take a workbook from the inbox; send or re-send it for approval, or refuse it."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.folders import (
    archive_copy,
    atomic_write,
    project_stem,
    sha256_file,
    written_before_commit,
)
from pipeline.domain.budget import BudgetDocument, money
from pipeline.domain.changes import ResendAssessment
from pipeline.domain.lifecycle import Action, ProjectBudget, Submission, send_action
from pipeline.domain.people import Person, Role
from pipeline.domain.problems import Problem, Severity
from pipeline.errors import UnreadableWorkbook, WorkbookChanged
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.intake_checks import (
    assess_change_against_export,
    assess_resend_against_rejection,
    check_not_busy,
)
from pipeline.services.ports import ChangeAssessment, ReviewContent
from pipeline.services.refusals import Refusal, refuse


def take_inbox_file(app: Services, path: Path, recovering: bool = False) -> Outcome:
    """Process one claimed file; every outcome moves it on (recorded, or handed back).

    ``recovering``: the file was claimed before a crash; if it was recorded already, the
    job is only finished.
    """
    sha = sha256_file(path)
    archive_copy(path, app.settings.archive, sha)
    finished = _already_taken(app, path, sha) if recovering else None
    if finished:
        return finished
    duplicate = _duplicate(app, path, sha)
    if duplicate:
        return refuse(app, path, sha, duplicate)
    try:
        return _send(app, path, sha)
    except Refusal as refusal:
        return refuse(app, path, sha, refusal)


def _already_taken(app: Services, path: Path, sha: str) -> Outcome | None:
    """A crash between recording and clearing the claim leaves the file: finish the job."""
    for submission in app.store.submissions_by_sha(sha):
        budget = app.store.get_budget(submission.project_number)
        current = budget is not None and budget.version == submission.version
        if path.name == submission.file_name and current:
            path.unlink(missing_ok=True)
            return Outcome(
                OutcomeKind.COMPLETED,
                path,
                submission.project_number,
                f"already recorded as version {submission.version}",
            )
    return None


def _duplicate(app: Services, path: Path, sha: str) -> Refusal | None:
    """The same bytes as the version still with the approver or the ERP: said so, once."""
    for submission in app.store.submissions_by_sha(sha):
        budget = app.store.get_budget(submission.project_number)
        if budget and budget.version == submission.version and budget.locked:
            return Refusal(
                [
                    f"duplicate of {submission.file_name}, sent on {submission.at:%Y-%m-%d %H:%M} "
                    f"as version {submission.version} of {submission.project_number} "
                    f"(now {budget.status}); nothing new to send"
                ],
                submission.project_number,
                app.people().find(submission.sender),
            )
    return None


def _send(app: Services, path: Path, sha: str) -> Outcome:
    if path.suffix.lower() != ".xlsx":
        raise Refusal(
            [
                f"only .xlsx workbooks are taken, not {path.suffix or 'files without a type'}"
                "; save it from Excel as 'Excel Workbook (*.xlsx)'"
            ]
        )
    try:
        result = app.read_budget(path)
        crash_point("after_check")
    except UnreadableWorkbook as exc:
        raise Refusal([str(exc)]) from exc
    document = result.document
    if document is None:
        # Whoever it is, if we know them they hear why (authorised or not).
        sender = app.people().find(result.prepared_by or result.last_modified_by)
        raise Refusal([], result.project_number, sender, result.problems)
    submitter = _submitter(app, document, result.last_modified_by)
    budget = app.store.get_budget(document.project_number) or ProjectBudget(document.project_number)
    check_not_busy(budget, submitter)
    warnings = [p for p in result.problems if p.severity is Severity.WARNING]
    resend = assess_resend_against_rejection(app, budget, document, submitter, warnings)
    change = assess_change_against_export(app, budget, document, submitter)
    return _record_send(app, path, sha, budget, document, submitter, warnings, resend, change)


def _submitter(app: Services, document: BudgetDocument, last_modified_by: str) -> Person:
    identity = document.prepared_by or last_modified_by
    directory = app.people()
    where = "the Prepared By cell" if document.prepared_by else "the workbook's last-modified-by"
    if not identity:
        raise Refusal(
            ["no submitter: write your name or email next to 'Prepared By'"],
            document.project_number,
        )
    person = directory.authorised(identity, Role.BUDGET_ADMIN, document.project_number)
    if person is None:
        known = directory.find(identity)
        raise Refusal(
            [
                f"{identity!r} ({where}) is not a budget admin of project "
                f"{document.project_number} in rules/people.toml"
            ],
            document.project_number,
            known,
        )
    return person


def _record_send(
    app: Services,
    path: Path,
    sha: str,
    budget: ProjectBudget,
    document: BudgetDocument,
    submitter: Person,
    warnings: list[Problem],
    resend: ResendAssessment | None,
    change: ChangeAssessment | None,
) -> Outcome:
    now = app.clock.now()
    version = budget.version + 1
    action = send_action(budget.status)
    project = budget.project_number  # as first recorded, whatever the case of this workbook
    submission = Submission(
        project,
        version,
        action,
        path.name,
        sha,
        document.fingerprint(),
        submitter.name,
        now,
        f"{project_stem(project)}_v{version}_review.xlsx",
        len(document.lines),
        str(document.total),
        document.project_name,
        document.prepared_by,
        "" if document.stated_total is None else str(document.stated_total),
    )
    approvers = app.people().holders(Role.ACCOUNTING_APPROVER, project)
    content = ReviewContent(
        submission, document, [p.name for p in approvers], warnings, resend, change
    )
    if sha256_file(path) != sha:  # a writer with the file still open: read it again later
        raise WorkbookChanged(f"{path.name} changed while it was read; it is read again")
    review = app.settings.approval / submission.review_file
    atomic_write(review, lambda temp: app.write_review(content, temp))
    crash_point("after_review_written")
    mail = notifications.sent_for_approval(app, content, approvers)
    with written_before_commit(review), app.store.transaction():
        notifications.enqueue_all(app, mail)
        budget.send(
            sender=submitter.name,
            at=now,
            file_sha256=sha,
            detail=f"{path.name}: {len(document.lines)} lines, total {money(document.total)}",
        )
        app.store.save_budget(budget)
        app.store.add_submission(submission, document.lines)
    crash_point("after_record")  # the mail is queued in the same transaction
    path.unlink()
    kind = OutcomeKind.RESENT if action is Action.RESEND else OutcomeKind.SENT
    logger.info(
        "%s: %s version %d, review workbook %s", path.name, kind, version, submission.review_file
    )
    return Outcome(
        kind,
        path,
        project,
        f"version {version}, review workbook in approval/{submission.review_file}",
    )
