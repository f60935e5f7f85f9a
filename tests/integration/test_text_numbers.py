"""Numbers typed as text in a real workbook: amounts, quantities, unit costs and the Budget
Total taken only where they read one way under ``[amount] decimal_separator`` and
``currency``; refused naming the cell, what the text could be and what to type."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.reading.amounts import NumberFormat
from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules, load_validation_rules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.problems import Problem, Severity
from pipeline.errors import ConfigError
from tests.support.workbooks import UNIT_HEADERS, WorkbookFactory

GOLDEN_RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")
DECIMAL_COMMA = dataclasses.replace(GOLDEN_RULES, number_format=NumberFormat(",", "€"))
# Amounts, quantities and unit costs typed as text, as the issue found them misread.
TYPED_AS_TEXT = [
    ("", "01-100", "L", "Site office", "1.234"),
    ("", "03-300", "M", "Concrete", "125", "10", "m3", "12,5"),
    ("", "03-300", "L", "Labour", "1.234,56"),
    ("", "09-900", "S", "Painting", "1\u06605"),  # an Arabic-Indic zero
]


def _check(
    path: Path, rules: ValidationRules = GOLDEN_RULES
) -> tuple[BudgetDocument | None, list[Problem]]:
    return check_budget(read_budget(path), rules)


def test_texts_that_read_more_than_one_way_are_refused_naming_their_cells(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(lines=TYPED_AS_TEXT, headers=UNIT_HEADERS, total=None)

    document, problems = _check(path)

    assert document is None
    assert [(p.rule, p.cell, p.value) for p in problems] == [
        ("number.ambiguous", "E7", "1.234"),
        ("number.separators", "H8", "12,5"),
        ("number.separators", "E9", "1.234,56"),
        ("number.digits", "E10", "1\u06605"),
    ]
    ambiguous, comma, grouped, digit = (str(p) for p in problems)
    assert ambiguous == (
        "Budget!E7: Original Budget Amount could be 1.234 (one point two three four) or 1234 "
        "(one thousand two hundred thirty-four): a point before three digits groups thousands "
        "in numbers written as 1.234,56 (found '1.234'). Type 1234 for one thousand two "
        "hundred thirty-four; for one point two three four, type 1.234 into a cell formatted "
        "as a number, not as text [number.ambiguous]"
    )
    assert comma == (
        "Budget!H8: Unit Cost could be 12.5 (twelve point five), written with a decimal "
        "comma; this workspace writes numbers as 1,234.56 (found '12,5'). Type 12.5 if that "
        "is the number [number.separators]"
    )
    assert "written with a decimal comma and points between thousands" in grouped
    assert "Type 1234.56 if that is the number" in grouped
    assert "holds U+0660 ARABIC-INDIC DIGIT ZERO, not one of the digits 0-9" in digit


def test_the_same_texts_read_one_way_with_a_decimal_comma(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = TYPED_AS_TEXT[:3]
    path = workbook_factory(lines=lines, headers=UNIT_HEADERS, total="2.593,56 €")

    document, problems = _check(path, DECIMAL_COMMA)

    assert document is not None, problems
    assert problems == []
    site, concrete, labour = document.lines
    assert site.amount == Decimal("1234.00")
    assert (concrete.unit_qty, concrete.unit_cost) == (Decimal("10"), Decimal("12.5"))
    assert labour.amount == Decimal("1234.56")
    assert document.stated_total == Decimal("2593.56")


def test_under_a_decimal_comma_the_other_way_is_refused(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [
        ("", "01-100", "L", "Site office", "1,234"),
        ("", "03-300", "M", "Concrete", "1,234.56"),
        ("", "03-300", "L", "Labour", "$500"),
    ]
    path = workbook_factory(lines=lines, total=None)

    _, problems = _check(path, DECIMAL_COMMA)

    assert [(p.rule, p.cell) for p in problems] == [
        ("number.ambiguous", "E7"),
        ("number.separators", "E8"),
        ("number.currency", "E9"),
    ]
    ambiguous, point, dollars = (p.message for p in problems)
    assert ambiguous.startswith(
        "Original Budget Amount could be 1,234 (one point two three four) or 1234 (one "
        "thousand two hundred thirty-four): a comma before three digits groups thousands"
    )
    assert point == (
        "Original Budget Amount could be 1234,56 (one thousand two hundred thirty-four point "
        "five six), written with a decimal point and commas between thousands; this "
        "workspace writes numbers as 1.234,56"
    )
    assert dollars == "Original Budget Amount is in $, and this workspace's amounts are in €"


def test_numbers_stored_as_numbers_are_read_as_they_are_whatever_the_separator(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [("", "01-100", "L", "A", 1.234, 1.234, "EA", 1), ("", "03-300", "M", "B", 1234)]
    path = workbook_factory(lines=lines, headers=UNIT_HEADERS, total=None)

    for rules in (GOLDEN_RULES, DECIMAL_COMMA):
        document, problems = _check(path, rules)
        assert document is not None
        assert [line.unit_qty for line in document.lines] == [Decimal("1.234"), None]
        assert [line.amount for line in document.lines] == [Decimal("1.23"), Decimal("1234")]
        assert [p.rule for p in problems] == ["amount.rounded"]


def test_a_budget_total_typed_as_text_is_read_as_the_lines_are(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [("", "01-100", "L", "A", 1234)]
    ambiguous = workbook_factory("total.xlsx", lines=lines, total="1.234")
    currency = workbook_factory("currency.xlsx", lines=lines, total="€1,234")

    [problem] = _check(ambiguous)[1]
    assert (problem.rule, problem.cell, problem.column) == (
        "number.ambiguous",
        "B5",
        "Budget Total",
    )
    assert problem.message.startswith("Budget Total could be 1.234 (one point two three four)")
    [problem] = _check(currency)[1]
    assert (problem.rule, problem.cell) == ("number.currency", "B5")
    document, problems = _check(ambiguous, DECIMAL_COMMA)
    assert problems == [] and document is not None and document.stated_total == 1234


def test_a_refused_number_made_a_warning_still_takes_no_reading(
    workbook_factory: WorkbookFactory,
) -> None:
    rules = dataclasses.replace(
        GOLDEN_RULES, severity={"number.ambiguous": "warning", "number.separators": "warning"}
    )
    lines = [("", "01-100", "L", "A", 100, "1.250", "EA", "12,5")]
    path = workbook_factory(lines=lines, headers=UNIT_HEADERS, total=None)

    document, problems = _check(path, rules)

    assert [(p.rule, p.severity) for p in problems] == [
        ("number.ambiguous", Severity.WARNING),
        ("number.separators", Severity.WARNING),
    ]
    assert document is not None
    [line] = document.lines
    assert (line.unit_qty, line.unit_cost, line.amount) == (None, None, Decimal("100.00"))
    # an amount left unread leaves no budget to take, whatever the rule's severity
    amount = workbook_factory("amount.xlsx", lines=[("", "01-100", "L", "A", "1.234")])
    document, problems = _check(amount, rules)
    assert document is None and [p.rule for p in problems] == ["number.ambiguous"]


def test_an_exponent_past_any_budget_is_no_number_and_the_checks_go_on(
    workbook_factory: WorkbookFactory,
) -> None:
    lines = [
        ("", "01-100", "L", "A", 100),
        ("", "03-300", "M", "B", "-1e999999999"),
        ("", "03-300", "L", "C", 100, "1,5e999999999", "EA", "(-1e999999999)"),
    ]
    path = workbook_factory(lines=lines, headers=UNIT_HEADERS, total="1e999999999")
    document, problems = _check(path)

    assert document is None
    assert [(p.rule, p.cell) for p in problems] == [
        ("amount.not_numeric", "E9"),
        ("unit_qty.not_numeric", "F10"),
        ("unit_cost.not_numeric", "H10"),
    ]
    # once the lines read, the total is compared with them: no overflow on the way
    path = workbook_factory("total.xlsx", lines=lines[:1], total="1e999999999")
    assert [p.rule for p in _check(path)[1]] == ["budget_total.not_numeric"]


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("", NumberFormat(".", "$")),
        ('decimal_separator = ","', NumberFormat(",", "$")),
        ('decimal_separator = ","\ncurrency = "€"', NumberFormat(",", "€")),
        ('currency = "CHF"', NumberFormat(".", "CHF")),
    ],
)
def test_the_number_format_is_read_from_validation_toml(
    tmp_path: Path, setting: str, expected: NumberFormat
) -> None:
    (tmp_path / "validation.toml").write_text(f"[amount]\n{setting}\n", encoding="utf-8")
    assert load_validation_rules(tmp_path).number_format == expected


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        ('decimal_separator = " "', 'decimal_separator must be "." or ","'),
        ("decimal_separator = 1", 'decimal_separator must be "." or ","'),
        ('currency = ""', "currency must be the sign or code amounts may carry"),
        ("currency = 5", "currency must be the sign or code amounts may carry"),
        ('currency = "US$ "', "currency must hold no digit, space, sign, parenthesis"),
        ('currency = "1"', "currency must hold no digit, space, sign, parenthesis"),
    ],
)
def test_a_number_format_that_could_be_misread_is_refused_when_loaded(
    tmp_path: Path, setting: str, message: str
) -> None:
    (tmp_path / "validation.toml").write_text(f"[amount]\n{setting}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="validation.toml: " + message.replace("$", r"\$")):
        load_validation_rules(tmp_path)
