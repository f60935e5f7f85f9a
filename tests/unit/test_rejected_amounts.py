"""Amounts rejections turned down, and the changes that bring one back."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from decimal import Decimal

from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.changes import ReturnedAmount, diff_lines
from pipeline.domain.rejected_amounts import (
    RejectedVersion,
    describe_returns,
    returned_amounts,
    turned_down,
)
from pipeline.domain.review import LineFlag, Rejection

M, L, S = LineKey("", "03-300", "M"), LineKey("", "03-300", "L"), LineKey("", "09-900", "S")


def _lines(**amounts: str) -> list[BudgetLine]:
    keys = {"m": M, "l": L, "s": S}
    return [
        BudgetLine(
            row=row,
            sub_job="",
            cost_code=keys[k].cost_code,
            cost_type=keys[k].cost_type,
            description="x",
            amount=Decimal(a),
        )
        for row, (k, a) in enumerate(amounts.items(), start=8)
    ]


def _rejected(
    version: int, lines: list[BudgetLine], *reasons: str, flags: Iterable[LineKey] = ()
) -> RejectedVersion:
    rejection = Rejection(
        version=version,
        approver="Carl",
        at=datetime(2026, 3, 2, tzinfo=UTC),
        reasons=reasons,
        flags=tuple(LineFlag(key, "no") for key in flags),
    )
    return RejectedVersion(lines, rejection)


def test_a_rejection_turns_down_its_flagged_lines_and_the_codes_its_reasons_name() -> None:
    lines = _lines(m="100.00", l="200.00", s="300.00")
    assert turned_down(_rejected(1, lines, flags=[S])) == {S: Decimal("300.00")}
    assert turned_down(_rejected(1, lines, "03-300 is too high")) == {
        M: Decimal("100.00"),
        L: Decimal("200.00"),
    }
    assert turned_down(_rejected(1, lines, "recheck everything", "see 03-3000")) == {}


def test_a_change_back_to_a_turned_down_amount_is_found_with_its_first_version() -> None:
    earlier = [
        _rejected(2, _lines(m="100.00", s="300.00"), flags=[M, S]),
        _rejected(1, _lines(m="100.00", l="200.00"), flags=[M, L]),
    ]
    changes = diff_lines(
        _lines(m="90.00", l="250.00", s="310.00"), _lines(m="100.0", l="200.00", s="300.00")
    )
    assert returned_amounts(changes, earlier) == [
        ReturnedAmount(M, Decimal("100.0"), 1),
        ReturnedAmount(L, Decimal("200.00"), 1),
        ReturnedAmount(S, Decimal("300.00"), 2),
    ]


def test_other_amounts_and_lines_never_rejected_are_not_flagged() -> None:
    earlier = [_rejected(1, _lines(m="100.00"), flags=[M])]
    changes = diff_lines(_lines(m="90.00", l="1.00"), _lines(m="95.00", l="100.00"))
    assert returned_amounts(changes, earlier) == []  # L had 100.00 but was never rejected


def test_a_line_added_again_with_its_rejected_amount_is_flagged() -> None:
    earlier = [_rejected(1, _lines(s="300.00"), flags=[S])]
    changes = diff_lines(_lines(m="1.00"), _lines(m="1.00", s="300.00"))
    assert returned_amounts(changes, earlier) == [ReturnedAmount(S, Decimal("300.00"), 1)]


def test_returns_are_described_one_sentence_per_version() -> None:
    returns = [
        ReturnedAmount(M, Decimal(1), 1),
        ReturnedAmount(S, Decimal(1), 2),
        ReturnedAmount(L, Decimal(1), 1),
    ]
    assert describe_returns(returns) == [
        "brings back the amount rejected in v1 for: 03-300 / M, 03-300 / L",
        "brings back the amount rejected in v2 for: 09-900 / S",
    ]
