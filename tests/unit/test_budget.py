"""A budget's fingerprint and total."""

from __future__ import annotations

import string
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.budget import BudgetDocument, BudgetLine

TEXT = st.text(alphabet=string.ascii_letters + string.digits + " -", max_size=8)
AMOUNTS = st.integers(-(10**9), 10**9).map(lambda c: Decimal(c).scaleb(-2))
LINES = st.lists(
    st.builds(
        BudgetLine,
        row=st.integers(1, 1000),
        sub_job=TEXT,
        cost_code=TEXT,
        cost_type=TEXT,
        description=TEXT,
        amount=AMOUNTS,
        unit_qty=st.none() | AMOUNTS,
        uom=TEXT,
        unit_cost=st.none() | AMOUNTS,
    ),
    min_size=1,
    max_size=8,
)
CENT = Decimal("0.01")


def fingerprint(lines: list[BudgetLine]) -> str:
    return BudgetDocument("P-1001", tuple(lines), project_name="Riverside").fingerprint()


@given(LINES, st.data())
def test_fingerprint_ignores_line_order_and_rows(
    lines: list[BudgetLine], data: st.DataObject
) -> None:
    shuffled = data.draw(st.permutations(lines))
    rows = data.draw(st.lists(st.integers(1, 1000), min_size=len(lines), max_size=len(lines)))
    moved = [replace(x, row=r) for x, r in zip(shuffled, rows, strict=True)]
    assert fingerprint(moved) == fingerprint(lines)


@given(LINES, st.data())
def test_fingerprint_sees_a_one_cent_change(lines: list[BudgetLine], data: st.DataObject) -> None:
    index = data.draw(st.integers(0, len(lines) - 1))
    step = data.draw(st.sampled_from([CENT, -CENT]))
    changed = [*lines]
    changed[index] = replace(lines[index], amount=lines[index].amount + step)
    assert fingerprint(changed) != fingerprint(lines)


@given(st.lists(st.integers(-(10**9), 10**9), max_size=20))
def test_total_sums_the_amounts(cents: list[int]) -> None:
    lines = tuple(
        BudgetLine(i, "", "01-100", str(i), "", Decimal(c).scaleb(-2)) for i, c in enumerate(cents)
    )
    assert BudgetDocument("P-1", lines).total == Decimal(sum(cents)).scaleb(-2)
