"""Intake against the job's ERP layout, beyond the line lengths: the job fields made of the
header (Project Number, Project Name, IIF's Customer:Job), characters a layout without
quoting cannot hold, and numbers it would round. Intake refuses exactly what the export
could not write as it was read, so an accepted budget always exports."""

from __future__ import annotations

import csv
import io
import tempfile
from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from pipeline.adapters.erp.profiles import PROFILE_NAMES, ProfileWriter, load_profile
from pipeline.adapters.mail.render import template_environment
from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules, apply_profile_limits
from pipeline.config import default_settings
from pipeline.domain.budget import BudgetLine
from pipeline.domain.erp_profile import LayoutError, ProfileSpec
from pipeline.domain.exports import ExportKind
from pipeline.domain.problems import Problem, Severity
from pipeline.services.ports import ExportJob
from tests.support.workbooks import UNIT_HEADERS, WorkbookFactory, make_workbook

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HEADER_CELLS = ("B2", "B3")  # Project Number, Project Name in make_workbook's layout
QTY, COST = "F8", "H8"  # the first line's Unit Qty and Unit Cost
# A layout of a company's own: no quoting, so its delimiter cannot be written in a value.
PIPE = """
description = "Pipe-delimited estimate"
extension = "txt"
delimiter = "|"
quoting = "none"
sub_jobs = false
[change]
label = "change"
import_option = "Import as a change"
[[records.job]]
name = "JOB"
value = "customer_job"
[[records.line]]
name = "CODE"
value = "cost_code"
[[records.line]]
name = "MEMO"
value = "description"
"""

# An ERP that takes whole dollars.
WHOLE_DOLLARS = """
sub_jobs = false
[change]
label = "change"
import_option = "Import as a change"
[[records.line]]
name = "JOB"
value = "job"
[[records.line]]
name = "CODE"
value = "cost_code"
[[records.line]]
name = "AMT"
value = "amount"
kind = "number"
decimals = 0
"""


def _checked(path: Path, spec: ProfileSpec, rules: ValidationRules | None = None) -> list[Problem]:
    layout_rules = apply_profile_limits(rules or ValidationRules(), spec)
    return check_budget(read_budget(path), layout_rules)[1]


def _writer(templates: Path) -> ProfileWriter:
    return ProfileWriter(lambda: template_environment(templates), templates)


def _render(templates: Path, spec: ProfileSpec, job: ExportJob) -> str:
    """The ERP file's text, or "" where the layout cannot write it."""
    try:
        return _writer(templates).render(spec, job)
    except LayoutError:
        return ""


def _fields(spec: ProfileSpec, value: str) -> list[tuple[str, int]]:
    """(record, position) of every field that writes ``value``, read off the declaration."""
    return [
        (record, index)
        for record, fields in spec.records.items()
        for index, field in enumerate(fields)
        if field.value == value
    ]


def _writes_exactly(spec: ProfileSpec, value: str, number: Decimal) -> bool:
    """Whether every field that writes ``value`` gives ``number`` back, split out of its
    record by the csv module (a layout that would round it refuses: LayoutError)."""
    for record, index in _fields(spec, value):
        try:
            text = spec.format_record(record, {value: number})
        except LayoutError:
            return False
        if Decimal(next(csv.reader(io.StringIO(text), delimiter=spec.delimiter))[index]) != number:
            return False
    return True


@st.composite
def _headers(draw: st.DrawFn) -> tuple[str, str]:
    """A Project Number and Name, their lengths near the limits every layout declares; some
    start with a character the formula guard puts a ``'`` in front of."""
    lead = st.sampled_from(["+", "-", "@", "P"])
    number = draw(lead) + draw(st.text("0123456789-AB", min_size=0, max_size=13))
    near = [30, 83 - len(number) - 1]  # Spectrum's Job description, IIF's Customer:Job
    length = draw(
        st.one_of(st.integers(0, 90), st.sampled_from([n + d for n in near for d in (-1, 0, 1)]))
    )
    name = "" if length <= 0 else draw(lead) + "n" * (length - 1)
    return number, name


@st.composite
def _numbers(draw: st.DrawFn) -> Decimal:
    places = draw(st.integers(0, 5))
    return Decimal(draw(st.integers(1, 10**8))).scaleb(-places)


@pytest.mark.parametrize("profile", PROFILE_NAMES)
# no explain phase: it would read hundreds more workbooks to say which parts of a failure matter
@settings(max_examples=30, deadline=None, phases=[p for p in Phase if p is not Phase.explain])
@given(header=_headers(), qty=_numbers(), cost=_numbers())
def test_intake_refuses_exactly_the_job_fields_and_numbers_the_layout_cannot_write(
    profile: str, header: tuple[str, str], qty: Decimal, cost: Decimal
) -> None:
    number, name = header
    amount = (qty * cost).quantize(Decimal("0.01"))
    line = ("", "01-100", "L", "Work", float(amount), float(qty), "EA", float(cost))
    with tempfile.TemporaryDirectory() as tmp:
        templates = Path(tmp)
        spec = load_profile(templates, profile)
        path = make_workbook(
            templates / "b.xlsx",
            project=number,
            project_name=name,
            lines=[line],
            headers=UNIT_HEADERS,
        )
        problems = _checked(path, spec)
        plain = BudgetLine(
            row=8, sub_job="", cost_code="01-100", cost_type="L", description="Work", amount=amount
        )
        header_only = ExportJob(
            project_number=number,
            project_name=name,
            version=1,
            kind=ExportKind.ORIGINAL,
            lines=(plain,),
            at=AT,
        )
        header_written = bool(_render(templates, spec, header_only))
    refused = {p.cell: p.rule for p in problems}
    assert any(cell in refused for cell in HEADER_CELLS) == (not header_written), refused
    assert {refused[c] for c in HEADER_CELLS if c in refused} <= {"text.too_long"}
    for column, cell, typed in (("unit_qty", QTY, qty), ("unit_cost", COST, cost)):
        exact = _writes_exactly(spec, column, typed)
        assert (refused.get(cell) == "number.erp_decimals") == (not exact), (column, refused)


def test_a_customer_job_too_long_is_put_on_the_name_with_what_it_may_hold(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    spec = load_profile(tmp_path, "quickbooks-iif")
    fits = workbook_factory("fits.xlsx", project_name="N" * 76)  # + ":P-1001" = 83
    over = workbook_factory("over.xlsx", project_name="N" * 77)

    assert _checked(fits, spec) == []
    [problem] = _checked(over, spec)
    assert str(problem) == (
        "Budget!B3: the Project Name takes at most 76 characters in quickbooks-iif (NAME takes "
        f"83 as Project Name:Project Number), not 77 (found '{'N' * 77}'). Shorten the Project "
        "Name to 76 characters [text.too_long]"
    )


def test_the_formula_guard_counts_in_a_job_field(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    spec = load_profile(tmp_path, "spectrum")
    guarded = workbook_factory(project_name="+" + "n" * 29)  # 30, and the guard's ' makes 31

    [problem] = _checked(guarded, spec)

    assert problem.cell == "B3" and problem.message == (
        "the Project Name takes at most 29 characters in spectrum (Job description takes 30 "
        "and the ' the ERP file adds in front of text starting with + takes one), not 30"
    )


def test_a_job_field_is_measured_as_the_export_gets_it_cleaned(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    spec = load_profile(tmp_path, "spectrum")
    hidden = workbook_factory(project_name="N" * 30 + "\u200b")  # 31 as read, 30 kept

    assert [p.rule for p in _checked(hidden, spec)] == ["text.hidden_removed"]


def test_a_project_number_too_long_for_the_job_field_is_refused_on_its_cell(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    spec = load_profile(tmp_path, "spectrum")

    [problem] = _checked(workbook_factory(project="P-2002-0001"), spec)

    assert (problem.cell, problem.rule) == ("B2", "text.too_long")
    assert problem.message == (
        "the Project Number takes at most 10 characters in spectrum (Job number), not 11"
    )


def test_a_layout_without_quoting_refuses_its_delimiter_in_any_field_it_writes(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    (tmp_path / "erp").mkdir()
    (tmp_path / "erp" / "pipe.toml").write_text(PIPE)
    spec = load_profile(tmp_path, "pipe")
    lines = [("", "01-100", "L", "Concrete | ready mix", 5), ("", "01-200", "L", "Forms", 5)]
    path = workbook_factory(project_name="North | South", lines=lines)
    line = BudgetLine(
        row=8,
        sub_job="",
        cost_code="01-100",
        cost_type="L",
        description="Concrete | ready mix",
        amount=Decimal(5),
    )

    problems = _checked(path, spec)

    assert [(p.cell, p.rule) for p in problems] == [
        ("B3", "text.unwritable"),
        ("D8", "text.unwritable"),
    ]
    assert problems[1].message == (
        "Description holds a vertical bar, the delimiter of the pipe ERP format, which has no "
        "quoting to write it in MEMO"
    )
    job = ExportJob(
        project_number="P-1001",
        project_name="North",
        version=1,
        kind=ExportKind.ORIGINAL,
        lines=(line,),
        at=AT,
    )
    with pytest.raises(LayoutError, match="delimiter"):
        _writer(tmp_path).render(spec, job)


def test_an_amount_is_checked_only_where_the_layout_writes_fewer_places_than_cents(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    (tmp_path / "erp").mkdir()
    (tmp_path / "erp" / "whole.toml").write_text(WHOLE_DOLLARS)
    lines = [("", "01-100", "L", "Supervision", 12.5), ("", "01-200", "L", "Forms", 12.005)]
    path = workbook_factory(lines=lines, total=24.5)  # 12.005 is taken as 12.00
    cents = ValidationRules(max_decimals=3, round_to_cents=False)

    whole = _checked(path, load_profile(tmp_path, "whole"), cents)
    in_cents = _checked(path, load_profile(tmp_path, "sage300"), cents)

    assert [(p.cell, p.rule) for p in whole] == [
        ("E8", "number.erp_decimals"),
        ("E9", "number.erp_decimals"),
    ]
    assert whole[0].message == (
        "Original Budget Amount has 1 decimal, and the whole ERP format writes 0 (AMT): the "
        "ERP would get 12"
    )
    assert in_cents == []  # the amount is in cents, as Sage 300 writes it


def test_a_company_may_take_what_the_layout_rounds_as_a_warning(
    workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    spec = load_profile(tmp_path, "sage300")
    lines = [("", "01-100", "L", "Supervision", 1000, 33.333, "HR", 30)]
    path = workbook_factory(headers=UNIT_HEADERS, lines=lines)

    [problem] = _checked(path, spec, ValidationRules(severity={"number.erp_decimals": "warning"}))

    assert (problem.cell, problem.rule, problem.severity) == (
        "F8",
        "number.erp_decimals",
        Severity.WARNING,
    )


@pytest.mark.parametrize("profile", ["sage300", ""])
def test_intake_checks_the_configured_layout_and_none_when_none_is_known(
    profile: str, workbook_factory: WorkbookFactory, tmp_path: Path
) -> None:
    lines = [("", "01-100", "L", "Supervision", 1000, 33.333, "HR", 30)]
    path = workbook_factory(headers=UNIT_HEADERS, lines=lines)
    settings = replace(default_settings(tmp_path / "nowhere"), export_profile=profile)

    result = read_and_check(path, settings)

    refused = [p.rule for p in result.problems if p.rule != "list.not_checked"]
    assert refused == (["number.erp_decimals"] if profile else [])
