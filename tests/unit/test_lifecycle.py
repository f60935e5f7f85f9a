"""The budget life cycle: every (state, action) pair, send versions, events and locking."""

from __future__ import annotations

import copy
import itertools
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from pipeline.domain.errors import InvalidTransition
from pipeline.domain.lifecycle import TRANSITIONS, Action, ProjectBudget, Status, send_action

AT = datetime(2024, 5, 1, 9, 30, tzinfo=UTC)
SENDS = {Action.SEND, Action.RESEND, Action.CHANGE}
PAIRS = list(itertools.product([None, *Status], Action))

# The method performing each action, and the actor it should record.
CALLS: dict[Action, tuple[Callable[[ProjectBudget], object], str]] = {
    Action.SEND: (lambda b: b.send(sender="ada", at=AT, file_sha256="f1"), "ada"),
    Action.RESEND: (lambda b: b.send(sender="ada", at=AT, file_sha256="f1"), "ada"),
    Action.CHANGE: (lambda b: b.send(sender="ada", at=AT, file_sha256="f1"), "ada"),
    Action.SYNC: (lambda b: b.mark_synced(at=AT, detail="imported"), "erp"),
    Action.FAIL_EXPORT: (lambda b: b.mark_export_failed(at=AT, detail="bad code"), "erp"),
    Action.ACCEPT: (lambda b: b.accept(approver="carl", at=AT), "carl"),
    Action.ACCEPT_LEVEL: (
        lambda b: b.accept_level(approver="carl", at=AT, detail="level 1 of 2", file_sha256="f3"),
        "carl",
    ),
    Action.REJECT: (lambda b: b.reject(approver="carl", at=AT, detail="too high"), "carl"),
    Action.EXPORT: (
        lambda b: b.mark_exported(at=AT, detail="P-1.csv", file_sha256="f2"),
        "budget-erp",
    ),
    Action.RETRIEVE: (lambda b: b.retrieve(by="ada", at=AT), "ada"),
    Action.WITHDRAW: (lambda b: b.withdraw(by="ada", at=AT), "ada"),
}


def _budget(status: Status | None) -> ProjectBudget:
    return ProjectBudget(project_number="P-1", status=status, version=0 if status is None else 2)


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_each_pair_moves_or_refuses(status: Status | None, action: Action) -> None:
    budget = _budget(status)
    before = budget.version
    if action not in CALLS or (action in SENDS and send_action(status) is not action):
        # No method performs this pair (audit-only action, or a send kind send() won't pick).
        assert (status, action) not in TRANSITIONS
        return
    call, actor = CALLS[action]
    target = TRANSITIONS.get((status, action))
    if target is None:
        with pytest.raises(InvalidTransition, match=rf"is {status or 'never sent'}: cannot "):
            call(budget)
        assert (budget.status, budget.version, budget.events) == (status, before, [])
    else:
        call(budget)
        assert budget.status is target
        assert [(e.action, e.actor, e.at) for e in budget.events] == [(action, actor, AT)]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, Action.SEND),
        (Status.RETRIEVED, Action.SEND),
        (Status.WITHDRAWN, Action.SEND),
        (Status.REJECTED, Action.RESEND),
        (Status.EXPORTED, Action.CHANGE),
        (Status.SYNCED, Action.CHANGE),
    ],
)
def test_send_bumps_version_and_names_the_kind(status: Status | None, expected: Action) -> None:
    budget = _budget(status)
    before = budget.version
    assert budget.send(sender="ada", at=AT, file_sha256="f1") is expected
    assert budget.version == before + 1
    assert (budget.sender, budget.sent_at, budget.status) == ("ada", AT, Status.AWAITING_APPROVAL)
    [event] = budget.events
    assert (event.version, event.action, event.file_sha256) == (before + 1, expected, "f1")


@pytest.mark.parametrize("status", [None, *Status])
def test_locked_exactly_while_with_accounting_or_done(status: Status | None) -> None:
    locked = {
        Status.AWAITING_APPROVAL,
        Status.ACCEPTED,
        Status.EXPORTED,
        Status.SYNCED,
        Status.EXPORT_FAILED,
    }
    assert _budget(status).locked is (status in locked)


def test_every_status_reachable_from_never_sent() -> None:
    seen: set[Status | None] = {None}
    frontier = [ProjectBudget(project_number="P-1")]
    while frontier:
        budget = frontier.pop()
        for call, _ in CALLS.values():
            following = copy.deepcopy(budget)
            try:
                call(following)
            except InvalidTransition:
                continue
            if following.status not in seen:
                seen.add(following.status)
                frontier.append(following)
    assert seen == {None, *Status}
