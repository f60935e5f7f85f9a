"""The approval matrix: which levels a version needs, in order, and how a route advances;
who may decide a level (their role or their name, a delegate within their dates), and that
nobody decides two levels of one version."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.approval_route import (
    SINGLE_LEVEL,
    ApprovalMatrix,
    ApprovalRoute,
    Level,
    LevelDecision,
    RouteLevel,
)
from pipeline.domain.delegation import Delegation
from pipeline.domain.people import Directory, make_person
from pipeline.services.approval_routing import decider, receivers

AT = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
amounts = st.decimals(min_value=0, max_value=10_000_000, places=2, allow_nan=False)
limits = st.one_of(st.none(), amounts)
levels = st.builds(
    Level,
    name=st.text("ABCDEFGH", min_size=1, max_size=6),
    role=st.just("accounting_approver"),
    when_total_over=limits,
    when_change_over=limits,
)


@given(
    st.lists(levels, min_size=1, max_size=6),
    amounts,
    st.one_of(st.none(), st.decimals(min_value=-5_000_000, max_value=5_000_000, places=2)),
)
def test_the_levels_needed_are_exactly_those_whose_conditions_hold_in_order(
    matrix: list[Level], total: Decimal, change: Decimal | None
) -> None:
    def holds(level: Level) -> bool:
        if level.when_total_over is None and level.when_change_over is None:
            return True
        over_total = level.when_total_over is not None and total > level.when_total_over
        over_change = (
            level.when_change_over is not None
            and change is not None
            and abs(change) > level.when_change_over
        )
        return over_total or over_change

    route = ApprovalMatrix(tuple(matrix)).route(total, change)

    assert [step.level for step in route.levels] == [level for level in matrix if holds(level)]
    assert all((step.why == "") == (not step.level.conditional) for step in route.levels)


def test_a_level_says_why_it_is_needed() -> None:
    level = Level(name="Controller", people=("Vera",), when_total_over=Decimal(1_000_000))

    assert level.why_needed(Decimal("1200000"), None) == "total 1,200,000.00 over 1,000,000.00"
    assert level.why_needed(Decimal("1000000"), None) is None  # over, not at


def test_a_change_counts_by_its_size_whichever_way_it_goes() -> None:
    level = Level(name="Controller", people=("Vera",), when_change_over=Decimal(100_000))

    assert level.why_needed(Decimal(5), Decimal(-150_000)) == (
        "net change -150,000.00 over 100,000.00"
    )
    assert level.why_needed(Decimal(5), None) is None  # a first budget has no change


def test_a_route_advances_level_by_level_and_starts_again() -> None:
    route = ApprovalRoute(
        (RouteLevel(Level(name="Accounting", role="r")), RouteLevel(Level(name="CFO")))
    )

    assert (route.position, route.stage(), route.last_level) == (
        0,
        "Accounting (level 1 of 2)",
        False,
    )
    later = route.accepted(LevelDecision("Accounting", "Carl", AT))
    assert (later.stage(), later.last_level) == ("CFO (level 2 of 2)", True)
    assert later.restarted().position == 0
    assert SINGLE_LEVEL.route(Decimal(1), None).stage() == "Accounting"


CARL = make_person("Carl Accountant", "c@x", ["accounting_approver"], ["*"])
VERA = make_person("Vera Controller", "v@x", [], ["*"])
DEL = make_person("Del Delegate", "d@x", [], ["*"])
AWAY = Delegation("Carl Accountant", "Del Delegate", date(2026, 12, 5), date(2026, 12, 9))
PEOPLE = Directory((CARL, VERA, DEL), (AWAY,))
TWO = ApprovalRoute(
    (
        RouteLevel(Level(name="Accounting", role="accounting_approver")),
        RouteLevel(Level(name="Controller", people=("Vera Controller",))),
    )
)


def test_a_delegate_receives_and_decides_for_the_person_away_within_the_dates() -> None:
    inside, outside = date(2026, 12, 9), date(2026, 12, 10)

    assert receivers(PEOPLE, TWO.current, "P-1", inside) == [DEL]
    assert receivers(PEOPLE, TWO.current, "P-1", outside) == [CARL]
    within = decider(PEOPLE, TWO, "Del Delegate", "P-1", 1, inside)
    assert (within.person, within.on_behalf_of, within.problems) == (DEL, CARL, ())
    after = decider(PEOPLE, TWO, "Del Delegate", "P-1", 1, outside)
    assert after.person is None
    assert (
        "from 2026-12-05 to 2026-12-09 (rules/people.toml), not on 2026-12-10"
        in (after.problems[-1])
    )


def test_nobody_decides_two_levels_not_even_through_a_delegate() -> None:
    both = Directory(
        (CARL, VERA, DEL),
        (Delegation("Vera Controller", "Carl Accountant", date(2026, 12, 1), date(2026, 12, 31)),),
    )
    second = TWO.accepted(LevelDecision("Accounting", "Carl Accountant", AT))

    standing_in = decider(both, second, "Carl Accountant", "P-1", 3, date(2026, 12, 9))

    assert standing_in.on_behalf_of == VERA
    assert standing_in.problems == (
        "Carl Accountant accepted the Accounting level of version 3 (Carl Accountant); no "
        "person decides two levels of one version: another person must decide the "
        "Controller level",
    )
    assert decider(both, second, "Vera Controller", "P-1", 3, date(2026, 12, 9)).problems == ()
