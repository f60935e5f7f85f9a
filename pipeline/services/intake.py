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
from pipeline.domain.changes import ResendAssessment, assess_resend
from pipeline.domain.lifecycle import Action, ProjectBudget, Status, Submission, send_action
from pipeline.domain.people import Person, Role
from pipeline.domain.problems import Problem, Severity
from pipeline.errors import UnreadableWorkbook
from pipeline.services import notifications
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.ports import ReviewContent
from pipeline.services.refusals import Refusal, refuse


def take_inbox_file(app: Services, path: Path) -> Outcome:
    """Process one settled file from the inbox; every outcome leaves the inbox empty of it."""
    sha = sha256_file(path)
    archive_copy(path, app.settings.archive, sha)
    finished = _already_taken(app, path, sha)
    if finished:
        return finished
    try:
        return _send(app, path, sha)
    except Refusal as refusal:
        return refuse(app, path, sha, refusal)


def _already_taken(app: Services, path: Path, sha: str) -> Outcome | None:
    """A crash between recording and clearing the inbox leaves the file: finish the job."""
    for submission in app.store.submissions_by_sha(sha):
        budget = app.store.get_budget(submission.project_number)
        if (
            budget
            and path.name == submission.file_name  # a second copy is a new drop, not a leftover
            and budget.version == submission.version
            and budget.status is not None
            and (app.settings.approval / submission.review_file).exists()
        ):
            path.unlink(missing_ok=True)
            return Outcome(
                OutcomeKind.COMPLETED,
                path,
                submission.project_number,
                f"already recorded as version {submission.version}",
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
    except UnreadableWorkbook as exc:
        raise Refusal([str(exc)]) from exc
    document = result.document
    if document is None:
        # Whoever it is, if we know them they hear why (authorised or not).
        sender = app.people().find(result.prepared_by or result.last_modified_by)
        raise Refusal([], result.project_number, sender, result.problems)
    submitter = _submitter(app, document, result.last_modified_by)
    budget = app.store.get_budget(document.project_number) or ProjectBudget(document.project_number)
    _check_unlocked(budget, submitter)
    warnings = [p for p in result.problems if p.severity is Severity.WARNING]
    resend = _assess_resend(app, budget, document, submitter, warnings)
    return _record_send(app, path, sha, budget, document, submitter, warnings, resend)


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


def _check_unlocked(budget: ProjectBudget, submitter: Person) -> None:
    if budget.status is Status.AWAITING_APPROVAL:
        raise Refusal(
            [
                f"budget {budget.project_number} is locked: version {budget.version} "
                f"awaits approval since {budget.sent_at:%Y-%m-%d %H:%M}, sent by "
                f"{budget.sender}; retrieve it first (budget-erp retrieve "
                f"{budget.project_number}) or wait for the approver"
            ],
            budget.project_number,
            submitter,
        )
    if budget.status in (Status.ACCEPTED, Status.EXPORTED):
        raise Refusal(
            [
                f"budget {budget.project_number} was accepted and exported to the ERP "
                f"(version {budget.version}, {budget.changed_at:%Y-%m-%d}); it stays "
                "locked: budget changes after export are not taken yet"
            ],
            budget.project_number,
            submitter,
        )


def _assess_resend(
    app: Services,
    budget: ProjectBudget,
    document: BudgetDocument,
    submitter: Person,
    warnings: list[Problem],
) -> ResendAssessment | None:
    if budget.status is not Status.REJECTED:
        return None
    project, version = budget.project_number, budget.version
    previous = app.store.submission(project, version)
    rejection = app.store.rejection(project, version)
    assert previous is not None and rejection is not None, "a rejected version is recorded"
    if previous.fingerprint == document.fingerprint():
        raise Refusal(
            [
                f"nothing changed since the rejection on {rejection.at:%Y-%m-%d} "
                f"(version {version}); correct the budget before re-sending it"
            ],
            project,
            submitter,
        )
    assessment = assess_resend(app.store.lines(project, version), document.lines, rejection)
    if assessment.unchanged_flags:
        named = "; ".join(
            f"{flag.key} ({flag.note or 'no note'})" for flag in assessment.unchanged_flags
        )
        if app.settings.unchanged_flagged_lines == "refuse":
            raise Refusal(
                [
                    f"line(s) flagged by the approver are unchanged: {named}; change or "
                    "remove each flagged line before re-sending"
                ],
                project,
                submitter,
            )
        warnings.append(
            Problem(
                "resend.flagged_unchanged",
                f"flagged line(s) unchanged: {named}",
                severity=Severity.WARNING,
            )
        )
    return assessment


def _record_send(
    app: Services,
    path: Path,
    sha: str,
    budget: ProjectBudget,
    document: BudgetDocument,
    submitter: Person,
    warnings: list[Problem],
    resend: ResendAssessment | None,
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
    content = ReviewContent(submission, document, [p.name for p in approvers], warnings, resend)
    review = app.settings.approval / submission.review_file
    atomic_write(review, lambda temp: app.write_review(content, temp))
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
