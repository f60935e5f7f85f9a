"""What changed between budget versions, and whether rejection reasons look addressed."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.budget import BudgetLine, LineKey, ReasonResponse
from pipeline.domain.changes import (
    ChangeKind,
    ReasonStatus,
    assess_resend,
    delta_lines,
    diff_lines,
)
from pipeline.domain.review import LineFlag, Rejection


def line(code: str, kind: str, amount: str, desc: str = "x", row: int = 1) -> BudgetLine:
    return BudgetLine(
        row=row,
        sub_job="",
        cost_code=code,
        cost_type=kind,
        description=desc,
        amount=Decimal(amount),
    )


OLD = [
    line("01-100", "L", "100.00"),
    line("03-300", "M", "200.00"),
    line("03-300", "L", "300.00"),
    line("09-900", "S", "400.00"),
]
NEW = [
    line("10-100", "E", "50.00"),
    line("01-100", "L", "100.00", row=9),
    line("03-300", "M", "250.00"),
    line("03-300", "L", "300.00", desc="labour"),
]


def test_diff_lines_reports_each_kind_in_new_order_removed_last() -> None:
    changes = diff_lines(OLD, NEW)
    assert [(c.kind, str(c.key)) for c in changes] == [
        (ChangeKind.ADDED, "10-100 / E"),
        (ChangeKind.AMOUNT, "03-300 / M"),
        (ChangeKind.DETAIL, "03-300 / L"),
        (ChangeKind.REMOVED, "09-900 / S"),
    ]
    assert [c.delta for c in changes] == [Decimal("50"), Decimal("50"), 0, Decimal("-400")]


def _rejection(flags: list[str], reasons: list[str]) -> Rejection:
    keys = {"03-300/M": LineKey("", "03-300", "M"), "01-100/L": LineKey("", "01-100", "L")}
    return Rejection(
        version=1,
        approver="Carl",
        at=datetime(2024, 5, 1, tzinfo=UTC),
        reasons=tuple(reasons),
        flags=tuple(LineFlag(keys[f], f"note {f}") for f in flags),
    )


def test_flags_on_changed_lines_look_addressed_and_unchanged_ones_stay_open() -> None:
    result = assess_resend(OLD, NEW, _rejection(["03-300/M", "01-100/L"], []))
    assert [(r.reason, r.status) for r in result.reasons] == [
        ("note 03-300/M", ReasonStatus.ADDRESSED),
        ("note 01-100/L", ReasonStatus.OPEN),
    ]
    assert [f.note for f in result.unchanged_flags] == ["note 01-100/L"]


def test_free_text_reasons_are_checked_against_named_cost_codes() -> None:
    reasons = [
        "03-300 concrete is too high",
        "01-100 lacks insurance",
        "03-300 and 01-100 both",
        "please recheck everything",
        "see 03-3000",
    ]
    result = assess_resend(OLD, NEW, _rejection([], reasons))
    assert [r.status for r in result.reasons] == [
        ReasonStatus.ADDRESSED,
        ReasonStatus.OPEN,
        ReasonStatus.OPEN,
        ReasonStatus.CHECK,
        ReasonStatus.CHECK,
    ]
    assert "01-100" in result.reasons[2].explanation
    assert result.unchanged_flags == []


def test_a_response_answers_a_flagged_line_left_unchanged() -> None:
    answers = (ReasonResponse(" 01-100/l ", "edited note", "agreed with Carl"),)
    result = assess_resend(OLD, NEW, _rejection(["03-300/M", "01-100/L"], []), answers)
    assert [(r.status, r.response) for r in result.reasons] == [
        (ReasonStatus.ADDRESSED, ""),
        (ReasonStatus.ANSWERED, "agreed with Carl"),
    ]
    assert result.unchanged_flags == []
    assert [r.reason for r in result.unanswered()] == ["note 03-300/M"]


def test_a_response_answers_a_free_text_reason_by_its_words() -> None:
    reasons = ["01-100 lacks insurance", "03-300 concrete is too high", "please recheck"]
    answers = (
        ReasonResponse("", "01-100  LACKS insurance", "insured by the owner"),
        ReasonResponse("", "03-300 concrete is too high", "lowered"),
        ReasonResponse("09-900 / S", "please recheck", "a line's answer is not a reason's"),
    )
    result = assess_resend(OLD, NEW, _rejection([], reasons), answers)
    assert [(r.status, r.response) for r in result.reasons] == [
        (ReasonStatus.ANSWERED, "insured by the owner"),
        (ReasonStatus.ADDRESSED, "lowered"),  # changed as well: the change says more
        (ReasonStatus.CHECK, ""),
    ]
    assert result.reasons[0].explanation == "no change on 01-100"


def test_a_reason_with_a_hidden_character_is_answered_beside_its_cleaned_words() -> None:
    # the workbook handed back shows the reason cleaned; the Response comes back beside that
    answers = (ReasonResponse("", "please recheck", "done"),)
    result = assess_resend(OLD, OLD, _rejection([], ["please\u200b re\u202echeck"]), answers)
    assert [(r.status, r.response) for r in result.reasons] == [(ReasonStatus.ANSWERED, "done")]


def test_without_responses_nothing_is_answered() -> None:
    result = assess_resend(OLD, OLD, _rejection(["01-100/L"], ["see 03-300"]))
    assert [r.status for r in result.reasons] == [ReasonStatus.OPEN, ReasonStatus.OPEN]
    assert len(result.unanswered()) == 2 and len(result.unchanged_flags) == 1


KEYS = st.tuples(
    st.sampled_from(["", "A"]),
    st.sampled_from(["01-100", "03-300", "09-900"]),
    st.sampled_from(["L", "M"]),
)
CELLS = st.tuples(
    st.integers(-(10**6), 10**6).map(lambda c: Decimal(c).scaleb(-2)), st.sampled_from(["a", "b"])
)
LINE_SETS = st.dictionaries(KEYS, CELLS, max_size=12).map(
    lambda d: [
        BudgetLine(row=i, sub_job=sub, cost_code=code, cost_type=kind, description=desc, amount=amt)
        for i, ((sub, code, kind), (amt, desc)) in enumerate(d.items())
    ]
)


@given(LINE_SETS)
def test_a_budget_does_not_differ_from_itself(lines: list[BudgetLine]) -> None:
    assert diff_lines(lines, lines) == []


@given(LINE_SETS, LINE_SETS)
def test_added_removed_and_amount_keys(a: list[BudgetLine], b: list[BudgetLine]) -> None:
    old, new = {x.key: x for x in a}, {x.key: x for x in b}
    by_kind: dict[ChangeKind, set[LineKey]] = {kind: set() for kind in ChangeKind}
    for change in diff_lines(a, b):
        by_kind[change.kind].add(change.key)
    assert by_kind[ChangeKind.ADDED] == new.keys() - old.keys()
    assert by_kind[ChangeKind.REMOVED] == old.keys() - new.keys()
    assert by_kind[ChangeKind.AMOUNT] == {
        k for k in old.keys() & new.keys() if old[k].amount != new[k].amount
    }


def _measured(
    code: str, amount: str, qty: str | None, unit: str, sub: str = "", cost: str | None = None
) -> BudgetLine:
    quantity = None if qty is None else Decimal(qty)
    unit_cost = None if cost is None else Decimal(cost)
    return BudgetLine(
        row=1,
        sub_job=sub,
        cost_code=code,
        cost_type="S",
        description="Drywall",
        amount=Decimal(amount),
        unit_qty=quantity,
        uom=unit,
        unit_cost=unit_cost,
    )


def test_a_change_carries_the_quantity_difference_beside_the_amount() -> None:
    old = [_measured("09-290", "100440.00", "33480", "SF"), _measured("01-900", "5.00", None, "")]
    new = [_measured("09-290", "109200.00", "36400", "SF"), _measured("01-900", "5.00", None, "")]

    [change] = delta_lines(old, new)

    assert (change.cost_code, change.amount, change.unit_qty, change.uom) == (
        "09-290",
        Decimal("8760.00"),
        Decimal("2920"),
        "SF",
    )
    assert change.unit_cost is None  # a difference has no unit cost of its own


def test_a_removed_line_takes_back_its_amount_and_quantity_and_an_added_one_brings_them() -> None:
    old = [_measured("09-290", "100.00", "10", "SF", "MOB", cost="10")]
    new = [_measured("09-290", "40.00", "4", "SF", "GAR", cost="10")]

    changes = {(c.sub_job, c.amount, c.unit_qty, c.unit_cost) for c in delta_lines(old, new)}

    assert changes == {  # an added line is all new: it keeps its unit cost
        ("MOB", Decimal("-100.00"), Decimal("-10"), None),
        ("GAR", Decimal("40.00"), 4, Decimal("10")),
    }


def test_a_quantity_or_unit_that_moved_alone_still_reaches_the_erp() -> None:
    old = [_measured("09-290", "100.00", "10", "SF"), _measured("03-300", "9.00", "3", "CY")]
    new = [_measured("09-290", "100.00", "12", "SF"), _measured("03-300", "9.00", "3", "M3")]

    changes = [(c.cost_code, c.amount, c.unit_qty, c.uom) for c in delta_lines(old, new)]

    assert changes == [
        ("09-290", Decimal(0), Decimal("2"), "SF"),
        ("03-300", Decimal(0), Decimal(0), "M3"),
    ]


def test_lines_that_did_not_move_are_left_out_of_a_change() -> None:
    lines = [_measured("09-290", "100.00", "10", "SF"), _measured("01-900", "5.00", None, "")]
    renamed = [
        BudgetLine(
            row=9,
            sub_job="",
            cost_code="01-900",
            cost_type="S",
            description="Contingency (renamed)",
            amount=Decimal("5.00"),
        )
    ]
    assert delta_lines(lines, lines) == []
    assert delta_lines(lines[1:], renamed) == []
