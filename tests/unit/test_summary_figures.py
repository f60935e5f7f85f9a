"""The Summary's figures: totals by cost type and division that add up to the lines, the
differences against an earlier version, the largest changes, and the divisions' names."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.budget import BudgetLine
from pipeline.domain.changes import ChangeKind, LineChange, diff_lines
from pipeline.domain.summary_figures import (
    EarlierVersion,
    SummaryNames,
    division_heading,
    division_names,
    division_of,
    largest_changes,
    summarise,
)

AMOUNTS = st.integers(-(10**9), 10**9).map(lambda c: Decimal(c).scaleb(-2))
KEYS = st.tuples(
    st.sampled_from(["", "A", "B"]),
    st.sampled_from(["01-100", "03-300", "03-310", "09-900", "31", "7.100"]),
    st.sampled_from(["L", "M", "S", "E"]),
)
# One line per key, as budgets are: a version is a map from key to amount.
VERSIONS = st.dictionaries(KEYS, AMOUNTS, max_size=25).map(
    lambda found: [
        BudgetLine(
            row=row, sub_job=sub, cost_code=code, cost_type=kind, description="work", amount=amount
        )
        for row, ((sub, code, kind), amount) in enumerate(found.items(), start=8)
    ]
)


def line(code: str, kind: str, amount: str, sub: str = "") -> BudgetLine:
    return BudgetLine(
        row=1,
        sub_job=sub,
        cost_code=code,
        cost_type=kind,
        description="work",
        amount=Decimal(amount),
    )


@given(VERSIONS)
def test_every_grouping_adds_up_to_the_sum_of_the_lines(lines: list[BudgetLine]) -> None:
    summary = summarise(lines)
    total = sum((item.amount for item in lines), Decimal("0.00"))
    assert summary.total.amount == total and summary.total.lines == len(lines)
    for groups in (summary.by_cost_type, summary.by_division):
        assert sum((g.amount for g in groups), Decimal("0.00")) == total
        assert sum(g.lines for g in groups) == len(lines)
    assert summary.net_change is None and summary.top_changes == ()


@given(VERSIONS, VERSIONS)
def test_differences_are_this_version_minus_the_earlier_one(
    before: list[BudgetLine], after: list[BudgetLine]
) -> None:
    summary = summarise(after, earlier=[EarlierVersion(1, "rejected version 1", before)])
    previous = sum((item.amount for item in before), Decimal("0.00"))
    assert summary.total.previous == previous
    assert summary.net_change == summary.total.amount - previous
    for groups in (summary.by_cost_type, summary.by_division):
        for group in groups:
            assert group.previous is not None
            assert group.difference == group.amount - group.previous
        assert sum((g.difference or Decimal(0) for g in groups), Decimal(0)) == summary.net_change
        assert sum(g.previous_lines or 0 for g in groups) == len(before)


@given(VERSIONS, VERSIONS)
def test_the_largest_changes_are_the_largest_moves_and_point_at_their_lines(
    before: list[BudgetLine], after: list[BudgetLine]
) -> None:
    top = largest_changes(diff_lines(before, after), after)
    sizes = [abs(t.change.delta) for t in top]
    assert sizes == sorted(sizes, reverse=True) and 0 not in sizes and len(top) <= 10
    was = {x.key: x.amount for x in before}
    now = {x.key: x.amount for x in after}
    zero = Decimal(0)
    keys = was.keys() | now.keys()
    moved = sorted((abs(now.get(k, zero) - was.get(k, zero)) for k in keys), reverse=True)
    assert sizes == [size for size in moved if size][:10]
    for item in top:
        if item.line_index is None:
            assert item.change.kind is ChangeKind.REMOVED
        else:
            assert after[item.line_index].key == item.change.key


def test_groups_are_named_from_the_lists_and_keep_a_group_gone_since() -> None:
    names = SummaryNames({"L": "Labour"}, {"03": "Concrete"})
    before = [line("03-300", "L", "100.00"), line("09-900", "S", "50.00")]
    after = [line("03-300", "L", "112.00"), line("03-310", "M", "10.00")]

    summary = summarise(after, names, [EarlierVersion(2, "version 2, in the ERP", before)])

    assert [(g.label, g.lines, g.amount, g.difference) for g in summary.by_cost_type] == [
        ("L Labour", 1, Decimal("112.00"), Decimal("12.00")),
        ("M", 1, Decimal("10.00"), Decimal("10.00")),
        ("S", 0, Decimal("0.00"), Decimal("-50.00")),
    ]
    assert [(g.label, g.amount, g.previous) for g in summary.by_division] == [
        ("03 Concrete", Decimal("122.00"), Decimal("100.00")),
        ("09", Decimal("0.00"), Decimal("50.00")),
    ]
    assert summary.net_change == Decimal("-28.00")


def test_a_resent_change_also_gives_its_net_change_against_the_erp() -> None:
    erp = EarlierVersion(1, "version 1, in the ERP", [line("01-100", "L", "10.00")])
    rejected = EarlierVersion(2, "rejected version 2", [line("01-100", "L", "30.00")])

    summary = summarise([line("01-100", "L", "25.00")], earlier=[rejected, erp])

    assert summary.earlier == rejected and summary.net_change == Decimal("-5.00")
    assert [(n.earlier.version, n.difference) for n in summary.also] == [(1, Decimal("15.00"))]


def test_divisions_are_the_leading_segment_of_the_cost_code() -> None:
    assert [division_of(c) for c in ("03-300", "03.300", "03 300", "0300", " 31-200")] == [
        "03",
        "03",
        "03",
        "0300",
        "31",
    ]
    assert [division_heading(c) for c in ("03", "03-000", "03-300", "03-00-00")] == [
        "03",
        "03",
        None,
        "03",
    ]


def test_a_heading_row_names_its_division_the_bare_one_first() -> None:
    rows = [
        ("03-000", "Concrete works"),
        ("03", "Concrete"),
        ("03-300", "Cast-in-place concrete"),
        ("09-000", "Finishes"),
        ("31", ""),
    ]
    assert division_names(rows) == {"03": "Concrete", "09": "Finishes"}


def test_what_moved_names_quantity_and_unit_cost_before_and_after() -> None:
    old = BudgetLine(
        row=1,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="c",
        amount=Decimal("45000.50"),
        unit_qty=Decimal("100"),
        uom="m3",
        unit_cost=None,
    )
    new = BudgetLine(
        row=1,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="c",
        amount=Decimal("41000"),
        unit_qty=Decimal("80"),
        uom="m3",
        unit_cost=Decimal(5),
    )
    change = LineChange(ChangeKind.AMOUNT, old.key, old, new)
    assert change.what_moved() == ["quantity 100 -> 80", "unit cost blank -> 5"]
    assert LineChange(ChangeKind.ADDED, new.key, None, new).what_moved() == []
