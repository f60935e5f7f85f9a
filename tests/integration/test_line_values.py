"""What a budget's lines are taken as: codes and types as the ERP's lists spell them, and the
words of what could not be taken."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from pipeline.adapters.budget_reader import read_budget
from pipeline.adapters.budget_validation import check_budget
from pipeline.adapters.rules_files import ValidationRules, load_validation_rules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.changes import diff_lines
from pipeline.domain.erp_lists import ErpLists
from pipeline.domain.problems import Problem

GOLDEN_RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")
UNITS = (
    "Sub Job",
    "Cost Code",
    "Cost Type",
    "Description",
    "Original Budget Amount",
    "Unit Qty",
    "UOM",
    "Unit Cost",
)
Factory = Callable[..., Path]


def _check(
    path: Path, rules: ValidationRules = GOLDEN_RULES
) -> tuple[BudgetDocument | None, list[Problem]]:
    return check_budget(read_budget(path), rules)


def _found(problems: list[Problem]) -> list[tuple[str, str, str]]:
    return [(p.rule, p.cell, p.value) for p in problems]


# -- item 6: codes and types as the ERP spells them -----------------------------------------


def test_codes_and_types_in_another_case_are_taken_as_listed(workbook_factory):
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


def test_type_patterns_apply_to_the_listed_spelling(workbook_factory):
    lists = ErpLists(cost_codes={"AB-200": frozenset()}, cost_types={"CR": ("AB-*",)})
    rules = ValidationRules(lists=lists)
    document, problems = _check(workbook_factory(lines=[("", "ab-200", "cr", "A", 5)]), rules)
    assert problems == []
    assert document is not None and document.lines[0].key.cost_code == "AB-200"


def test_a_problem_on_a_respelled_cell_reports_what_was_typed(workbook_factory):
    _, problems = _check(workbook_factory(lines=[("", "09-900", "e", "Painting", 5)]))
    assert _found(problems) == [("cost_type.not_allowed", "C8", "e")]
    assert problems[0].message == "cost type E is not set up for cost code 09-900"


def test_two_lines_that_differ_only_in_case_are_one_line(workbook_factory):
    lines = [("", "03-300", "M", "Concrete", 10), ("", "03-300", "m", "More concrete", 5)]
    _, problems = _check(workbook_factory(lines=lines), GOLDEN_RULES)
    assert _found(problems) == [("line.duplicate", "B9", "03-300")]
    assert problems[0].message == "duplicate line 03-300 / M: same as row 8"


def test_entries_differing_only_in_case_are_not_chosen_between(workbook_factory):
    lists = ErpLists(cost_codes={"01-100": frozenset()}, cost_types={"Ab": (), "aB": ()})
    rules = dataclasses.replace(GOLDEN_RULES, lists=lists)

    document, problems = _check(workbook_factory(lines=[("", "01-100", "ab", "A", 5)]), rules)

    assert document is None
    assert str(problems[0]) == (
        "Budget!C8: Cost Type matches Ab and aB on the ERP's list, which differ only in case "
        "(found 'ab'). Type it exactly as the ERP's list spells the one you mean "
        "[cost_type.unknown]"
    )


def test_a_resend_typed_in_another_case_changes_no_line(workbook_factory):
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
def test_near_misses_of_a_code_get_a_suggestion_that_fits(workbook_factory, typed, hint):
    _, problems = _check(workbook_factory(lines=[("", typed, "L", "A", 5)]))
    [problem] = problems
    assert (problem.rule, problem.cell, problem.value) == ("cost_code.unknown", "B8", typed)
    assert problem.message == "Cost Code is not on the ERP's list"
    assert problem.hint.startswith(hint)
    assert "dash" not in problem.hint or "dash" in hint


def test_a_near_miss_of_a_type_gets_a_suggestion(workbook_factory):
    _, problems = _check(workbook_factory(lines=[("", "01-100", "0", "A", 5)]))
    assert _found(problems) == [("cost_type.unknown", "C8", "0")]
    assert (
        problems[0].hint
        == "Did you mean O (a zero for the letter O)? Type it as the ERP's list spells it"
    )


def test_no_suggestion_for_a_value_far_from_the_list(workbook_factory):
    _, problems = _check(workbook_factory(lines=[("", "04-400", "L", "A", 5)]))
    assert problems[0].hint == "Use a cost code set up in the ERP (rules/cost_codes.csv)"
