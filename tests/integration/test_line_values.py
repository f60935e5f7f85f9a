"""What a budget's lines are taken as: amounts rounded to cents as Excel's ROUND does, codes
and types as the ERP's lists spell them, and the words of what could not be taken."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.line_values import round_to_cents
from pipeline.adapters.validation.rules_files import ValidationRules, load_validation_rules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.changes import diff_lines
from pipeline.domain.erp_lists import ErpLists
from pipeline.domain.problems import Problem, Severity
from pipeline.errors import ConfigError
from tests.support.workbooks import UNIT_HEADERS, WorkbookFactory

GOLDEN_RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")


def _check(
    path: Path, rules: ValidationRules = GOLDEN_RULES
) -> tuple[BudgetDocument | None, list[Problem]]:
    return check_budget(read_budget(path), rules)


def _found(problems: list[Problem]) -> list[tuple[str, str, str]]:
    return [(p.rule, p.cell, p.value) for p in problems]


# -- item 2: cents the way Excel shows them -------------------------------------------------


def test_a_blank_amount_says_blank_not_that_it_is_not_a_number(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [("", "01-100", "L", "Supervision", ""), ("", "03-300", "M", "Concrete", "   ")]
    document, problems = _check(workbook_factory(lines=lines, total=None))
    assert document is None
    assert [(p.rule, p.where, p.message) for p in problems] == [
        ("amount.missing", "Budget!E7", "Original Budget Amount is blank"),
        ("amount.missing", "Budget!E8", "Original Budget Amount is blank"),
    ]


@pytest.mark.parametrize(
    ("typed", "taken"),
    [
        ("610499.889", "610499.89"),
        ("0.005", "0.01"),
        ("-0.005", "-0.01"),
        ("2.675", "2.68"),  # a binary float just below .675: Excel's ROUND still gives .68
        ("1.004999", "1.00"),
        ("-0.001", "0.00"),  # never -0.00
    ],
)
def test_round_to_cents_is_excels_round(typed: str, taken: str) -> None:
    rounded = round_to_cents(Decimal(typed))
    assert str(rounded) == taken


def test_a_formula_amount_with_sub_cent_digits_is_rounded_with_a_warning(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(
        headers=UNIT_HEADERS,
        lines=[
            ("", "01-100", "L", "Supervision", 12000, 400, "HR", 30),
            ("", "03-300", "M", "Concrete", 333 * 1833.333, 333, "CY", 1833.333),
        ],
        total=12000 + 333 * 1833.333,  # =SUM() of the cells, as Excel holds it
    )

    document, problems = _check(path)

    assert _found(problems) == [("amount.rounded", "E9", "610499.889")]
    [warning] = problems
    assert warning.severity is Severity.WARNING
    assert "taken as 610,499.89, rounded to cents" in str(warning)
    assert document is not None
    assert [line.amount for line in document.lines] == [Decimal("12000.00"), Decimal("610499.89")]
    assert document.total == Decimal("622499.89")


def test_without_rounding_the_amount_is_refused_as_before(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "A", 20.125)], total=None)

    document, problems = _check(path, dataclasses.replace(GOLDEN_RULES, round_to_cents=False))

    assert document is None
    assert _found(problems) == [("amount.precision", "E7", "20.125")]


def test_without_rounding_a_formula_is_refused_with_the_value_excel_shows(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "A", 333 * 1833.333)], total=None)
    _, problems = _check(path, dataclasses.replace(GOLDEN_RULES, round_to_cents=False))
    assert _found(problems) == [("amount.precision", "E7", "610499.889")]  # not ...8890000001


def test_amounts_typed_in_cents_draw_no_warning(workbook_factory: WorkbookFactory) -> None:
    # 0.1 + 0.2 is 0.30000000000000004 in a binary float: that is no sub-cent digit.
    path = workbook_factory(lines=[("", "01-100", "L", "A", 0.1 + 0.2)], total=0.3)
    document, problems = _check(path)
    assert problems == []
    assert document is not None and document.lines[0].amount == Decimal("0.30")


@pytest.mark.parametrize("round_to_cents", [True, False])
def test_a_large_amount_in_cents_is_no_sub_cent_amount(
    workbook_factory: WorkbookFactory, round_to_cents: bool
) -> None:
    # 1234567890.12 * 100 is 123456789011.99998 in binary floats: cents all the same.
    path = workbook_factory(lines=[("", "01-100", "L", "A", 1234567890.12)])
    rules = dataclasses.replace(GOLDEN_RULES, round_to_cents=round_to_cents)
    document, problems = _check(path, rules)
    assert problems == []
    assert document is not None and document.total == Decimal("1234567890.12")


def test_another_problem_on_the_cell_takes_its_place(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "A", -20.125)], total=None)
    _, problems = _check(path)
    assert _found(problems) == [("amount.negative", "E7", "-20.125")]


def test_a_total_that_equals_the_rounded_lines_passes(workbook_factory: WorkbookFactory) -> None:
    lines = [("", "01-100", "L", "A", 10 / 3), ("", "02-200", "L", "B", 10 / 3)]
    _, problems = _check(workbook_factory(lines=lines, total=6.66))
    assert [p.rule for p in problems] == ["amount.rounded", "amount.rounded"]


def test_a_total_that_is_excels_sum_of_the_unrounded_cells_passes_with_a_warning(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [("", code, "L", "Third", 10 / 3) for code in ("01-100", "02-200", "03-300")]
    path = workbook_factory(lines=lines, total=10)  # =SUM() shows 10.00; the lines give 9.99

    document, problems = _check(path)

    assert document is not None and document.total == Decimal("9.99")
    assert _found(problems)[0] == ("budget_total.rounded", "B5", "10")
    assert str(problems[0]).startswith(
        "Budget!B5: Budget Total 10.00 is the sum of the amounts as typed; rounded to cents, "
        "the lines add up to 9.99 (-0.01)"
    )
    assert problems[0].severity is Severity.WARNING
    assert [p.rule for p in problems[1:]] == ["amount.rounded"] * 3


def test_a_total_that_is_neither_sum_is_refused(workbook_factory: WorkbookFactory) -> None:
    lines = [("", code, "L", "Third", 10 / 3) for code in ("01-100", "02-200", "03-300")]
    _, problems = _check(workbook_factory(lines=lines, total=10.02))
    assert problems[0].rule == "budget_total.mismatch"
    assert "sum of the lines 9.99" in problems[0].message


def test_a_severity_override_can_refuse_rounded_amounts(workbook_factory: WorkbookFactory) -> None:
    rules = dataclasses.replace(GOLDEN_RULES, severity={"amount.rounded": "error"})
    path = workbook_factory(lines=[("", "01-100", "L", "A", 1.005)], total=None)
    document, problems = _check(path, rules)
    assert document is None and [p.rule for p in problems] == ["amount.rounded"]


@pytest.mark.parametrize(("text", "expected"), [("", True), ("false", False), ("true", True)])
def test_round_to_cents_is_read_from_validation_toml(
    tmp_path: Path, text: str, expected: bool
) -> None:
    setting = f"round_to_cents = {text}" if text else ""
    (tmp_path / "validation.toml").write_text(f"[amount]\n{setting}\n")
    assert load_validation_rules(tmp_path).round_to_cents is expected


def test_round_to_cents_must_be_true_or_false(tmp_path: Path) -> None:
    (tmp_path / "validation.toml").write_text('[amount]\nround_to_cents = "no"\n')
    with pytest.raises(ConfigError, match="round_to_cents must be true or false"):
        load_validation_rules(tmp_path)


# -- item 6: codes and types as the ERP spells them -----------------------------------------


def test_codes_and_types_in_another_case_are_taken_as_listed(
    workbook_factory: WorkbookFactory,
) -> None:
    lists = ErpLists(
        cost_codes={"01-100": frozenset(), "AB-200": frozenset()},
        cost_types={"M": (), "L": ()},
    )
    rules = ValidationRules(lists=lists)
    path = workbook_factory(
        lines=[("", "01-100", "m", "A", 10), ("", "ab-200", "l", "B", 20)], total=30
    )

    document, problems = _check(path, rules)

    assert problems == []
    assert document is not None
    assert [(ln.cost_code, ln.cost_type) for ln in document.lines] == [
        ("01-100", "M"),
        ("AB-200", "L"),
    ]


def test_type_patterns_apply_to_the_listed_spelling(workbook_factory: WorkbookFactory) -> None:
    lists = ErpLists(cost_codes={"AB-200": frozenset()}, cost_types={"CR": ("AB-*",)})
    rules = ValidationRules(lists=lists)
    document, problems = _check(workbook_factory(lines=[("", "ab-200", "cr", "A", 5)]), rules)
    assert problems == []
    assert document is not None and document.lines[0].key.cost_code == "AB-200"


def test_a_problem_on_a_respelled_cell_reports_what_was_typed(
    workbook_factory: WorkbookFactory,
) -> None:
    _, problems = _check(workbook_factory(lines=[("", "09-900", "e", "Painting", 5)]))
    assert _found(problems) == [("cost_type.not_allowed", "C8", "e")]
    assert problems[0].message == "cost type E is not set up for cost code 09-900"


def test_two_lines_that_differ_only_in_case_are_one_line(workbook_factory: WorkbookFactory) -> None:
    lines = [("", "03-300", "M", "Concrete", 10), ("", "03-300", "m", "More concrete", 5)]
    _, problems = _check(workbook_factory(lines=lines), GOLDEN_RULES)
    assert _found(problems) == [("line.duplicate", "B9", "03-300")]
    assert problems[0].message == "duplicate line 03-300 / M: same as row 8"


def test_entries_differing_only_in_case_are_not_chosen_between(
    workbook_factory: WorkbookFactory,
) -> None:
    lists = ErpLists(cost_codes={"01-100": frozenset()}, cost_types={"Ab": (), "aB": ()})
    rules = dataclasses.replace(GOLDEN_RULES, lists=lists)

    document, problems = _check(workbook_factory(lines=[("", "01-100", "ab", "A", 5)]), rules)

    assert document is None
    assert str(problems[0]) == (
        "Budget!C8: Cost Type matches Ab and aB on the ERP's list, which differ only in case "
        "(found 'ab'). Type it exactly as the ERP's list spells the one you mean "
        "[cost_type.unknown]"
    )


def test_a_resend_typed_in_another_case_changes_no_line(workbook_factory: WorkbookFactory) -> None:
    first, _ = _check(workbook_factory("v1.xlsx", lines=[("", "03-300", "M", "Concrete", 10)]))
    again, _ = _check(workbook_factory("v2.xlsx", lines=[("", "03-300", "m", "Concrete", 10)]))
    assert first is not None and again is not None
    assert diff_lines(first.lines, again.lines) == []
    assert first.fingerprint() == again.fingerprint()


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("3-300", "Did you mean 03-300 (a leading zero missing)? Type it as the ERP's list"),
        ("03-3OO", "Did you mean 03-300 (2 letters O for zeros)? Type it as the ERP's list"),
        ("01.100", "Did you mean 01-100 (a dot for a dash)? Type it as the ERP's list"),
        (
            "3300",
            "Did you mean 03-300 (a leading zero missing and a dash missing)? Excel drops the "
            "leading zeros of a code typed as a number",
        ),
    ],
)
def test_near_misses_of_a_code_get_a_suggestion_that_fits(
    workbook_factory: WorkbookFactory, typed: str, hint: str
) -> None:
    _, problems = _check(workbook_factory(lines=[("", typed, "L", "A", 5)]))
    [problem] = problems
    assert (problem.rule, problem.cell, problem.value) == ("cost_code.unknown", "B8", typed)
    assert problem.message == "Cost Code is not on the ERP's list"
    assert problem.hint.startswith(hint)
    assert "dash" not in problem.hint or "dash" in hint


def test_a_near_miss_of_a_type_gets_a_suggestion(workbook_factory: WorkbookFactory) -> None:
    _, problems = _check(workbook_factory(lines=[("", "01-100", "0", "A", 5)]))
    assert _found(problems) == [("cost_type.unknown", "C8", "0")]
    assert (
        problems[0].hint
        == "Did you mean O (a zero for the letter O)? Type it as the ERP's list spells it"
    )


def test_no_suggestion_for_a_value_far_from_the_list(workbook_factory: WorkbookFactory) -> None:
    _, problems = _check(workbook_factory(lines=[("", "04-400", "L", "A", 5)]))
    assert problems[0].hint == "Use a cost code set up in the ERP (rules/cost_codes.csv)"
