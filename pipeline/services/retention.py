"""Use case: ``budget-erp prune``. The state and the archive grow with the work; what an audit
needs is kept forever (every decision, every export, the bytes of every version sent) and so
is everything of a budget still open. The rest goes once older than ``[retention]`` says:
notice events, mail sent, the review workbooks issued and saves read of settled budgets, the
records of tidied hand-backs, and the archived bytes nothing kept refers to any more."""

from __future__ import annotations

from datetime import datetime

from pipeline.domain.retention import NOTICE_ACTIONS, OPEN_STATUSES, Pruned
from pipeline.services.context import Services, logger
from pipeline.services.ports import ArchivedFile
from pipeline.services.sharing import PASSES


class _DryRun(Exception):
    """Raised inside the transaction to roll it back: a dry run counts what a run removes,
    archive included, by doing it all but the commit."""

    def __init__(self, pruned: Pruned) -> None:
        super().__init__("dry run")
        self.pruned = pruned


def prune(app: Services, dry_run: bool = False) -> Pruned:
    """Remove what is past its retention (on a dry run, only count it); what went. Runs
    between passes (it takes the pass lock, waiting for one under way to end), so nothing a
    pass still needs (a claim in processing/, the review of a waiting version) goes."""
    with app.folders.pass_lock(), app.store.hold(PASSES, wait=True):
        now = app.clock.now()
        try:
            with app.store.transaction():
                pruned, unreferenced = _prune_records(app, now)
                if dry_run:
                    raise _DryRun(pruned)
        except _DryRun as run:
            return run.pruned
        # Only once the records that named them are gone for good: a failed commit keeps all.
        for item in unreferenced:
            app.folders.discard_archived(item)
        app.store.compact()
    logger.info("pruned: %s", "; ".join(pruned.lines(dry_run=False)))
    return pruned


def _prune_records(app: Services, now: datetime) -> tuple[Pruned, list[ArchivedFile]]:
    """Remove the old records inside the open transaction; with the archived files that
    nothing kept refers to then."""
    retention, store = app.settings.retention, app.store
    open_projects = store.projects_with_status(OPEN_STATUSES)
    events = mail = saves = issues = handed_back = 0
    if before := retention.before(retention.events_days, now):
        events = store.prune_events(NOTICE_ACTIONS, before, open_projects)
        handed_back = store.prune_hand_backs(before)
    if before := retention.before(retention.mail_days, now):
        mail = store.prune_sent_mail(before)
    if before := retention.before(retention.reviews_days, now):
        saves, issues = store.prune_review_records(before, open_projects)
    unreferenced: list[ArchivedFile] = []
    if before := retention.before(retention.archive_days, now):
        references = store.archive_references()
        unreferenced = [
            item
            for item in app.folders.archived_files()
            if item.modified < before.timestamp() and not references.refer_to(item.sha256)
        ]
    pruned = Pruned(
        events=events,
        mail=mail,
        decision_files=saves,
        review_issues=issues,
        handed_back=handed_back,
        archive_files=len(unreferenced),
        archive_bytes=sum(item.size for item in unreferenced),
    )
    return pruned, unreferenced
