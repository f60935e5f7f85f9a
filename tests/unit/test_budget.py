"""A budget's fingerprint and total."""

from __future__ import annotations

import hashlib
import pickle
import string
from dataclasses import replace
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.budget import BudgetDocument, BudgetLine, ReasonResponse

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
    return BudgetDocument(
        project_number="P-1001", lines=tuple(lines), project_name="Riverside"
    ).fingerprint()


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
        BudgetLine(
            row=i,
            sub_job="",
            cost_code="01-100",
            cost_type=str(i),
            description="",
            amount=Decimal(c).scaleb(-2),
        )
        for i, c in enumerate(cents)
    )
    assert BudgetDocument(project_number="P-1", lines=lines).total == Decimal(sum(cents)).scaleb(-2)


@given(LINES)
def test_a_stated_total_equal_to_the_sum_is_the_same_content_as_none(
    lines: list[BudgetLine],
) -> None:
    bare = BudgetDocument(project_number="P-1001", lines=tuple(lines))
    stated = replace(bare, stated_total=bare.total)
    assert bare.fingerprint() != stated.fingerprint()
    assert bare.same_content(stated.fingerprint()) and stated.same_content(bare.fingerprint())


@given(LINES)
def test_a_stated_total_off_the_sum_is_other_content(lines: list[BudgetLine]) -> None:
    bare = BudgetDocument(project_number="P-1001", lines=tuple(lines))
    off = replace(bare, stated_total=bare.total + CENT)
    assert not off.same_content(bare.fingerprint()) and not bare.same_content(off.fingerprint())
    assert not bare.same_content(replace(bare, project_name="Other").fingerprint())


def test_responses_travel_with_the_document_and_are_not_its_content() -> None:
    lines = (
        BudgetLine(
            row=8,
            sub_job="",
            cost_code="01-100",
            cost_type="L",
            description="Work",
            amount=Decimal("10.00"),
        ),
    )
    answered = BudgetDocument(
        project_number="P-1",
        lines=lines,
        responses=(ReasonResponse("01-100 / L", "too high", "quoted"),),
    )
    assert pickle.loads(pickle.dumps(answered)) == answered  # as sent from the parse worker
    assert answered.fingerprint() == BudgetDocument(project_number="P-1", lines=lines).fingerprint()


ANY_TEXT = st.text(st.characters(codec=None, exclude_categories=()), max_size=12)


@given(
    st.lists(
        st.builds(
            BudgetLine,
            row=st.integers(1, 10**6),
            sub_job=ANY_TEXT,
            cost_code=ANY_TEXT,
            cost_type=ANY_TEXT,
            description=ANY_TEXT,
            amount=st.decimals(allow_nan=False, allow_infinity=False),
            unit_qty=st.none() | st.decimals(allow_nan=False, allow_infinity=False),
            uom=ANY_TEXT,
            unit_cost=st.none() | AMOUNTS,
        ),
        max_size=20,
    )
)
def test_a_document_sent_from_the_parse_worker_arrives_equal(lines: list[BudgetLine]) -> None:
    # as columns of JSON text: any text a cell may hold (control characters, lone surrogates,
    # the separators) and any exact decimal arrive as they left
    sent = BudgetDocument(
        project_number="P-1",
        lines=tuple(lines),
        project_name="name",
        prepared_by="Ada",
        stated_total=Decimal("1.10"),
    )

    arrived = pickle.loads(pickle.dumps(sent))

    assert arrived == sent
    assert [str(line.amount) for line in arrived.lines] == [str(x.amount) for x in lines]


FEW = st.sampled_from(["", "a", "ab", "b", "a\x1fb", "\x00"])


@given(
    st.lists(
        st.builds(
            BudgetLine,
            row=st.integers(1, 1000),
            sub_job=FEW,
            cost_code=FEW,
            cost_type=FEW,
            description=FEW,
            amount=AMOUNTS,
            unit_qty=st.none() | AMOUNTS,
            uom=FEW,
            unit_cost=st.none() | AMOUNTS,
        ),
        max_size=30,
    )
)
def test_the_fingerprint_is_the_hash_of_the_sorted_line_contents(lines: list[BudgetLine]) -> None:
    # keys that tie (duplicate lines kept as a warning) and fields that prefix each other
    document = BudgetDocument(project_number="P-1", lines=tuple(lines))
    digest = hashlib.sha256(b"P-1\x1f\x1f\x1e")
    for content in sorted(line.content() for line in lines):  # the definition, stored in
        digest.update("\x1f".join(content).encode() + b"\x1e")  # every database since v1

    assert document.fingerprint() == digest.hexdigest()
