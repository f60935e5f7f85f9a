"""What a budget keeps of its cells' text, read from real workbooks: hidden characters
removed with a warning naming each cell, codes folded with NFKC before the duplicate check
and the ERP lists, codes that are still not plain ASCII refused at their cell."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.cell_text import keep_column
from pipeline.adapters.validation.rules_files import ValidationRules, load_validation_rules
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.problems import Problem, Severity, errors
from tests.support.workbooks import WorkbookFactory, xlsx_escaped

NO_LISTS = ValidationRules()
GOLDEN_RULES = load_validation_rules(Path(__file__).parent.parent / "golden" / "rules")
HIDDEN = "\x00\x1b\u202e\u200b"


def _check(
    path: Path, rules: ValidationRules = NO_LISTS, run_rows: int = 20_000
) -> tuple[BudgetDocument | None, list[Problem]]:
    return check_budget(read_budget(path), rules, run_rows=run_rows)


def _found(problems: list[Problem]) -> list[tuple[str, str]]:
    return [(p.rule, p.cell) for p in problems if p.rule != "list.not_checked"]


def _hidden_budget(workbook_factory: WorkbookFactory) -> Path:
    """NUL and ESC (as Excel stores them), a bidi override and a zero-width space in the
    header's texts and in every text column of the lines."""
    path = workbook_factory(
        project_name="River\u200bside Clinic",
        prepared_by="Ada\u202e Admin",
        headers=("Sub Job", "Cost Code", "Cost Type", "Description", "Amount", "Unit Qty", "UOM"),
        lines=[
            ("", "01-100", "L", "General conditions", 100),
            ("A\u200b", "03-@300", "\u202eM", "null@byte", 200, 2, "E#A"),
            ("", "09-900", "S#", "Paint\u200bing \u202eevil", 300),
        ],
    )
    return xlsx_escaped(path, {"@": "\x00", "#": "\x1b"})


def test_hidden_characters_are_removed_with_a_warning_naming_each_cell(
    workbook_factory: WorkbookFactory,
) -> None:
    document, problems = _check(_hidden_budget(workbook_factory))

    assert document is not None, problems
    assert (document.project_name, document.prepared_by) == ("Riverside Clinic", "Ada Admin")
    assert [line.as_texts()[1:6] for line in document.lines] == [
        ("", "01-100", "L", "General conditions", "100.00"),
        ("A", "03-300", "M", "nullbyte", "200.00"),
        ("", "09-900", "S", "Painting evil", "300.00"),
    ]
    assert document.lines[1].uom == "EA"
    texts = [document.project_name, document.prepared_by]
    texts += [text for line in document.lines for text in line.content()]
    assert not [text for text in texts if any(ch in text for ch in HIDDEN)]
    warnings = {p.cell: str(p) for p in problems if p.rule == "text.hidden_removed"}
    assert sorted(warnings) == ["A9", "B3", "B4", "B9", "C10", "C9", "D10", "D9", "G9"]
    assert warnings["D9"].startswith("Budget!D9: the Description held U+0000 NULL, removed")
    assert "found 'null\\\\u0000byte'" in warnings["D9"]  # the text as read, written out
    assert warnings["C10"].startswith("Budget!C10: the Cost Type held U+001B ESCAPE, removed")
    assert "held U+200B ZERO WIDTH SPACE and U+202E RIGHT-TO-LEFT OVERRIDE" in warnings["D10"]
    assert "the Project Name held U+200B ZERO WIDTH SPACE" in warnings["B3"]
    assert all(p.severity is Severity.WARNING for p in problems)


def test_the_warning_takes_its_severity_from_the_rules(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "Con\u200bcrete", 100)])

    refused, problems = _check(path, ValidationRules(severity={"text.hidden_removed": "error"}))
    assert refused is None and _found(errors(problems)) == [("text.hidden_removed", "D8")]

    quiet, problems = _check(path, ValidationRules(severity={"text.hidden_removed": "off"}))
    assert quiet is not None and quiet.lines[0].description == "Concrete"
    assert _found(problems) == []


def test_a_cell_with_an_error_gets_the_error_only(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(lines=[("", "01-100", "L", "x\u200b" + "y" * 300, 100)])

    _, problems = _check(path)

    assert _found(problems) == [("text.too_long", "D8")]


def test_lookalike_codes_are_one_line_without_any_erp_list(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(
        lines=[
            ("", "03-300", "L", "Plain", 100),
            ("", "03-300", "L\u200b", "Zero-width space", 100),
            ("", "03-300", "\uff2c", "Fullwidth", 100),
            ("", "\uff10\uff13-\uff13\uff10\uff10", "L", "Fullwidth code", 100),
            ("\u200b", "03-300", "L", "Hidden sub job", 100),
        ]
    )

    for run_rows in (20_000, 2):  # the whole budget at once, and runs of two rows
        document, problems = _check(path, run_rows=run_rows)

        assert document is None
        duplicates = [p for p in problems if p.rule == "line.duplicate"]
        assert [p.cell for p in duplicates] == ["B9", "B10", "B11", "B12"]
        assert all("duplicate line 03-300 / L: same as row 8" in str(p) for p in duplicates)


def test_a_fullwidth_code_matches_the_erp_list(workbook_factory: WorkbookFactory) -> None:
    path = workbook_factory(
        lines=[("", "\uff10\uff13-\uff13\uff10\uff10", "\uff2d", "Concrete", 100)]
    )

    document, problems = _check(path, GOLDEN_RULES)

    assert errors(problems) == [] and document is not None
    assert (document.lines[0].cost_code, document.lines[0].cost_type) == ("03-300", "M")


def test_a_code_that_is_not_plain_ascii_is_refused_naming_the_cell_and_character(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(
        lines=[
            ("", "01-100", "\u0141", "L with stroke", 100),
            ("", "\u0421-100", "L", "Cyrillic ES", 100),
            ("\u00c9T\u00c9", "01-100", "M", "Accented sub job", 100),
            ("", "02-200", "L", "Cr\u00e8me in a description is fine", 100),
        ]
    )

    document, problems = _check(path, GOLDEN_RULES)

    assert document is None
    found = {p.cell: str(p) for p in errors(problems)}
    assert sorted(found) == ["A10", "B9", "C8"]
    assert found["C8"].startswith(
        "Budget!C8: the Cost Type holds U+0141 LATIN CAPITAL LETTER L WITH STROKE, not plain "
        "ASCII (found '\u0141'). Job numbers, sub jobs, cost codes and cost types go to the ERP"
    )
    assert "the Cost Code holds U+0421 CYRILLIC CAPITAL LETTER ES, not plain ASCII" in found["B9"]
    assert "the Sub Job holds U+00C9 LATIN CAPITAL LETTER E WITH ACUTE, not plain" in found["A10"]
    assert all(p.rule == "text.not_ascii" for p in errors(problems))


def test_a_project_number_is_folded_then_plain_ascii_or_refused(
    workbook_factory: WorkbookFactory,
) -> None:
    fullwidth, _ = _check(workbook_factory(project="\uff30-1001"))
    assert fullwidth is not None and fullwidth.project_number == "P-1001"

    refused, problems = _check(workbook_factory("masse.xlsx", project="MA\u00dfE-1"))
    assert refused is None
    assert _found(problems) == [("text.not_ascii", "B2")]
    assert "the Project Number holds U+00DF LATIN SMALL LETTER SHARP S" in str(problems[0])

    hidden, problems = _check(workbook_factory("hidden.xlsx", project="P-10\u200b01"))
    assert hidden is None
    assert _found(problems) == [("project_number.hidden_character", "B2")]


def test_a_clean_column_is_left_as_it_is() -> None:
    texts = ["03-300", "Ünïcødé € 1½", ""]
    kept = list(texts)

    assert keep_column(kept, code=False) == {}
    assert all(a is b for a, b in zip(kept, texts, strict=True))
    assert keep_column(["L\u200b", "\uff2c", "L"], code=True) == {0: "L\u200b"}


def test_a_code_picked_from_a_dropdown_is_read_as_its_code(
    workbook_factory: WorkbookFactory,
) -> None:
    path = workbook_factory(
        lines=[
            ("", "03-300 \u2013 Concrete", "M \u2013 Material", "Slab", 100),
            ("", "01-100 \u2013 General c\u200bonditions", "L", "Site office", 200),
            ("\u2013 A", "09-900", "S \u2013 Subcontract", "Paint", 300),
        ]
    )

    for run_rows in (20_000, 2):  # the whole budget at once, and runs of two rows
        document, problems = _check(path, GOLDEN_RULES, run_rows)

        assert [(p.rule, p.cell) for p in errors(problems)] == [("text.not_ascii", "A10")]
        assert not [p for p in problems if p.rule == "text.hidden_removed"]  # not the code's
    fixed_line = ("", "03-300 \u2013 Concrete", "M \u2013 Material", "Slab", 100)
    fixed = workbook_factory("fixed.xlsx", lines=[fixed_line, ("", "03-300", "M", "Again", 100)])
    document, problems = _check(fixed, GOLDEN_RULES)
    assert document is None  # one line twice, picked once and typed once
    assert [p.cell for p in problems if p.rule == "line.duplicate"] == ["B9"]
    taken, problems = _check(workbook_factory("taken.xlsx", lines=[fixed_line]), GOLDEN_RULES)
    assert taken is not None, problems
    assert (taken.lines[0].cost_code, taken.lines[0].cost_type) == ("03-300", "M")


def test_a_picked_code_keeps_only_the_code() -> None:
    texts = ["03-300 \u2013 Concrete", "03-300", "0\u200b3-300 \u2013 Concrete"]

    assert keep_column(texts, code=True, picked=True) == {2: "0\u200b3-300"}
    assert texts == ["03-300", "03-300", "03-300"]
    sub_jobs = ["A \u2013 North"]  # a sub job is not picked: the dash stays, to be refused
    assert keep_column(sub_jobs, code=True) == {} and sub_jobs == ["A \u2013 North"]
