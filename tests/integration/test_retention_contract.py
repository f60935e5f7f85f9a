"""Contract tests of pruning (``budget-erp prune``), on both engines: what is past its
retention goes, what an audit needs and what an open budget has stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.domain.lifecycle import Action, Event, ProjectBudget
from pipeline.domain.notification import Notification
from pipeline.domain.retention import NOTICE_ACTIONS, OPEN_STATUSES
from pipeline.domain.review import DecisionFile, DecisionOutcome, ReviewIssue
from pipeline.services.records import Store
from tests.conftest import OpenStore

NOW = datetime(2027, 3, 2, 9, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
RECENT = NOW - timedelta(days=10)
BEFORE = NOW - timedelta(days=365)
SETTLED, WAITING = "P-1", "P-2"


@pytest.fixture
def store(open_store: OpenStore) -> Store:
    """A settled budget (sent, accepted, exported a while ago) and one awaiting approval."""
    store = open_store()
    settled, waiting = ProjectBudget(project_number=SETTLED), ProjectBudget(project_number=WAITING)
    with store.transaction():
        settled.send(sender="Ada", at=OLD, file_sha256="1" * 64)
        settled.accept(approver="Carl", at=OLD, file_sha256="2" * 64)
        settled.mark_exported(at=OLD, detail="P-1_v1.csv", file_sha256="3" * 64)
        waiting.send(sender="Ada", at=OLD, file_sha256="4" * 64)
        store.save_budget(settled)
        store.save_budget(waiting)
    return store


def _notice(store: Store, project: str, action: Action, at: datetime, sha: str = "") -> None:
    with store.transaction():
        store.record(
            Event(
                project_number=project,
                version=1,
                action=action,
                actor="budget-erp",
                at=at,
                detail=f"{action} note",
                file_sha256=sha,
            )
        )


def _kept_projects(store: Store) -> set[str]:
    return store.projects_with_status(OPEN_STATUSES)


def test_open_budgets_are_those_still_worked_on(store: Store) -> None:
    assert _kept_projects(store) == {WAITING.lower()}


def test_old_notices_of_settled_budgets_go_and_decisions_stay(store: Store) -> None:
    _notice(store, SETTLED, Action.REFUSE, OLD, "5" * 64)
    _notice(store, SETTLED, Action.TIDY_HAND_BACKS, OLD)
    _notice(store, SETTLED, Action.LATE_DECISION, RECENT)
    _notice(store, WAITING, Action.REFUSE, OLD)  # its budget is open: kept
    _notice(store, "p-9", Action.SQUATTED, OLD)  # of no budget at all
    history = store.history(SETTLED)
    with store.transaction():
        removed = store.prune_events(NOTICE_ACTIONS, BEFORE, _kept_projects(store))
    assert removed == 3
    assert store.history(SETTLED) == [
        e for e in history if e.action not in (Action.REFUSE, Action.TIDY_HAND_BACKS)
    ]
    assert [e.action for e in store.history(SETTLED)] == [
        Action.SEND,
        Action.ACCEPT,
        Action.EXPORT,
        Action.LATE_DECISION,
    ]
    assert [e.action for e in store.history(WAITING)] == [Action.SEND, Action.REFUSE]
    assert store.history("P-9") == []


def test_a_prune_rolled_back_removes_nothing(store: Store) -> None:
    _notice(store, SETTLED, Action.REFUSE, OLD)
    with pytest.raises(RuntimeError), store.transaction():
        assert store.prune_events(NOTICE_ACTIONS, BEFORE, set()) == 1
        raise RuntimeError("a dry run")
    assert Action.REFUSE in [e.action for e in store.history(SETTLED)]


def test_only_mail_sent_long_ago_goes(store: Store) -> None:
    with store.transaction():
        for key, at in (("old", OLD), ("new", RECENT), ("queued", OLD), ("failed", OLD)):
            store.enqueue(
                Notification(
                    key=key,
                    template="sent",
                    to=("a@x",),
                    subject="s",
                    text="t",
                    html="<p>",
                    created_at=at,
                )
            )
        store.mark_sent("old", OLD)
        store.mark_sent("new", RECENT)
        store.mark_failed("failed", "5xx")
    with store.transaction():
        assert store.prune_sent_mail(BEFORE) == 1
    assert sorted(q.notification.key for q in store.mail_queue()) == ["failed", "new", "queued"]


def test_review_records_of_settled_budgets_go_those_of_a_waiting_version_stay(
    store: Store,
) -> None:
    issues = [
        ReviewIssue(
            token="t1",
            project_number=SETTLED,
            version=1,
            review_file="P-1_v1_review.xlsx",
            sha256="6" * 64,
            issued_at=OLD,
        ),
        ReviewIssue(
            token="t2",
            project_number=WAITING,
            version=1,
            review_file="P-2_v1_review.xlsx",
            sha256="7" * 64,
            issued_at=OLD,
        ),
        ReviewIssue(
            token="t3",
            project_number=SETTLED,
            version=1,
            review_file="P-1_v1_review.xlsx",
            sha256="8" * 64,
            issued_at=RECENT,
        ),
    ]
    with store.transaction():
        for issue in issues:
            store.add_review_issue(issue)
        for sha, project, at in (("a", SETTLED, OLD), ("b", WAITING, OLD), ("c", SETTLED, RECENT)):
            store.note_decision_file(
                DecisionFile(
                    sha256=sha * 64,
                    project_number=project,
                    version=1,
                    outcome=DecisionOutcome.ACCEPTED,
                    at=at,
                )
            )
    with store.transaction():
        assert store.prune_review_records(BEFORE, _kept_projects(store)) == (1, 1)
    assert store.review_issue("t1") is None
    assert store.current_review_issue(WAITING, 1) == issues[1]
    assert store.review_issue("t3") == issues[2]
    assert store.decision_outcome("a" * 64) is None
    assert store.decision_outcome("b" * 64) == DecisionOutcome.ACCEPTED
    assert store.decision_outcome("c" * 64) == DecisionOutcome.ACCEPTED


def test_records_of_hand_backs_tidied_long_ago_go(store: Store) -> None:
    with store.transaction():
        store.add_hand_backs(SETTLED, ["old.xlsx", "new.xlsx", "there.xlsx"], OLD)
        store.clear_hand_backs(["old.xlsx"], OLD)
        store.clear_hand_backs(["new.xlsx"], RECENT)
    with store.transaction():
        assert store.prune_hand_backs(BEFORE) == 1
    assert store.hand_backs(SETTLED) == ["there.xlsx"]
    with store.transaction():  # the one tidied lately is still recorded: this revives it
        store.add_hand_backs(SETTLED, ["new.xlsx"], NOW)
    assert store.hand_backs(SETTLED) == ["there.xlsx", "new.xlsx"]


def test_the_archive_keeps_what_records_and_notes_refer_to(store: Store) -> None:
    _notice(store, SETTLED, Action.REFUSE, OLD, "5" * 64)
    with store.transaction():
        store.record(
            Event(
                project_number=SETTLED,
                version=1,
                action=Action.TIDY_HAND_BACKS,
                actor="budget-erp",
                at=RECENT,
                detail="moved: a.xlsx (sha256 9abc" + "d" * 8 + ")",
            )
        )
        store.add_review_issue(
            ReviewIssue(
                token="t2",
                project_number=WAITING,
                version=1,
                review_file="r.xlsx",
                sha256="7" * 64,
                issued_at=OLD,
            )
        )
    references = store.archive_references()
    sent, decided, exported, refused = "1" * 64, "2" * 64, "3" * 64, "5" * 64
    assert all(references.refer_to(sha) for sha in (sent, decided, exported, refused, "7" * 64))
    assert references.refer_to("9abc" + "d" * 60)  # named in a note's words
    assert not references.refer_to("e" * 64)
    with store.transaction():
        store.prune_events(NOTICE_ACTIONS, BEFORE, _kept_projects(store))
    assert not store.archive_references().refer_to(refused)
    assert store.archive_references().refer_to(decided)
