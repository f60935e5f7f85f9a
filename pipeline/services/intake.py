"""Use case: take a workbook from the inbox; send or re-send it for approval, or refuse it."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.domain.budget import BudgetDocument, money
from pipeline.domain.changes import ResendAssessment
from pipeline.domain.lifecycle import Action, ProjectBudget, Submission, send_action
from pipeline.domain.local_time import local_time
from pipeline.domain.names import project_stem, review_file
from pipeline.domain.people import Person
from pipeline.domain.problems import Problem, Severity
from pipeline.domain.review import ReviewInputs
from pipeline.errors import UnreadableWorkbook, WorkbookChanged
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.approval_routing import receivers, route_for, today
from pipeline.services.context import Outcome, OutcomeKind, Services, Workbooks, logger
from pipeline.services.hand_backs import tidy_after
from pipeline.services.intake_checks import (
    assess_change_against_export,
    assess_resend_against_rejection,
    check_not_busy,
    check_stem_free,
    older_file,
    submitter_account_note,
    submitter_of,
)
from pipeline.services.ports import ChangeAssessment, ReadResult, ReviewContent, TakenFile
from pipeline.services.refusals import Refusal, refuse
from pipeline.services.review_issues import write_review
from pipeline.services.review_summary import review_summary
from pipeline.services.sharing import project_item


def take_inbox_file(app: Services, path: Path, recovering: bool = False) -> Outcome:
    """Process one claimed file; every outcome moves it on (recorded, or handed back).

    The file is opened once (``Folders.take``): its owner, hash, archived bytes and what is
    read all come from that one look at it. ``recovering``: the file was claimed before a
    crash; if it was recorded already, the job is only finished. The workbook is read
    before its project is known; what is decided about it is decided under the project's
    lock (``Store.hold``), so no other daemon changes that budget meanwhile.
    """
    with app.folders.take(path) as taken:
        app.folders.keep(taken)
        sha = taken.sha256
        finished = _already_taken(app, path, sha) if recovering else None
        if finished:
            return finished
        account = taken.owner if app.settings.identity.records else ""
        duplicate = duplicate_of(app, sha)
        if duplicate:
            return refuse(app, path, sha, duplicate, account)
        try:
            result = _read(app.workbooks, taken)
        except Refusal as refusal:
            return refuse(app, path, sha, refusal, account)
        project = result.document.project_number if result.document else result.project_number
        with app.store.hold(project_item(project), wait=True):
            return _decide(app, taken, account, result, recovering)


def _decide(
    app: Services, taken: TakenFile, account: str, result: ReadResult, recovering: bool
) -> Outcome:
    """Send the workbook read, or refuse it, against its budget as it is now (another
    daemon may have recorded these very bytes while they were read)."""
    path, sha = taken.path, taken.sha256
    finished = _already_taken(app, path, sha) if recovering else None
    if finished:
        return finished
    duplicate = duplicate_of(app, sha)
    try:
        if duplicate:
            raise duplicate
        return _send(app, taken, account, result)
    except Refusal as refusal:
        return refuse(app, path, sha, refusal, account)


def _already_taken(app: Services, path: Path, sha: str) -> Outcome | None:
    """A crash between recording and clearing the claim leaves the file: finish the job."""
    for submission in app.store.submissions_by_sha(sha):
        budget = app.store.get_budget(submission.project_number)
        current = budget is not None and budget.version == submission.version
        if path.name == submission.file_name and current:
            app.folders.remove(path)
            return Outcome(
                kind=OutcomeKind.COMPLETED,
                file=path,
                project_number=submission.project_number,
                message=f"already recorded as version {submission.version}",
            )
    return None


def duplicate_of(app: Services, sha: str) -> Refusal | None:
    """The same bytes as the version still with the approver or the ERP: said so, once."""
    for submission in app.store.submissions_by_sha(sha):
        budget = app.store.get_budget(submission.project_number)
        if budget and budget.version == submission.version and budget.locked:
            sent_on = local_time(submission.at, app.settings.time_zone)
            return Refusal(
                [
                    f"duplicate of {submission.file_name}, sent on {sent_on} "
                    f"as version {submission.version} of {submission.project_number} "
                    f"(now {budget.status}); nothing new to send"
                ],
                submission.project_number,
                app.identity.people().find(submission.sender),
                advice=(
                    "Nothing to correct: that version is already with the approver or the ERP. "
                    "To send a change, change the workbook first."
                ),
            )
    return None


def _read(workbooks: Workbooks, taken: TakenFile) -> ReadResult:
    """The workbook read and checked; a ``Refusal`` when it is not a budget we can take."""
    path = taken.path
    if path.suffix.lower() != ".xlsx":
        raise Refusal(
            [
                f"only .xlsx workbooks are taken, not {path.suffix or 'files without a type'}"
                "; save it from Excel as 'Excel Workbook (*.xlsx)'"
            ]
        )
    try:
        result = workbooks.read_budget(taken.content, taken.sha256)
        crash_point("after_check")
    except UnreadableWorkbook as exc:
        raise Refusal([str(exc)]) from exc
    return result


def _send(app: Services, taken: TakenFile, account: str, result: ReadResult) -> Outcome:
    document = result.document
    if document is None:
        # Whoever it is, if we know them they hear why (authorised or not).
        sender = app.identity.people().find(result.prepared_by or result.last_modified_by)
        raise Refusal([], result.project_number, sender, result.problems)
    submitter = submitter_of(app, document, result.last_modified_by, account)
    budget = app.store.get_budget(document.project_number) or ProjectBudget(
        project_number=document.project_number
    )
    check_not_busy(app, budget, submitter)
    check_stem_free(app, budget, submitter)
    warnings = [p for p in result.problems if p.severity is Severity.WARNING]
    resend = assess_resend_against_rejection(app, budget, document, submitter, warnings)
    change = assess_change_against_export(app, budget, document, submitter)
    warnings += older_file(app, budget, result.version_mark, change)
    sent = Sent(
        taken.path, taken.sha256, account, submitter_account_note(app.identity, submitter, account)
    )
    return _record_send(app, sent, budget, document, submitter, warnings, resend, change)


@dataclass(frozen=True)
class Sent:
    """The claimed inbox file: where it is, its bytes' hash, the account that saved it, and
    (when that account is another listed person's than the submitter) whose it is."""

    path: Path
    sha: str
    account: str
    account_note: str = ""


def _record_send(
    app: Services,
    sent: Sent,
    budget: ProjectBudget,
    document: BudgetDocument,
    submitter: Person,
    warnings: list[Problem],
    resend: ResendAssessment | None,
    change: ChangeAssessment | None,
) -> Outcome:
    path = sent.path
    now = app.clock.now()
    version = budget.version + 1
    action = send_action(budget.status)
    project = budget.project_number  # as first recorded, whatever the case of this workbook
    submission = Submission(
        project_number=project,
        version=version,
        action=action,
        file_name=path.name,
        file_sha256=sent.sha,
        fingerprint=document.fingerprint(),
        sender=submitter.name,
        at=now,
        review_file=review_file(project, version),
        line_count=len(document.lines),
        total=str(document.total),
        project_name=document.project_name,
        prepared_by=document.prepared_by,
        stated_total="" if document.stated_total is None else str(document.stated_total),
    )
    route = route_for(app, budget, document)
    approvers = receivers(app.identity.people(), route.current, project, today(app))
    content = ReviewContent(
        submission=submission,
        document=document,
        approvers=[p.name for p in approvers],
        warnings=warnings,
        resend=resend,
        change=change,
        summary=review_summary(app.workbooks, document, resend, change),
        time_zone=app.settings.time_zone,
        route=route,
    )
    inputs = ReviewInputs(
        budget.status.value if budget.status else "", tuple(warnings), document.responses
    )
    if app.folders.sha256(path) != sent.sha:  # a writer with the file still open: read it again
        raise WorkbookChanged(f"{path.name} changed while it was read; it is read again")
    review, issue = write_review(app, content, now)
    crash_point("after_review_written")
    mail = notifications.sent_for_approval(app, content, approvers)
    with app.folders.kept_if_committed(review), app.store.transaction():
        notifications.enqueue_all(app, mail)
        new_budget = budget.revision == 0
        budget.send(
            sender=submitter.name,
            at=now,
            file_sha256=sent.sha,
            detail=f"{path.name}: {len(document.lines)} lines, total {money(document.total)}"
            + sent.account_note,
            account=sent.account,
        )
        app.store.save_budget(budget)
        if new_budget:
            app.store.claim_stem(project_stem(project), project)
        app.store.add_submission(submission, document.lines)
        app.store.add_review_issue(issue)
        app.store.add_route(project, version, route, inputs)
    crash_point("after_record")  # the mail is queued in the same transaction
    app.folders.remove(path)
    tidy_after(app, project, version)
    kind = OutcomeKind.RESENT if action is Action.RESEND else OutcomeKind.SENT
    logger.debug(  # the pass reports the outcome itself
        "%s: %s version %d, review workbook %s", path.name, kind, version, submission.review_file
    )
    return Outcome(
        kind=kind,
        file=path,
        project_number=project,
        message=f"version {version}, review workbook in approval/{submission.review_file}",
    )
