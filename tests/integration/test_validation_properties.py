"""Property tests over real workbooks: valid budgets pass, any single mutation of a valid
budget is reported at exactly the cell that was changed, under the rule that guards it, and
what a line is taken as (amounts in cents, codes and types as listed) holds for any input."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.line_values import round_to_cents
from pipeline.adapters.validation.rules_files import load_validation_rules
from pipeline.domain.problems import errors

RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")
KEYS = [
    (code, kind)
    for code in ("01-100", "02-200", "03-300", "09-900")
    for kind in ("L", "M", "S", "O")
] + [("01-100", "E"), ("03-300", "E")]
TOTAL_ROW, FIRST_LINE = 3, 6  # Excel rows

amounts = st.decimals(
    min_value=0, max_value=Decimal("999999.99"), places=2, allow_nan=False, allow_infinity=False
)
Budget = list[tuple[tuple[str, str], Decimal]]  # ((cost code, cost type), amount) per line
budgets = st.lists(
    st.tuples(st.sampled_from(KEYS), amounts),
    min_size=1,
    max_size=12,
    unique_by=lambda line: line[0],
)


def _write(lines: list[list[object]], total: object) -> Path:
    path = Path(tempfile.mkdtemp()) / "budget.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Budget")
    sheet.write_row(0, 0, ["Project Number", "P-1001"])
    sheet.write_row(1, 0, ["Prepared By", "Ada Admin"])
    sheet.write_row(2, 0, ["Budget Total", total])
    sheet.write_row(4, 0, ["Sub Job", "Cost Code", "Cost Type", "Description", "Amount"])
    for index, line in enumerate(lines):
        sheet.write_row(FIRST_LINE - 1 + index, 0, line)
    book.close()
    return path


def _rows(budget: Budget) -> list[list[object]]:
    return [
        ["", code, kind, f"Work {code} {kind}", float(amount)] for (code, kind), amount in budget
    ]


def _errors_at(path: Path) -> set[tuple[str, str]]:
    _, problems = check_budget(read_budget(path), RULES)
    return {(p.rule, p.cell) for p in errors(problems)}


@settings(max_examples=40, deadline=None)
@given(budgets)
def test_valid_budgets_always_pass(budget: Budget) -> None:
    total = float(sum(amount for _, amount in budget))
    document, problems = check_budget(read_budget(_write(_rows(budget), total)), RULES)
    assert errors(problems) == []
    assert document is not None
    assert document.total == sum(amount for _, amount in budget)


Mutate = Callable[[list[object], list[list[object]]], None]  # (the line's row, all rows)
MUTATIONS: dict[str, tuple[str, str, Mutate]] = {
    "bad code": ("cost_code.unknown", "B", lambda row, rows: row.__setitem__(1, "77-777")),
    "bad type": ("cost_type.unknown", "C", lambda row, rows: row.__setitem__(2, "ZZ")),
    "text in an amount": (
        "amount.not_numeric",
        "E",
        lambda row, rows: row.__setitem__(4, "twelve"),
    ),
    "duplicate line": (
        "line.duplicate",
        "B",
        lambda row, rows: row.__setitem__(slice(1, 3), rows[0][1:3]),
    ),
}


@settings(max_examples=60, deadline=None)
@given(budgets.filter(lambda b: len(b) >= 2), st.sampled_from(sorted(MUTATIONS)), st.data())
def test_a_single_mutation_is_reported_at_exactly_that_cell(
    budget: Budget, mutation: str, data: st.DataObject
) -> None:
    rows = _rows(budget)
    index = data.draw(st.integers(min_value=1, max_value=len(rows) - 1), label="line")
    rule, column, mutate = MUTATIONS[mutation]
    mutate(rows[index], rows)
    total = sum(Decimal(str(r[4])) for r in rows if not isinstance(r[4], str))

    found = _errors_at(_write(rows, float(total)))

    assert found == {(rule, f"{column}{FIRST_LINE + index}")}


@settings(max_examples=30, deadline=None)
@given(budgets, st.sampled_from([Decimal("0.01"), Decimal("-0.01")]))
def test_a_total_off_by_a_cent_is_reported_at_the_total(budget: Budget, off: Decimal) -> None:
    total = sum(amount for _, amount in budget) + off
    assert _errors_at(_write(_rows(budget), float(total))) == {
        ("budget_total.mismatch", f"B{TOTAL_ROW}")
    }


sub_cent_amounts = st.decimals(
    min_value=Decimal("-99999.9999"),
    max_value=Decimal("999999.9999"),
    places=4,
    allow_nan=False,
    allow_infinity=False,
)


@settings(max_examples=40, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KEYS), sub_cent_amounts),
        min_size=1,
        max_size=12,
        unique_by=lambda line: line[0],
    )
)
def test_a_rounded_amount_is_within_half_a_cent_of_the_typed_one(budget: Budget) -> None:
    rules = replace(RULES, allow_negative=True)
    taken = [round_to_cents(amount) for _, amount in budget]
    path = _write(_rows(budget), float(sum(taken)))

    document, problems = check_budget(read_budget(path), rules)

    assert document is not None, problems
    for line, (_, typed), expected in zip(document.lines, budget, taken, strict=True):
        assert line.amount == expected
        assert abs(line.amount - typed) <= Decimal("0.005")
        assert line.amount.as_tuple().exponent == -2
    assert {(p.rule, p.cell) for p in problems} == {
        ("amount.rounded", f"E{FIRST_LINE + index}")
        for index, (_, typed) in enumerate(budget)
        if typed != typed.quantize(Decimal("0.01"))
    }


@settings(max_examples=40, deadline=None)
@given(budgets, st.data())
def test_any_case_of_a_listed_code_and_type_is_taken_as_listed(
    budget: Budget, data: st.DataObject
) -> None:
    rows = _rows(budget)
    for row in rows:
        for column in (1, 2):
            typed = row[column]
            assert isinstance(typed, str)
            flips = data.draw(st.lists(st.booleans(), min_size=len(typed), max_size=len(typed)))
            row[column] = "".join(
                c.swapcase() if f else c for c, f in zip(typed, flips, strict=True)
            )
    total = float(sum(amount for _, amount in budget))

    document, problems = check_budget(read_budget(_write(rows, total)), RULES)

    assert errors(problems) == []
    assert document is not None
    assert [(ln.cost_code, ln.cost_type) for ln in document.lines] == [key for key, _ in budget]
