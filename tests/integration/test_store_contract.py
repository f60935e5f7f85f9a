"""The store's contract, on each engine: SQLite on a file, and PostgreSQL on a real server
(``tests/support/postgres.py``). The same use cases run on either, so the same tests hold."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.exports import ExportKind, ExportResult
from pipeline.domain.lifecycle import Action, ProjectBudget, Status, Submission
from pipeline.domain.notification import MailStatus, Notification
from pipeline.domain.own_exports import Fingerprint
from pipeline.domain.review import (
    DecisionFile,
    DecisionOutcome,
    LineFlag,
    Rejection,
    ReviewIssue,
)
from pipeline.domain.review_figures import ReviewFigures, SheetFigures
from pipeline.errors import ConcurrentUpdate
from pipeline.services.records import ExportIntent, ExportRecord, Store
from tests.conftest import OpenStore

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)


@pytest.fixture
def store(open_store: OpenStore) -> Store:
    """A store on an empty state, of the engine the test is parametrised with."""
    return open_store()


def _sent(store: Store, project: str = "P-1") -> ProjectBudget:
    budget = ProjectBudget(project_number=project)
    with store.transaction():
        budget.send(sender="Ada", at=NOW, file_sha256="a" * 64)
        store.save_budget(budget)
        store.add_submission(
            Submission(
                project_number=project,
                version=1,
                action=Action.SEND,
                file_name="b.xlsx",
                file_sha256="a" * 64,
                fingerprint="fp",
                sender="Ada",
                at=NOW,
                review_file="r.xlsx",
                line_count=2,
                total="10.005",
                project_name="Depot",
                prepared_by="Ada",
                stated_total="10.005",
            ),
            [
                BudgetLine(
                    row=8,
                    sub_job="",
                    cost_code="01-100",
                    cost_type="L",
                    description="Work",
                    amount=Decimal("10.00"),
                    unit_qty=Decimal("1.5"),
                    uom="HR",
                    unit_cost=None,
                ),
                BudgetLine(
                    row=9,
                    sub_job="S",
                    cost_code="01-050",
                    cost_type="M",
                    description="Tiles",
                    amount=Decimal("0.005"),
                    unit_qty=None,
                    uom="",
                    unit_cost=None,
                ),
            ],
        )
    return budget


def test_round_trips_budget_submission_lines_and_history(open_store: OpenStore) -> None:
    store = open_store()
    _sent(store)
    store.close()

    reopened = open_store()
    budget = reopened.get_budget("p-1")  # Project Numbers compare without case
    assert budget is not None and (budget.status, budget.version) == (Status.AWAITING_APPROVAL, 1)
    lines = reopened.lines("P-1", 1)
    assert [line.row for line in lines] == [8, 9]  # sheet order
    assert lines[0].unit_qty == Decimal("1.5") and lines[0].amount == Decimal("10.00")
    assert str(lines[1].amount) == "0.005"  # money digit for digit
    assert reopened.submission_for_review("r.xlsx") == reopened.submission("P-1", 1)
    assert reopened.submissions_by_sha("a" * 64) == [reopened.submission("P-1", 1)]
    assert [e.action for e in reopened.history("p-1")] == [Action.SEND]
    assert [b.project_number for b in reopened.budgets()] == ["P-1"]


def test_rejections_keep_reasons_and_flags(store: Store) -> None:
    rejection = Rejection(
        version=1,
        approver="Carl",
        at=NOW,
        reasons=("a", "b"),
        flags=(LineFlag(LineKey("S", "01", "L"), "n"),),
    )
    with store.transaction():
        store.add_rejection("P-1", rejection)
    assert store.rejection("P-1", 1) == rejection
    assert store.rejection("P-1", 2) is None


def test_a_stale_write_is_refused(store: Store) -> None:
    _sent(store)
    first, second = store.get_budget("P-1"), store.get_budget("P-1")
    assert first is not None and second is not None
    with store.transaction():
        first.accept(approver="Carl", at=NOW)
        store.save_budget(first)
    second.retrieve(by="Ada", at=NOW)
    with pytest.raises(ConcurrentUpdate), store.transaction():
        store.save_budget(second)
    stored = store.get_budget("P-1")
    assert stored is not None and stored.status is Status.ACCEPTED


def test_a_failed_transaction_leaves_nothing(store: Store) -> None:
    with pytest.raises(RuntimeError), store.transaction():
        budget = ProjectBudget(project_number="P-2")
        budget.send(sender="Ada", at=NOW, file_sha256="b" * 64)
        store.save_budget(budget)
        raise RuntimeError("crash before commit")
    assert store.get_budget("P-2") is None
    assert store.history("P-2") == []


def test_events_keep_the_account_that_saved_the_file(store: Store) -> None:
    budget = _sent(store)
    with store.transaction():
        budget.accept(approver="Carl", at=NOW, account="CORP\\carl")
        store.save_budget(budget)
    assert [e.account for e in store.history("P-1")] == ["", "CORP\\carl"]


def test_the_review_issued_last_is_the_one_that_counts(store: Store) -> None:
    first = ReviewIssue(
        token="t1",
        project_number="P-1",
        version=1,
        review_file="P-1_v1_review.xlsx",
        sha256="a" * 64,
        issued_at=NOW,
    )
    again = ReviewIssue(
        token="t2",
        project_number="P-1",
        version=1,
        review_file="P-1_v1_review.xlsx",
        sha256="b" * 64,
        issued_at=NOW,
    )
    with store.transaction():
        store.add_review_issue(first)
        store.add_review_issue(again)  # the same version reviewed again (its export failed)
    assert store.current_review_issue("P-1", 1) == again
    assert store.review_issue("t1") == first
    assert store.current_review_issue("P-1", 2) is None


def test_a_review_issue_keeps_the_fingerprint_of_its_figures(store: Store) -> None:
    figures = ReviewFigures(
        {
            "Review": SheetFigures("1" * 64, 20),
            "Earlier Reasons": SheetFigures("2" * 64, 4),
            'Zusammenfassung "Ü"': SheetFigures("3" * 64, 9),
        },
        {"Decision": "Review!B14", "Reason": "Review!B15", "Approver": "Review!B16"},
    )
    issued = ReviewIssue(
        token="t1",
        project_number="P-1",
        version=1,
        review_file="P-1_v1_review.xlsx",
        sha256="a" * 64,
        issued_at=NOW,
        figures=figures,
    )
    older = ReviewIssue(
        token="t0",
        project_number="P-0",
        version=1,
        review_file="P-0_v1_review.xlsx",
        sha256="b" * 64,
        issued_at=NOW,
    )  # before figures
    with store.transaction():
        store.add_review_issue(issued)
        store.add_review_issue(older)
        store.note_decision_file(
            DecisionFile(
                sha256="c" * 64,
                project_number="P-1",
                version=1,
                outcome=DecisionOutcome.FIGURES_CHANGED,
                at=NOW,
            )
        )
    assert store.review_issue("t1") == issued
    assert store.current_review_issue("P-1", 1) == issued
    assert store.review_issue("t0") == older and older.figures is None
    assert store.decision_outcome("c" * 64) is DecisionOutcome.FIGURES_CHANGED


def test_a_file_name_stem_belongs_to_one_project_whatever_its_case(store: Store) -> None:
    with store.transaction():
        store.claim_stem("J_100", "J_100")
        store.claim_stem("J_100", "J_100")  # again: a no-op
    assert store.stem_owner("j_100") == "J_100"
    with pytest.raises(ConcurrentUpdate), store.transaction():
        store.claim_stem("j_100", "J-100")


def test_a_save_is_noted_once_and_its_outcome_replaced(store: Store) -> None:
    saved = DecisionFile(
        sha256="c" * 64, project_number="P-1", version=1, outcome=DecisionOutcome.PENDING, at=NOW
    )
    with store.transaction():
        store.note_decision_file(saved)
        store.note_decision_file(replace(saved, outcome=DecisionOutcome.ACCEPTED))
    assert store.decision_outcome("c" * 64) is DecisionOutcome.ACCEPTED
    assert store.decision_outcome("d" * 64) is None


def test_exports_and_the_erp_answer(store: Store) -> None:
    original = ExportRecord(
        project_number="P-1",
        version=1,
        file_name="P-1_v1.csv",
        sha256="e" * 64,
        line_count=2,
        total="10.005",
        at=NOW,
    )
    again = replace(original, seq=2, kind=ExportKind.AGAIN, file_name="P-1_v1_2.csv")
    with store.transaction():
        store.add_export(again)
        store.add_export(original)
    with store.transaction():
        store.set_export_result("P-1_v1.csv", ExportResult.SUCCESS, "ok", "42")
    assert [(r.seq, r.kind) for r in store.exports("P-1")] == [(1, "original"), (2, "again")]
    answered = store.export_by_file("P-1_v1.csv")
    assert answered == replace(
        original, result=ExportResult.SUCCESS, result_message="ok", erp_ids="42"
    )
    with pytest.raises(Exception), store.transaction():  # noqa: B017 - each engine its own
        store.add_export(replace(original, seq=3))  # the same file name twice


def test_export_intents_come_back_by_version_in_sequence_order(open_store: OpenStore) -> None:
    store = open_store()
    first = ExportIntent(
        ExportRecord(
            project_number="P-1",
            version=1,
            file_name="P-1_v1_001.csv",
            sha256="e" * 64,
            line_count=2,
            total="10.005",
            at=NOW,
        ),
        "m" * 64,
    )
    second = replace(
        first,
        record=replace(
            first.record, seq=2, file_name="P-1_v1_002.csv", kind=ExportKind.AGAIN, profile="x"
        ),
    )
    change = ExportIntent(
        replace(first.record, version=2, file_name="P-1_v2_001_change.csv", kind=ExportKind.CHANGE),
        "n" * 64,
    )
    with store.transaction():
        store.add_export_intent(second)
        store.add_export_intent(change)
        store.add_export_intent(first)
    store.close()

    reopened = open_store()
    assert reopened.export_intents("P-1", 1) == [first, second]
    assert reopened.export_intents("P-1", 2) == [change]
    assert reopened.export_intents("P-1", 3) == [] and reopened.export_intents("P-2", 1) == []
    assert reopened.export_intent_by_file("P-1_v2_001_change.csv") == change
    assert reopened.export_intent_by_file("P-1_v3_001.csv") is None
    assert first.fingerprint == Fingerprint("e" * 64, "m" * 64)


def test_a_name_is_intended_once(store: Store) -> None:
    intent = ExportIntent(
        ExportRecord(
            project_number="P-1",
            version=1,
            file_name="P-1_v1_001.csv",
            sha256="e" * 64,
            line_count=2,
            total="1.00",
            at=NOW,
        ),
        "m",
    )
    with store.transaction():
        store.add_export_intent(intent)
    other = replace(intent.record, seq=2, sha256="f" * 64)
    with pytest.raises(Exception), store.transaction():  # noqa: B017 - each engine its own
        store.add_export_intent(replace(intent, record=other))  # the same file name again
    with pytest.raises(Exception), store.transaction():  # noqa: B017
        store.add_export_intent(replace(intent, record=replace(other, file_name="x.csv", seq=1)))
    assert store.export_intents("P-1", 1) == [intent]


def test_an_intent_rolled_back_is_not_there(store: Store) -> None:
    intent = ExportIntent(
        ExportRecord(
            project_number="P-1",
            version=1,
            file_name="P-1_v1_001.csv",
            sha256="e" * 64,
            line_count=2,
            total="1.00",
            at=NOW,
        ),
        "m",
    )
    with pytest.raises(RuntimeError), store.transaction():
        store.add_export_intent(intent)
        raise RuntimeError("crash before commit")
    assert store.export_intents("P-1", 1) == []


def test_the_outbox_queues_once_and_delivers_when_due(store: Store) -> None:
    mail = Notification(
        key="k1",
        template="sent",
        to=("a@x", "b@x"),
        subject="Subject %s ?",
        text="text",
        html="<p>",
        created_at=NOW,
    )
    # An escalation copies someone: the Cc addresses come back as they went in.
    later = replace(mail, key="k2", created_at=NOW + timedelta(minutes=1), copy_to=("c@x",))
    with store.transaction():
        assert store.enqueue(mail) and store.enqueue(later)
        assert not store.enqueue(replace(mail, subject="again"))  # the key is taken
    assert store.has_notification("k1") and not store.has_notification("k3")
    assert [q.notification for q in store.due_mail(NOW + timedelta(hours=1))] == [mail, later]
    with store.transaction():
        store.mark_sent("k1", NOW)
        store.mark_retry("k2", "4xx", NOW + timedelta(hours=2))
    assert store.due_mail(NOW + timedelta(hours=1)) == []
    with store.transaction():
        store.mark_failed("k2", "5xx")
    by_key = {q.notification.key: q for q in store.mail_queue()}
    assert (by_key["k1"].status, by_key["k1"].attempts, by_key["k1"].sent_at) == (
        MailStatus.SENT,
        1,
        NOW,
    )
    assert (by_key["k2"].status, by_key["k2"].attempts) == (MailStatus.FAILED, 2)
    with store.transaction():
        assert store.requeue(NOW) == 0
        assert store.requeue(NOW, failed_too=True) == 1
    assert [q.notification.key for q in store.due_mail(NOW)] == ["k2"]


def test_handed_back_files_until_tidied(store: Store) -> None:
    with store.transaction():
        store.add_hand_backs("P-1", ["b.xlsx", "b.xlsx.txt"], NOW)
        store.add_hand_backs("P-2", ["c.xlsx"], NOW)
    with store.transaction():
        store.clear_hand_backs(["b.xlsx"], NOW)
    assert store.hand_backs("p-1") == ["b.xlsx.txt"]
    with store.transaction():  # handed back again: it counts again
        store.add_hand_backs("P-1", ["b.xlsx"], NOW + timedelta(seconds=1))
    assert store.hand_backs("P-1") == ["b.xlsx.txt", "b.xlsx"]


def test_budgets_come_most_recently_changed_first(store: Store) -> None:
    _sent(store, "P-1")
    _sent(store, "P-2")
    second = store.get_budget("P-2")
    assert second is not None
    with store.transaction():
        second.accept(approver="Carl", at=NOW + timedelta(minutes=5))
        store.save_budget(second)
    assert [b.project_number for b in store.budgets()] == ["P-2", "P-1"]


def test_a_route_keeps_its_levels_decisions_and_review_inputs(store: Store) -> None:
    from pipeline.domain.approval_route import ApprovalRoute, Level, LevelDecision, RouteLevel
    from pipeline.domain.budget import ReasonResponse
    from pipeline.domain.problems import Problem, Severity
    from pipeline.domain.review import ReviewInputs

    route = ApprovalRoute(
        (
            RouteLevel(Level(name="Accounting", role="accounting_approver")),
            RouteLevel(
                Level(
                    name="Controller",
                    people=("Vera Controller",),
                    when_total_over=Decimal("1000000"),
                    escalate_to="Carl",
                ),
                "total 1,200,000.00 over 1,000,000.00",
            ),
        )
    )
    inputs = ReviewInputs(
        "rejected",
        (
            Problem(
                rule="text.hidden_removed",
                message="hidden",
                sheet="Budget",
                cell="C9",
                severity=Severity.WARNING,
            ),
        ),
        (ReasonResponse("03-300/M", "too high", "quote attached"),),
    )
    with store.transaction():
        store.add_route("P-1", 2, route, inputs)
    assert store.route("P-1", 1) is None  # sent before routing

    later = route.accepted(LevelDecision("Accounting", "Dana", NOW, "Carl Accountant"))
    with store.transaction():
        store.save_route("P-1", 2, later)

    assert store.route("P-1", 2) == later
    assert store.review_inputs("P-1", 2) == inputs


def test_a_snapshot_reads_as_the_store_does_and_sees_what_is_written(store: Store) -> None:
    from pipeline.domain.approval_route import SINGLE_LEVEL
    from pipeline.domain.review import ReviewInputs

    _sent(store, "P-1")
    _sent(store, "P-2")
    first = ReviewIssue(
        token="t1",
        project_number="P-1",
        version=1,
        review_file="P-1_v1_review.xlsx",
        sha256="a" * 64,
        issued_at=NOW,
    )
    again = ReviewIssue(
        token="t2",
        project_number="P-1",
        version=1,
        review_file="P-1_v1_review.xlsx",
        sha256="b" * 64,
        issued_at=NOW,
        level=1,
    )
    route = SINGLE_LEVEL.route(Decimal(10), None)
    record = ExportRecord(
        project_number="P-2",
        version=1,
        file_name="P-2_v1_001.csv",
        sha256="c" * 64,
        line_count=2,
        total="10.005",
        at=NOW,
    )
    with store.transaction():
        store.add_review_issue(first)
        store.add_review_issue(again)
        store.add_route("P-1", 1, route, ReviewInputs())
        store.add_export(record)

    def reads() -> tuple[object, ...]:
        return (
            store.budgets(),
            store.submission("P-1", 1),
            store.submission("P-1", 2),
            store.current_review_issue("P-1", 1),
            store.current_review_issue("P-2", 1),
            store.route("P-1", 1),
            store.route("P-2", 1),
            store.exports("P-2"),
            store.exports("P-1"),
            store.history("P-1"),
        )

    outside = reads()
    with store.snapshot():
        assert reads() == outside
        assert store.current_review_issue("P-1", 1) == again  # the newest, as outside
        with store.transaction():
            store.add_review_issue(replace(again, token="t3", level=2))
            assert store.current_review_issue("P-1", 1).level == 2  # type: ignore[union-attr]
        assert store.current_review_issue("P-1", 1).level == 2  # type: ignore[union-attr]


def test_the_decisions_mark_moves_with_every_event_and_review_issued(store: Store) -> None:
    empty = store.decisions_mark()
    _sent(store, "P-1")
    sent = store.decisions_mark()
    with store.transaction():
        store.add_review_issue(
            ReviewIssue(
                token="t1",
                project_number="P-1",
                version=1,
                review_file="P-1_v1_review.xlsx",
                sha256="a" * 64,
                issued_at=NOW,
            )
        )
    issued = store.decisions_mark()
    assert len({empty, sent, issued}) == 3
    assert store.decisions_mark() == issued  # reading moves nothing


def test_the_mail_not_sent_comes_oldest_first_and_the_last_pass_is_kept(store: Store) -> None:
    assert store.last_pass() is None and store.unsent_mail() == []
    mail = [
        Notification(
            key=key,
            template="sent",
            to=("a@x",),
            subject="s",
            text="t",
            html="<p>",
            created_at=NOW + timedelta(minutes=minutes),
        )
        for key, minutes in (("late", 2), ("b", 1), ("a", 1), ("gone", 0))
    ]
    with store.transaction():
        for notification in mail:
            store.enqueue(notification)
        store.mark_sent("gone", NOW)
        store.mark_failed("late", "5xx")
        store.note_pass(NOW)
        store.note_pass(NOW + timedelta(seconds=5))  # the one before is replaced
    assert [q.notification.key for q in store.unsent_mail()] == ["a", "b", "late"]
    assert [q.notification.key for q in store.unsent_mail(limit=2)] == ["a", "b"]
    assert store.last_pass() == NOW + timedelta(seconds=5)
