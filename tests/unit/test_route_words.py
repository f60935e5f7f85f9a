"""The approval route in people's words: the levels needed and why, each name once; who
receives a level, a delegate standing in; the delegations in force on a day."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from pipeline.domain.approval_route import ApprovalMatrix, Level
from pipeline.domain.delegation import Delegation
from pipeline.domain.lifecycle import Action
from pipeline.domain.people import Directory, make_person
from pipeline.domain.route_words import (
    action_words,
    delegations_in_force,
    needed,
    needed_text,
    receiver_names,
)

MATRIX = ApprovalMatrix(
    (
        Level(name="Accounting", role="accounting_approver"),
        Level(name="Controller", people=("Vera Controller",), when_total_over=Decimal(1_000_000)),
        Level(name="CFO", people=("Fay Finance",), when_change_over=Decimal(500_000)),
    )
)
CARL = make_person("Carl Accountant", "carl@example.com", ["accounting_approver"], ["*"])
EVE = make_person("Eve Ledger", "eve@example.com", ["accounting_approver"], ["*"])
DANA = make_person("Dana Delegate", "dana@example.com", [], ["*"])
AWAY = Delegation("Carl Accountant", "Dana Delegate", date(2026, 12, 10), date(2026, 12, 14))
DIRECTORY = Directory((CARL, EVE, DANA), (AWAY,))


def test_one_level_needed_always_reads_as_its_name() -> None:
    assert needed(MATRIX.route(Decimal(10), None)) == "Accounting"


def test_the_one_condition_that_holds_is_given_without_its_level() -> None:
    route = MATRIX.route(Decimal(1_200_000), None)
    assert needed(route) == "Accounting, then Controller (total 1,200,000.00 over 1,000,000.00)"


def test_several_conditions_name_their_levels() -> None:
    route = MATRIX.route(Decimal(1_200_000), Decimal(-600_000))
    assert needed(route) == (
        "Accounting, then Controller, then CFO (Controller: total 1,200,000.00 over "
        "1,000,000.00; CFO: net change -600,000.00 over 500,000.00)"
    )
    assert needed_text([("A", ""), ("B", "why")]) == "A, then B (why)"


def test_a_level_accept_reads_as_words_and_every_other_action_as_recorded() -> None:
    assert action_words(Action.ACCEPT_LEVEL) == "accept a level"
    assert action_words("accept_level") == "accept a level"
    assert action_words(Action.REFUSE_DECISION) == "refuse_decision"
    assert action_words("something new") == "something new"


def test_a_receiver_away_is_shown_with_their_delegate_only_on_their_dates() -> None:
    during, after = date(2026, 12, 14), date(2026, 12, 15)
    assert receiver_names(DIRECTORY, [CARL, EVE, CARL], during) == (
        "Dana Delegate for Carl Accountant",
        "Eve Ledger",
    )
    assert receiver_names(DIRECTORY, [CARL, EVE], after) == ("Carl Accountant", "Eve Ledger")


def test_the_delegations_in_force_are_those_running_that_day() -> None:
    assert delegations_in_force(DIRECTORY, date(2026, 12, 10)) == (
        "Dana Delegate for Carl Accountant, 2026-12-10 to 2026-12-14",
    )
    assert delegations_in_force(DIRECTORY, date(2026, 12, 9)) == ()
