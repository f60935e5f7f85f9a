"""Use case: apply the approver's saved decision: reject (hand back, unlocked) or accept."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from pipeline.adapters.folders import (
    archive_copy,
    atomic_write,
    project_stem,
    sha256_file,
    written_before_commit,
)
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Status, Submission
from pipeline.domain.people import Person, Role
from pipeline.domain.review import Decision, Rejection, Verdict
from pipeline.errors import UnreadableWorkbook
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.export import export_accepted

PENDING = "pending"


def apply_review_file(app: Services, path: Path) -> Outcome | None:
    """Read a settled review workbook once per saved content; apply a valid decision.

    Returns None when there is nothing new (no decision yet, or this save was seen before).
    """
    submission = app.store.submission_for_review(path.name)
    if submission is None:
        return None  # not one of ours; leave it for a person to look at
    budget = app.store.get_budget(submission.project_number)
    if (
        budget is None
        or budget.version != submission.version
        or budget.status not in (Status.AWAITING_APPROVAL, Status.EXPORT_FAILED)
    ):
        return _clear_stale(app, path, submission)
    sha = sha256_file(path)
    if app.store.decision_outcome(sha) is not None:
        return None
    try:
        decision = app.read_decision(path)
    except UnreadableWorkbook as exc:
        return _refuse_decision(app, path, sha, submission, [str(exc)], "")
    if not decision.answered:
        with app.store.transaction():
            app.store.note_decision_file(
                sha, submission.project_number, submission.version, PENDING, app.clock.now()
            )
        return None
    approver = app.people().authorised(
        decision.approver, Role.ACCOUNTING_APPROVER, submission.project_number
    )
    problems = decision.problems()
    if approver is None and decision.approver.strip():
        problems.append(
            f"{decision.approver!r} is not an accounting approver of project "
            f"{submission.project_number} in rules/people.toml"
        )
    if problems or approver is None:
        return _refuse_decision(app, path, sha, submission, problems, decision.approver)
    archive_copy(path, app.settings.archive, sha)
    if decision.verdict is Verdict.REJECT:
        return _reject(app, path, sha, budget, submission, decision, approver)
    return _accept(app, path, sha, budget, submission, approver)


def _reject(
    app: Services,
    path: Path,
    sha: str,
    budget: ProjectBudget,
    submission: Submission,
    decision: Decision,
    approver: Person,
) -> Outcome:
    now = app.clock.now()
    rejection = Rejection(
        submission.version, approver.name, now, tuple(decision.reasons()), decision.flags
    )
    document = stored_document(app, submission)
    target = app.settings.rejected / (
        f"{project_stem(submission.project_number)}_v{submission.version}_rejected.xlsx"
    )
    atomic_write(target, lambda temp: app.write_rejected(document, rejection, temp))
    detail = "; ".join([*rejection.reasons, *(f"line {f.key}: {f.note}" for f in rejection.flags)])
    mail = notifications.rejected(
        app, submission.project_number, submission.sender, rejection, target
    )
    with written_before_commit(target), app.store.transaction():
        notifications.enqueue_all(app, mail)
        budget.reject(approver=approver.name, at=now, detail=detail, file_sha256=sha)
        app.store.save_budget(budget)
        app.store.add_rejection(submission.project_number, rejection)
        app.store.note_decision_file(
            sha, submission.project_number, submission.version, "rejected", now
        )
    crash_point("after_decision_recorded")
    _clear(path)
    logger.info(
        "%s: version %d rejected by %s",
        submission.project_number,
        submission.version,
        approver.name,
    )
    return Outcome(
        OutcomeKind.REJECTED,
        path,
        submission.project_number,
        f"by {approver.name}; editable workbook in rejected/{target.name}",
    )


def _accept(
    app: Services,
    path: Path,
    sha: str,
    budget: ProjectBudget,
    submission: Submission,
    approver: Person,
) -> Outcome:
    now = app.clock.now()
    with app.store.transaction():
        budget.accept(
            approver=approver.name,
            at=now,
            file_sha256=sha,
            detail=f"version {submission.version} accepted",
        )
        app.store.save_budget(budget)
        app.store.note_decision_file(
            sha, submission.project_number, submission.version, "accepted", now
        )
    crash_point("after_decision_recorded")
    _clear(path)
    record = export_accepted(app, submission.project_number)
    logger.info(
        "%s: version %d accepted by %s, exported as %s",
        submission.project_number,
        submission.version,
        approver.name,
        record.file_name,
    )
    return Outcome(
        OutcomeKind.ACCEPTED,
        path,
        submission.project_number,
        f"by {approver.name}; ERP file outbox/{record.file_name}",
    )


def _refuse_decision(
    app: Services, path: Path, sha: str, submission: Submission, problems: list[str], approver: str
) -> Outcome:
    """Leave the review workbook where it is, say why beside it, and record the refusal once."""
    now = app.clock.now()
    text = "; ".join(problems)
    note = path.with_name(path.name + ".refused.txt")
    atomic_write(
        note,
        lambda temp: temp.write_text(
            f"The decision saved in {path.name} on {now:%Y-%m-%d %H:%M} was not applied:\n"
            + "".join(f"- {p}\n" for p in problems)
            + "Correct the review workbook and save it again.\n",
            encoding="utf-8",
        ),
    )
    with app.store.transaction():
        app.store.record(
            Event(
                submission.project_number,
                submission.version,
                Action.REFUSE_DECISION,
                approver,
                now,
                text,
                sha,
            )
        )
        app.store.note_decision_file(
            sha, submission.project_number, submission.version, "refused", now
        )
    logger.warning("%s: decision not applied: %s", path.name, text)
    return Outcome(OutcomeKind.DECISION_REFUSED, path, submission.project_number, text)


def _clear(review: Path) -> None:
    """The decision is applied: the review workbook and any earlier refusal note go."""
    review.unlink(missing_ok=True)
    review.with_name(review.name + ".refused.txt").unlink(missing_ok=True)


def _clear_stale(app: Services, path: Path, submission: Submission) -> Outcome | None:
    """A review workbook for a version no longer awaiting approval: archive it and clear it."""
    sha = sha256_file(path)
    archive_copy(path, app.settings.archive, sha)
    _clear(path)
    logger.info(
        "%s: version %d no longer awaits approval; review workbook archived",
        path.name,
        submission.version,
    )
    return None


def stored_document(app: Services, submission: Submission) -> BudgetDocument:
    """Rebuild a version's budget from the state database."""
    return BudgetDocument(
        project_number=submission.project_number,
        lines=tuple(app.store.lines(submission.project_number, submission.version)),
        project_name=submission.project_name,
        prepared_by=submission.prepared_by,
        stated_total=Decimal(submission.stated_total) if submission.stated_total else None,
    )
