"""Use case: answer a review workbook whose decision is not applied: refused (foreign, stale,
by someone not allowed, incomplete) or saved after the version's approval was over.

The workbook stays in ``approval/`` with a ``.refused.txt`` beside it, the event goes into
the audit trail, and the people concerned get one email per save.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.domain.lifecycle import Action, Event, ProjectBudget, Submission
from pipeline.domain.local_time import local_time
from pipeline.domain.names import refused_note
from pipeline.domain.notification import Notification
from pipeline.domain.people import Person
from pipeline.domain.review import DecisionFile, DecisionOutcome, Verdict
from pipeline.services import notifications
from pipeline.services.approval_routing import waiting_on
from pipeline.services.context import Identity, Outcome, OutcomeKind, Services, logger
from pipeline.services.review_ports import SavedReview

ENDING_ACTIONS = (Action.ACCEPT, Action.REJECT, Action.RETRIEVE)


@dataclass(frozen=True, kw_only=True)
class ReviewSave:
    """One save of a review workbook: where it is, its bytes' hash, who saved it, for which
    version its file name stands, and (when it could be read) what it says."""

    path: Path
    sha: str
    account: str
    submission: Submission
    saved: SavedReview | None = None

    @property
    def named(self) -> str:
        """The approver the workbook names ("" when unread or blank)."""
        return self.saved.decision.approver if self.saved else ""


def issue_problems(app: Services, save: ReviewSave) -> list[str]:
    """Why this workbook is not the review issued for its version (empty when it is)."""
    assert save.saved is not None
    sub, marks = save.submission, save.saved.marks
    issue = app.store.current_review_issue(sub.project_number, sub.version)
    if issue is None:  # issued before tokens were recorded: the hidden sheet must agree
        if marks.project_number and (marks.project_number, marks.version) != (
            sub.project_number,
            str(sub.version),
        ):
            return [
                f"it is the review workbook of {marks.project_number} version "
                f"{marks.version}, not of {sub.project_number} version {sub.version}"
            ]
        return []
    why = marks.mismatch(issue)
    if not why:
        return []
    other = app.store.review_issue(marks.token()) if marks.token() else None
    zone = app.settings.time_zone
    if other is not None and (other.project_number, other.version) != (
        sub.project_number,
        sub.version,
    ):
        why = (
            f"it is the review workbook of {other.project_number} version {other.version} "
            f"(issued {local_time(other.issued_at, zone)} as {other.review_file}), saved under "
            f"the name of {sub.project_number} version {sub.version}"
        )
    elif other is not None:
        why = (
            f"it is an older copy of this version's review workbook (issued "
            f"{local_time(other.issued_at, zone)}); the one that counts was issued "
            f"{local_time(issue.issued_at, zone)}"
        )
    return [
        f"{why}. It is applied to no budget. Delete it (and this note): budget-erp then "
        f"writes the review workbook of {sub.project_number} version {sub.version} here again"
    ]


FIX_IT = "Correct the review workbook and save it again.\n"


def refuse_decision(
    app: Services,
    save: ReviewSave,
    problems: list[str],
    advice: str = FIX_IT,
    *,
    template: str = "decision_refused",
    outcome: DecisionOutcome = DecisionOutcome.REFUSED,
) -> Outcome:
    """Say why the decision is not applied beside the review workbook and by email (the
    ``template``), and record it once (as ``outcome``)."""
    sub, now = save.submission, app.clock.now()
    text = "; ".join(problems)
    _note(
        app,
        save.path,
        f"The decision saved in {save.path.name} on {local_time(now, app.settings.time_zone)} "
        "was not applied:\n" + "".join(f"- {p}\n" for p in problems) + advice,
    )
    mail = notifications.decision_not_applied(
        app,
        template,
        (save.sha, sub, save.path),
        _told(app, save),
        {"reasons": list(problems), **_who_saved(app.identity, save)},
    )
    _answered(app, save, mail, Action.REFUSE_DECISION, text, outcome)
    logger.debug("%s: decision not applied: %s", save.path.name, text)
    return Outcome(
        kind=OutcomeKind.DECISION_REFUSED,
        file=save.path,
        project_number=sub.project_number,
        message=text,
    )


def answer_after_the_fact(
    app: Services, save: ReviewSave, budget: ProjectBudget | None
) -> Outcome | None:
    """A save of a version whose approval is over: cleared when it adds nothing; answered
    (history, note, email) when it holds another decision than the one that counted."""
    assert save.saved is not None
    sub, decision = save.submission, save.saved.decision
    ending = _ending(app, sub)
    if not decision.answered or _same_decision(app, save, ending):
        clear_review(app, save.path, save.sha)
        return None
    now = app.clock.now()
    what = _what_happened(app, sub, ending, budget)
    text = (
        f"this save ({decision.verdict_text.strip()}) came after version {sub.version}'s "
        f"approval was over: {what}; the later save was not applied"
    )
    _note(
        app,
        save.path,
        f"The decision saved in {save.path.name} (found "
        f"{local_time(now, app.settings.time_zone)}) was not applied.\n"
        f"- {what}.\n- Your later save ({decision.verdict_text.strip()}) changed nothing.\n"
        + _late_advice(ending)
        + "Delete this workbook and this note once read.\n",
    )
    mail = notifications.decision_not_applied(
        app,
        "decision_late",
        (save.sha, sub, save.path),
        _told(app, save),
        {"what_happened": what, **_who_saved(app.identity, save)},
    )
    _answered(app, save, mail, Action.LATE_DECISION, text, DecisionOutcome.LATE)
    logger.debug("%s: %s", save.path.name, text)
    return Outcome(
        kind=OutcomeKind.DECISION_REFUSED,
        file=save.path,
        project_number=sub.project_number,
        message=text,
    )


def _answered(
    app: Services,
    save: ReviewSave,
    mail: list[Notification],
    action: Action,
    text: str,
    outcome: DecisionOutcome,
) -> None:
    """Record a save that was answered (refused, or too late), once, with its emails: in the
    history of every budget it concerns, and as read so it is not answered again."""
    sub, now = save.submission, app.clock.now()
    with app.store.transaction():
        notifications.enqueue_all(app, mail)
        for project, version in _budgets_concerned(app, save):
            app.store.record(
                Event(
                    project_number=project,
                    version=version,
                    action=action,
                    actor=save.named,
                    at=now,
                    detail=f"{save.path.name}: {text}",
                    file_sha256=save.sha,
                    account=save.account,
                )
            )
        app.store.note_decision_file(
            DecisionFile(
                sha256=save.sha,
                project_number=sub.project_number,
                version=sub.version,
                outcome=outcome,
                at=now,
            )
        )


def clear_review(app: Services, review: Path, sha: str | None = None) -> None:
    """The review workbook has served: keep its bytes in the archive, clear it and its note."""
    app.folders.retire(review, sha)


def _note(app: Services, review: Path, text: str) -> None:
    note = review.with_name(refused_note(review.name))
    app.folders.write_text(note, text)


def _told(app: Services, save: ReviewSave) -> list[Person]:
    """Who hears of it: the person the workbook names, whoever saved it, and the approvers."""
    people = app.identity.people()
    found = [people.find(save.named), *people.by_account(save.account)]
    found += waiting_on(app, save.submission.project_number, save.submission.version)
    unique: dict[str, Person] = {}
    for person in found:
        if person is not None:
            unique.setdefault(person.name, person)
    return list(unique.values())


def _who_saved(identity: Identity, save: ReviewSave) -> dict[str, object]:
    """For the email: ``saved_by``, the person whose account saved the workbook (else the
    account, "" when unknown), and ``named``, the approver its Approver cell names."""
    owners = identity.people().by_account(save.account)
    saved_by = owners[0].name if len(owners) == 1 else save.account and f"account {save.account}"
    return {"saved_by": saved_by, "named": save.named}


def _budgets_concerned(app: Services, save: ReviewSave) -> list[tuple[str, int]]:
    """The budget the file name stands for and, for a copy of another budget's review, that
    budget too: both histories show the attempt."""
    sub = save.submission
    found = [(sub.project_number, sub.version)]
    token = save.saved.marks.token() if save.saved else ""
    other = app.store.review_issue(token) if token else None
    if other is not None and (other.project_number, other.version) not in found:
        found.append((other.project_number, other.version))
    return found


def _ending(app: Services, sub: Submission) -> Event | None:
    """The event that ended the version's approval (the last accept, reject or retrieve)."""
    events = [
        e
        for e in app.store.history(sub.project_number)
        if e.version == sub.version and e.action in ENDING_ACTIONS
    ]
    return events[-1] if events else None


def _same_decision(app: Services, save: ReviewSave, ending: Event | None) -> bool:
    assert save.saved is not None
    decision = save.saved.decision
    if ending is None or ending.action is Action.RETRIEVE:
        return False
    if ending.action is Action.ACCEPT:
        return decision.verdict is Verdict.ACCEPT
    rejection = app.store.rejection(save.submission.project_number, save.submission.version)
    return (
        decision.verdict is Verdict.REJECT
        and rejection is not None
        and tuple(decision.reasons()) == rejection.reasons
        and decision.flags == rejection.flags
    )


def _what_happened(
    app: Services, sub: Submission, ending: Event | None, budget: ProjectBudget | None
) -> str:
    if ending is None:
        state = budget.status if budget else "not recorded"
        return f"version {sub.version} no longer awaits approval (the budget is {state})"
    when = local_time(ending.at, app.settings.time_zone)
    if ending.action is Action.ACCEPT:
        exports = [r for r in app.store.exports(sub.project_number) if r.version == sub.version]
        where = f" and exported as outbox/{exports[0].file_name}" if exports else ""
        return f"version {sub.version} was accepted by {ending.actor} on {when}{where}"
    if ending.action is Action.REJECT:
        return (
            f"version {sub.version} was rejected by {ending.actor} on {when} and handed back "
            f"to {sub.sender}"
        )
    return f"version {sub.version} was retrieved by {ending.actor} on {when}"


def _late_advice(ending: Event | None) -> str:
    if ending is not None and ending.action is Action.ACCEPT:
        return (
            "- To change a budget that was accepted, its budget admin sends a budget change "
            "(a corrected workbook into inbox/), which comes back to you for approval.\n"
        )
    if ending is not None and ending.action is Action.REJECT:
        return "- The budget admin corrects it and sends it again; you decide that version.\n"
    return ""
