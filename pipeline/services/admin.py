"""Use cases a person runs by hand: retrieve, withdraw, status and history."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass

from pipeline.domain.exports import Confirmation
from pipeline.domain.lifecycle import TRANSITIONS, Action, Event, ProjectBudget
from pipeline.domain.names import rejected_for_review
from pipeline.domain.notification import Notification
from pipeline.domain.people import Role
from pipeline.errors import DecisionBeingSaved, InvalidTransition, UnknownProject
from pipeline.services.actors import Actor, acting_person
from pipeline.services.approval_routing import route_of, today
from pipeline.services.budget_amounts import amounts, sent_totals
from pipeline.services.context import Services, logger
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_standing import results_in_use, standing
from pipeline.services.escalation import is_escalated
from pipeline.services.hand_backs import tidy_after
from pipeline.services.notifications import enqueue_all
from pipeline.services.route_standing import waiting_level
from pipeline.services.sharing import project_item
from pipeline.services.taken_back import taken_back


def _budget(app: Services, project_number: str, by: str | None) -> tuple[ProjectBudget, Actor]:
    budget = app.store.get_budget(project_number)
    if budget is None:
        raise UnknownProject(f"no budget is recorded for project {project_number}")
    actor = acting_person(app, by, budget.project_number, (Role.BUDGET_ADMIN,), "a budget admin")
    return budget, actor


def retrieve(app: Services, project_number: str, by: str | None) -> ProjectBudget:
    """Take a budget back from the approval queue before the approver answers (unlocks it).
    A decision the approver saved and no pass has applied yet is applied first."""
    # Not while a pass reads or answers the same review: one on this machine (SQLite), or any
    # daemon's work on this budget (PostgreSQL).
    with app.folders.pass_lock(), app.store.hold(project_item(project_number), wait=True):
        budget, actor = _budget(app, project_number, by)
        submission = app.store.submission(budget.project_number, budget.version)
        with _decided_first(app, budget) as budget:
            mail = _told(app, budget, actor, Action.RETRIEVE)
            with app.store.transaction():
                budget.retrieve(by=actor.name, at=app.clock.now(), account=actor.account)
                app.store.save_budget(budget)
                enqueue_all(app, mail)
        if submission is not None:
            review = app.settings.approval / submission.review_file
            app.folders.retire(review)
    logger.info("%s: retrieved by %s", project_number, actor.name)
    return budget


def withdraw(app: Services, project_number: str, by: str | None) -> ProjectBudget:
    """Close a rejected budget that will not be re-sent (a Reject the approver saved and no
    pass has applied yet is applied first); its hand-back leaves rejected/ for the archive."""
    with app.folders.pass_lock(), app.store.hold(project_item(project_number), wait=True):
        budget, actor = _budget(app, project_number, by)
        with _decided_first(app, budget) as budget:
            mail = _told(app, budget, actor, Action.WITHDRAW)
            with app.store.transaction():
                budget.withdraw(by=actor.name, at=app.clock.now(), account=actor.account)
                app.store.save_budget(budget)
                enqueue_all(app, mail)
        tidy_after(app, budget.project_number, budget.version)
    logger.info("%s: withdrawn by %s", project_number, actor.name)
    return budget


def _told(app: Services, budget: ProjectBudget, actor: Actor, action: Action) -> list[Notification]:
    """The email of ``action``, rendered before the budget changes; none when the action is
    not allowed (the transition refuses it, saying why)."""
    if TRANSITIONS.get((budget.status, action)) is None:
        return []
    submission = app.store.submission(budget.project_number, budget.version)
    return taken_back(app, budget, submission, actor, action)


@contextlib.contextmanager
def _decided_first(app: Services, budget: ProjectBudget) -> Iterator[ProjectBudget]:
    """The budget as it is once a decision saved in its review workbook is applied: no
    saved decision is archived unread. A review still open in Excel or LibreOffice, or
    half written, may hold one: the action is refused, naming it. An action the
    applied decision no longer allows is refused saying so."""
    submission = app.store.submission(budget.project_number, budget.version)
    review = app.settings.approval / submission.review_file if submission else None
    modified = app.folders.modified(review) if review and budget.with_approver else None
    if review is None or modified is None:
        yield budget
        return
    saving = app.clock.file_time() - modified < app.settings.settle_seconds
    if app.folders.is_open(review) or (saving and not app.inbox.is_complete_zip(review)):
        raise DecisionBeingSaved(
            f"approval/{review.name} is open in Excel or LibreOffice, or still being saved: "
            "it may hold the approver's decision; try again once it is saved and closed"
        )
    outcome = apply_review_file(app, review)
    if outcome is None:
        yield budget
        return
    logger.info("%s", outcome)
    decided = app.store.get_budget(budget.project_number) or budget
    try:
        yield decided
    except InvalidTransition as exc:
        raise InvalidTransition(
            f"the decision saved in approval/{review.name} was applied first ({outcome}); {exc}"
        ) from exc


@dataclass(frozen=True)
class NeededLevel:
    """A level a version was sent under, and why it needs it ("" when every version does)."""

    name: str
    why: str


@dataclass(frozen=True)
class AcceptedLevel:
    """An earlier level's Accept of the version awaiting approval."""

    level: str
    approver: str
    on_behalf_of: str  # the person the approver stood in for, as a delegate; "" when none
    at: str  # ISO moment

    @property
    def who(self) -> str:
        """``Carl Accountant``, or ``Dana Delegate for Carl Accountant``."""
        return f"{self.approver} for {self.on_behalf_of}" if self.on_behalf_of else self.approver


@dataclass(frozen=True, kw_only=True)
class StatusRow:
    """One line of ``budget-erp status``."""

    project_number: str
    status: str
    version: int
    sender: str
    sent_at: str
    changed_at: str
    locked: bool
    where: str
    in_erp: str = ""  # the version in force in the ERP and its file, when one was exported
    erp_state: str = ""  # with results in use: sent, not confirmed / in the ERP (confirmed)
    erp_message: str = ""  # refused by the ERP: its message
    total: str = ""  # this version's total, "1,234.50"
    net_change: str = ""  # against the version in force below it, "+1,200.00"
    escalated: bool = False  # waiting at its approval level past ``escalate_after_days``
    levels: tuple[NeededLevel, ...] = ()  # the route the version was sent under
    waiting_level: str = ""  # "Controller (level 2 of 2)": empty unless it waits on approvers
    receivers: tuple[str, ...] = ()  # who receives that level today: "Dana Delegate for Carl..."
    accepted: tuple[AcceptedLevel, ...] = ()  # the earlier levels' Accepts, this round

    @property
    def erp_cell(self) -> str:
        """The IN THE ERP cell: the files and what the ERP said of them, then a refusal (its
        message is in ``--json`` and the history)."""
        refused = self.erp_state if self.erp_state == Confirmation.REFUSED else ""
        return "; ".join(text for text in (self.in_erp, refused) if text)


def status(app: Services) -> list[StatusRow]:
    """Every budget: where it stands in the ERP, its state on top of that, its amounts,
    whether it is escalated, and where its current file is; with the route its version was
    sent under, the level it waits on and who receives it, and the earlier levels' Accepts.
    One query per table, whatever the number of budgets (``store.snapshot``)."""
    with app.store.snapshot():
        return _status_rows(app)


def _status_rows(app: Services) -> list[StatusRow]:
    budgets = app.store.budgets()
    directory, day = app.identity.people(), today(app)
    exports = {b.project_number: app.store.exports(b.project_number) for b in budgets}
    results = results_in_use(app, (r for found in exports.values() for r in found))
    now = app.clock.now()
    rows = []
    for budget in budgets:
        submission = app.store.submission(budget.project_number, budget.version)
        erp = standing(app, budget, exports[budget.project_number], results)
        money = amounts(
            budget,
            submission.total if submission else None,
            exports[budget.project_number],
            sent_totals(app, budget.project_number),
        )
        waiting = waiting_level(app, directory, budget, day)
        route = waiting.route if waiting else route_of(app, budget.project_number, budget.version)
        rows.append(
            StatusRow(
                project_number=budget.project_number,
                status=str(budget.status),
                version=budget.version,
                sender=budget.sender,
                sent_at=budget.sent_at.isoformat(timespec="seconds") if budget.sent_at else "",
                changed_at=budget.changed_at.isoformat(timespec="seconds")
                if budget.changed_at
                else "",
                locked=budget.locked,
                where=_where(app, budget, submission.review_file if submission else ""),
                in_erp=erp.in_erp("outbox/"),
                erp_state=erp.confirmation,
                erp_message=erp.refusal.message if erp.refusal else "",
                total=money.total_text,
                net_change=money.net_change_text,
                escalated=is_escalated(app, budget, now),
                levels=tuple(NeededLevel(step.level.name, step.why) for step in route.levels),
                waiting_level=waiting.route.stage() if waiting else "",
                receivers=waiting.receivers if waiting else (),
                accepted=tuple(
                    AcceptedLevel(
                        d.level, d.approver, d.on_behalf_of, d.at.isoformat(timespec="seconds")
                    )
                    for d in (waiting.route.decisions if waiting else ())
                ),
            )
        )
    return rows


def _where(app: Services, budget: ProjectBudget, review_file: str) -> str:
    if budget.with_approver:
        return f"approval/{review_file}"
    if budget.in_erp:
        records = app.store.exports(budget.project_number)
        return f"outbox/{records[-1].file_name}" if records else ""
    if budget.export_failed:
        return f"approval/{review_file}"
    if budget.rejected:
        return f"rejected/{rejected_for_review(review_file)}"
    return ""


def history(app: Services, project_number: str) -> list[Event]:
    """The audit trail of a project: every submission, refusal, decision and export."""
    events = app.store.history(project_number)
    if not events:
        raise UnknownProject(f"nothing is recorded for project {project_number}")
    return events
