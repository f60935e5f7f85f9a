"""Use case: the status page. Gather each budget's story (the version in force in the ERP,
what is pending, rejected or withdrawn on top of it, its amounts), what waits, on whom and for
how long, the refused workbooks waiting for an admin, the latest events, the mail still to go
and the last pass into a ``StatusView``, and write it atomically after
each pass that changed anything (and on demand: ``budget-erp status --html``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from pipeline.domain.exports import Refusal
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.names import (
    FAILED,
    current_file,
    error_note,
    problems_copy,
    refused_note,
    rejected_for_review,
)
from pipeline.domain.notification import MailStatus
from pipeline.domain.people import Directory
from pipeline.domain.route_words import action_words
from pipeline.domain.status_view import (
    BudgetRow,
    EventLine,
    FileLink,
    MailLine,
    ProjectEvents,
    RefusedWorkbook,
    StatusView,
    age_text,
    is_overdue,
    state_label,
    status_link,
    waiting_on,
    waiting_since,
)
from pipeline.errors import ConfigError
from pipeline.services.budget_amounts import amounts, sent_totals
from pipeline.services.context import Services, logger
from pipeline.services.erp_standing import ErpStanding, results_in_use, standing
from pipeline.services.escalation import is_escalated
from pipeline.services.page_links import Links
from pipeline.services.records import ExportRecord
from pipeline.services.route_standing import approvers, delegations_today, waiting_level
from pipeline.services.sharing import PAGE
from pipeline.services.status_health import health_lines

EVENTS_PER_PROJECT = 3


def gather(app: Services, page: Path) -> StatusView:
    """The page's content now, its links relative to ``page``'s folder: one query per table
    (``store.snapshot``) and one listing per folder linked to, whatever the number of
    budgets."""
    with app.store.snapshot():
        return _gathered(app, Links(app, page.parent))


def _gathered(app: Services, links: Links) -> StatusView:
    now = app.clock.now().astimezone(ZoneInfo(app.settings.time_zone))  # shown local
    directory = app.identity.people()
    budgets = app.store.budgets()
    exports = {b.project_number: app.store.exports(b.project_number) for b in budgets}
    results = results_in_use(app, (r for found in exports.values() for r in found))
    rows = tuple(
        _row(
            app,
            budget,
            exports[budget.project_number],
            standing(app, budget, exports[budget.project_number], results),
            (links, now),
            directory,
        )
        for budget in _ordered(budgets)
    )
    return StatusView(
        workspace=app.settings.root.name,
        generated_at=now,
        time_zone=app.settings.time_zone,
        overdue_days=app.settings.overdue_days,
        budgets=rows,
        events=tuple(_events(app, budget.project_number) for budget in budgets),
        mail=tuple(_mail(app)),
        health=health_lines(app, now),
        results_in_use=results,
        refused=tuple(_refused_workbooks(app, links)),
        delegations=delegations_today(app, directory),
    )


def write_page(app: Services, target: Path | None = None) -> Path:
    """Write the page to ``target`` (default: ``[status] page``), whole or not at all."""
    page = target or app.settings.status_page
    if page is None:
        raise ConfigError("no status page is configured ([status] page); name a file to write")
    html = app.render_status(gather(app, page))
    app.folders.write_text(page, html)
    return page


def after_pass(app: Services, changed: bool) -> None:
    """Note the pass; rewrite the page if the pass changed anything (or an earlier write
    failed), if this process has not written it yet, or if it is older than
    ``refresh_minutes`` (so it shows the daemon alive).

    The page never stops a pass: trouble is logged, and the next pass tries again.
    """
    now = app.clock.now()
    memory = app.memory.page
    memory.pending = memory.pending or changed
    try:
        with app.store.transaction():
            app.store.note_pass(now)
    except Exception as exc:  # the database's trouble shows elsewhere; the page still goes
        logger.error("could not record the pass for the status page: %s", exc)
    if app.settings.status_page is None or not _due(app, now):
        return
    try:
        with app.store.hold(PAGE, wait=True):  # one daemon writes it at a time
            write_page(app)
    except Exception as exc:  # the page is a view; the workflow goes on without it
        logger.error("could not write the status page: %s", exc)
        logger.debug("status page traceback", exc_info=exc)
        return
    memory.written_at, memory.pending = now, False


def refresh(app: Services) -> None:
    """Rewrite the page after a change made outside a pass (a retrieve, a withdraw), if one
    is configured; like ``after_pass``, trouble is logged, never raised."""
    if app.settings.status_page is None:
        return
    try:
        write_page(app)
    except Exception as exc:  # the change is committed; the page catches up next pass
        logger.error("could not write the status page: %s", exc)
        logger.debug("status page traceback", exc_info=exc)


def link_in_mail(app: Services) -> str:
    """Where people open the page, for the emails: empty without ``[status] url`` or page."""
    page = app.settings.status_page
    if page is None:
        return ""
    return status_link(app.settings.status_url, PurePosixPath(page.relative_to(app.settings.root)))


def _due(app: Services, now: datetime) -> bool:
    written = app.memory.page.written_at
    if app.memory.page.pending or written is None:
        return True
    return now - written >= timedelta(minutes=app.settings.status_refresh_minutes)


def _ordered(budgets: list[ProjectBudget]) -> list[ProjectBudget]:
    """Those waiting longest first, then the ones waiting on nobody by project number."""
    waiting = sorted(
        (b for b in budgets if waiting_since(b) is not None),
        key=lambda b: (waiting_since(b), b.project_number),
    )
    rest = sorted((b for b in budgets if waiting_since(b) is None), key=lambda b: b.project_number)
    return waiting + rest


def _row(
    app: Services,
    budget: ProjectBudget,
    exports: list[ExportRecord],
    erp: ErpStanding,
    where: tuple[Links, datetime],
    directory: Directory,
) -> BudgetRow:
    """One budget's row; ``where`` is the page's links and now."""
    links_to, now = where
    submission = app.store.submission(budget.project_number, budget.version)
    waiting = waiting_level(app, directory, budget, now.date())  # now is local
    route = waiting.route if waiting is not None and waiting.several else None  # else: no level
    since = waiting_since(budget)
    since = since.astimezone(now.tzinfo) if since else None
    links = _links(app, budget, submission.review_file if submission else "", links_to)
    for record in erp.files():
        links += links_to(app.settings.outbox / record.file_name, "ERP file")
    current = app.settings.current / current_file(budget.project_number)
    links += links_to(current, "budget in force")  # for the next change
    if erp.refusal is not None:
        links += _refused_links(app, erp.refusal, links_to)
    money = amounts(
        budget,
        submission.total if submission else None,
        exports,
        sent_totals(app, budget.project_number),
    )
    return BudgetRow(
        project_number=budget.project_number,
        project_name=submission.project_name if submission else "",
        state=state_label(budget.status, erp.results_in_use) if budget.status else "",
        status=str(budget.status or ""),
        version=budget.version,
        sender=budget.sender,
        approvers=approvers(app, directory, budget, now.date()),
        waiting_on=waiting_on(budget),
        waiting_since=since,
        waiting_for=age_text(now - since) if since else "",
        overdue=is_overdue(budget, now, app.settings.overdue_days),
        in_erp=erp.in_erp(),
        links=links,
        refusal=erp.refusal,
        on_top_of=money.below if not _in_force(erp, budget.version) else None,
        total=money.total_text,
        net_change=money.net_change_text,
        escalated=is_escalated(app, budget, now),
        level=route.stage() if route else "",
        accepted=tuple(
            replace(d, at=d.at.astimezone(now.tzinfo)) for d in (route.decisions if route else ())
        ),
    )


def _in_force(erp: ErpStanding, version: int) -> bool:
    """Whether ``version`` itself is the one in force in the ERP (or only sent to it)."""
    return erp.in_force is not None and erp.in_force.version == version


def _refused_workbooks(app: Services, links_to: Links) -> list[RefusedWorkbook]:
    """Workbooks refused on arrival and still in rejected/: each waits for its admin."""
    zone = ZoneInfo(app.settings.time_zone)
    found = []
    for workbook, at in app.folders.handed_back_in(app.settings.rejected):
        links = links_to(workbook, "workbook")
        links += links_to(workbook.with_name(refused_note(workbook.name)), "why")
        marked = workbook.with_name(problems_copy(workbook.name))
        links += links_to(marked, "problems marked")
        found.append(RefusedWorkbook(datetime.fromtimestamp(at, zone), links))
    return found


def _refused_links(app: Services, refusal: Refusal, links_to: Links) -> tuple[FileLink, ...]:
    """The refused file where it was set aside, and the ERP's message beside it."""
    failed = app.settings.outbox / FAILED / PurePosixPath(refusal.file_name).name
    return links_to(failed, "refused ERP file") + links_to(
        failed.with_name(error_note(failed.name)), "ERP's message"
    )


def _links(
    app: Services, budget: ProjectBudget, review_file: str, links_to: Links
) -> tuple[FileLink, ...]:
    """The review workbook waiting for the approver, or the one handed back to the sender."""
    if not review_file:
        return ()
    if budget.with_approver or budget.export_failed:
        return links_to(app.settings.approval / review_file, "review")
    if budget.rejected:
        rejected = app.settings.rejected / rejected_for_review(review_file)
        return links_to(rejected, "rejected")
    return ()


def _events(app: Services, project_number: str) -> ProjectEvents:
    zone = ZoneInfo(app.settings.time_zone)
    latest = app.store.history(project_number)[-EVENTS_PER_PROJECT:]
    lines = [
        EventLine(
            at=e.at.astimezone(zone),
            version=e.version,
            action=action_words(e.action),
            actor=e.actor,
            detail=e.detail,
        )
        for e in latest
    ]
    return ProjectEvents(project_number, tuple(reversed(lines)))


def _mail(app: Services) -> list[MailLine]:
    return [
        MailLine(
            status="failed" if queued.status is MailStatus.FAILED else "waiting",
            to=", ".join(queued.notification.to),
            subject=queued.notification.subject,
            created_at=queued.notification.created_at.astimezone(ZoneInfo(app.settings.time_zone)),
            attempts=queued.attempts,
            last_error=queued.last_error,
        )
        for queued in app.store.unsent_mail()
    ]
