"""Use case: apply the approver's saved decision: reject (hand back, unlocked) or accept.

A save counts only when it is the review workbook issued for the version awaiting approval,
showing exactly the figures issued, decided by an accounting approver of the project who did
not send that version (by name or from their account), saved under no account of another
listed person, and (with ``[identity] file_owner = "require"``) saved under one of that
approver's accounts by a file only its owner can write.
"""

from __future__ import annotations

from pathlib import Path

from pipeline.domain.approval_route import ApprovalRoute, LevelDecision
from pipeline.domain.identity import (
    other_writers_problem,
)
from pipeline.domain.lifecycle import ProjectBudget, Submission
from pipeline.domain.names import SQUATTED, rejected_file
from pipeline.domain.review import DecisionFile, DecisionOutcome, Rejection, Verdict
from pipeline.domain.text import joined
from pipeline.errors import UnreadableWorkbook
from pipeline.faults import crash_point
from pipeline.services import notifications
from pipeline.services.approval_routing import Decider, route_of
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.deciders import who_decides
from pipeline.services.decision_answers import (
    ReviewSave,
    answer_after_the_fact,
    clear_review,
    issue_problems,
    refuse_decision,
)
from pipeline.services.export import export_accepted
from pipeline.services.issued_figures import (
    changed_figures,
    put_back_issued,
    refuse_changed_figures,
)
from pipeline.services.level_reviews import issue_due_level_review
from pipeline.services.ports import TakenFile
from pipeline.services.squatters import reclaim, set_aside
from pipeline.services.versions import stored_document


def apply_review_file(app: Services, path: Path) -> Outcome | None:
    """Read a settled review workbook once per saved content; apply a valid decision.

    The workbook is opened once (``Folders.take``): its owner, who else may write it, its
    hash and the decision read all come from that one look, whatever is renamed over it
    meanwhile. Returns None when there is nothing new (no decision yet, or a save seen
    before).
    """
    submission = app.store.submission_for_review(path.name)
    if submission is None:
        return None  # not one of ours; leave it for a person to look at
    with app.folders.take(path) as taken:
        return _apply_taken(app, taken, submission)


def _apply_taken(app: Services, taken: TakenFile, submission: Submission) -> Outcome | None:
    path, sha = taken.path, taken.sha256
    budget = app.store.get_budget(submission.project_number)
    seen = app.store.decision_outcome(sha)
    awaiting = _awaits(budget, submission)
    issue = (
        app.store.current_review_issue(submission.project_number, submission.version)
        if awaiting
        else None
    )
    if budget and issue and issue.level < route_of(app, *_version(submission)).position:
        # A crash came between a level's Accept and the next level's review: issue it now,
        # over whatever is under the name (the decided save and any review written unrecorded
        # were archived already).
        issue_due_level_review(app, budget)
        return None
    if seen is not None:
        # Once the version is decided, a save read before (the decided workbook itself,
        # left by a crash, or one refused) is archived and cleared; a late save answered
        # already stays beside its note until a person removes it.
        if not awaiting and seen is not DecisionOutcome.LATE:
            app.folders.keep(taken)
            clear_review(app, path, sha)
        elif seen is DecisionOutcome.FIGURES_CHANGED and issue is not None:
            put_back_issued(app, path, issue)  # refused, and a crash came before this
        return None
    account = taken.owner if app.settings.identity.records else ""
    try:
        saved = app.workbooks.read_decision(
            taken.content, submission.line_count, issue.figures if issue else None
        )
    except UnreadableWorkbook as exc:
        if not awaiting:
            app.folders.keep(taken)
            clear_review(app, path, sha)
            return None
        return _foreign_review(
            app, ReviewSave(path=path, sha=sha, account=account, submission=submission), [str(exc)]
        )
    save = ReviewSave(path=path, sha=sha, account=account, submission=submission, saved=saved)
    if not awaiting or budget is None:
        return answer_after_the_fact(app, save, budget)
    foreign = issue_problems(app, save)
    if foreign:
        return _foreign_review(app, save, foreign)
    if issue is not None:
        changed = changed_figures(app, save, issue, taken.content)
        if changed:  # answered or not: nobody is to decide on other figures
            return refuse_changed_figures(app, taken, save, issue, changed)
    if not saved.decision.answered:
        with app.store.transaction():
            app.store.note_decision_file(
                DecisionFile(
                    sha256=sha,
                    project_number=submission.project_number,
                    version=submission.version,
                    outcome=DecisionOutcome.PENDING,
                    at=app.clock.now(),
                ),
            )
        return None
    who, problems = who_decides(app, save)
    shared = other_writers_problem(app.settings.identity, path.name, taken.other_writers)
    problems += [shared] if shared else []
    if problems or who.person is None:
        return refuse_decision(app, save, problems)
    app.folders.keep(taken)
    if saved.decision.verdict is Verdict.REJECT:
        return _reject(app, save, budget, who)
    return _accept(app, save, budget, who)


def _foreign_review(app: Services, save: ReviewSave, problems: list[str]) -> Outcome:
    """A file under the review's name that is not the review issued (unreadable as one, or
    another issue's): refused (history, note, mail), then moved to archive/squatted/, so
    that the genuine review is written back under its name on this pass."""
    sub = save.submission
    moved = (
        f"{save.path.name} was moved to archive/{SQUATTED}/ (nothing deleted), and the review "
        f"workbook issued for version {sub.version} is written back under its name"
    )
    outcome = refuse_decision(app, save, [*problems, moved], advice="")
    set_aside(app, save.path)
    return outcome


def _version(submission: Submission) -> tuple[str, int]:
    return submission.project_number, submission.version


def _awaits(budget: ProjectBudget | None, submission: Submission) -> bool:
    return budget is not None and budget.awaits_decision_on(submission.version)


def _reject(app: Services, save: ReviewSave, budget: ProjectBudget, who: Decider) -> Outcome:
    assert save.saved is not None and who.person is not None
    sub, decision, approver = save.submission, save.saved.decision, who.person
    now = app.clock.now()
    route = route_of(app, sub.project_number, sub.version)
    rejection = Rejection(
        version=sub.version,
        approver=approver.name,
        at=now,
        reasons=tuple(decision.reasons()),
        flags=decision.flags,
    )
    document = stored_document(app, sub)
    target = app.settings.rejected / rejected_file(sub.project_number, sub.version)
    reclaim(app, target, sub.project_number, sub.version, "rejected workbook")
    app.folders.write(target, lambda temp: app.workbooks.write_rejected(document, rejection, temp))
    detail = joined([*rejection.reasons, *(f"line {f.key}: {f.note}" for f in rejection.flags)])
    detail = _level_words(route, who) + detail
    mail = notifications.rejected(app, sub, rejection, target, route)
    with app.folders.kept_if_committed(target), app.store.transaction():
        notifications.enqueue_all(app, mail)
        budget.reject(
            approver=approver.name,
            at=now,
            detail=detail,
            file_sha256=save.sha,
            account=save.account,
        )
        app.store.save_budget(budget)
        app.store.add_rejection(sub.project_number, rejection)
        app.store.add_hand_backs(sub.project_number, [target.name], now)
        app.store.note_decision_file(
            DecisionFile(
                sha256=save.sha,
                project_number=sub.project_number,
                version=sub.version,
                outcome=DecisionOutcome.REJECTED,
                at=now,
            )
        )
    crash_point("after_decision_recorded")
    clear_review(app, save.path)
    logger.debug("%s: version %d rejected by %s", sub.project_number, sub.version, approver.name)
    return Outcome(
        kind=OutcomeKind.REJECTED,
        file=save.path,
        project_number=sub.project_number,
        message=f"by {approver.name}; editable workbook in rejected/{target.name}",
    )


def _accept(app: Services, save: ReviewSave, budget: ProjectBudget, who: Decider) -> Outcome:
    sub = save.submission
    assert who.person is not None
    approver = who.person
    now = app.clock.now()
    route = route_of(app, sub.project_number, sub.version)
    decided = route.accepted(
        LevelDecision(
            route.current.level.name,
            approver.name,
            now,
            who.on_behalf_of.name if who.on_behalf_of else "",
        )
    )
    last = route.last_level
    with app.store.transaction():
        if last:
            budget.accept(
                approver=approver.name,
                at=now,
                file_sha256=save.sha,
                detail=_level_words(route, who) + f"version {sub.version} accepted",
                account=save.account,
            )
        else:
            budget.accept_level(
                approver=approver.name,
                at=now,
                file_sha256=save.sha,
                detail=_level_words(route, who)
                + f"version {sub.version} accepted; next: {decided.stage()}",
                account=save.account,
            )
        app.store.save_budget(budget)
        if app.store.route(sub.project_number, sub.version) is not None:
            app.store.save_route(sub.project_number, sub.version, decided)
        app.store.note_decision_file(
            DecisionFile(
                sha256=save.sha,
                project_number=sub.project_number,
                version=sub.version,
                outcome=DecisionOutcome.ACCEPTED,
                at=now,
            )
        )
    crash_point("after_decision_recorded")
    clear_review(app, save.path)
    if not last:
        review = issue_due_level_review(app, budget)
        where = f"approval/{review.name}" if review else "the next pass"
        return Outcome(
            kind=OutcomeKind.PASSED_ON,
            file=save.path,
            project_number=sub.project_number,
            message=f"{route.current.level.name} by {_by(who)}; now with {decided.stage()}: "
            f"review workbook {where}",
        )
    record = export_accepted(app, sub.project_number)
    logger.debug(  # the pass reports the outcome itself
        "%s: version %d accepted by %s, exported as %s",
        sub.project_number,
        sub.version,
        approver.name,
        record.file_name,
    )
    return Outcome(
        kind=OutcomeKind.ACCEPTED,
        file=save.path,
        project_number=sub.project_number,
        message=f"by {_by(who)}; ERP file outbox/{record.file_name}",
    )


def _by(who: Decider) -> str:
    """``Carl Accountant``, or ``Dana Delegate for Carl Accountant``."""
    assert who.person is not None
    if who.on_behalf_of is None:
        return who.person.name
    return f"{who.person.name} for {who.on_behalf_of.name}"


def _level_words(route: ApprovalRoute, who: Decider) -> str:
    """What the history says of the level decided and for whom: ``Controller (level 2 of
    2): `` and ``for Carl Accountant, by Dana Delegate: ``; nothing for one plain level."""
    words = f"{route.stage()}: " if route.several else ""
    if who.on_behalf_of is not None and who.person is not None:
        words += f"for {who.on_behalf_of.name}, by {who.person.name}: "
    return words
