"""Every ERP profile: byte-stable against its golden file, and read back by an independent
reader (the csv module, or an IIF reader written from the layout) to the same job, codes,
types and amounts, to the cent; and intake refuses exactly the text a layout cannot hold,
the formula guard's ' counted."""

from __future__ import annotations

import re
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.adapters.erp.profiles import PROFILE_NAMES, ProfileWriter, load_profile
from pipeline.adapters.mail.render import template_environment
from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules, apply_profile_limits
from pipeline.domain.budget import BudgetLine
from pipeline.domain.erp_profile import LayoutError
from pipeline.domain.exports import ExportKind
from pipeline.errors import ConfigError
from pipeline.services.ports import ExportJob
from tests.support.erp_readers import CARRIES_SUB_JOB, CARRIES_UNIT, read_erp_file

GOLDEN = Path(__file__).parent.parent / "golden" / "erp"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LINES = (
    BudgetLine(
        row=8,
        sub_job="",
        cost_code="01-100",
        cost_type="L",
        description="General conditions",
        amount=Decimal("12000.00"),
        unit_qty=Decimal("400"),
        uom="HR",
        unit_cost=Decimal("30"),
    ),
    BudgetLine(
        row=9,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description='Concrete, "ready mix"',
        amount=Decimal("45000.50"),
    ),
    BudgetLine(
        row=10,
        sub_job="",
        cost_code="09-900",
        cost_type="S",
        description="=2+3 painting",
        amount=Decimal("-8000.00"),
    ),
)
# The same cost code and type in two sub jobs: two lines the ERP must keep apart.
SUB_JOB_LINES = (
    BudgetLine(
        row=11,
        sub_job="MOB",
        cost_code="01-100",
        cost_type="L",
        description="Mobilisation crew",
        amount=Decimal("2500.25"),
        unit_qty=Decimal("50"),
        uom="HR",
        unit_cost=Decimal("50.005"),
    ),
    BudgetLine(
        row=12,
        sub_job="TI2",
        cost_code="01-100",
        cost_type="L",
        description="Tenant fit-out crew",
        amount=Decimal("1800.00"),
    ),
)
JOB = ExportJob(
    project_number="P-1001",
    project_name="Riverside Clinic",
    version=1,
    kind=ExportKind.ORIGINAL,
    lines=LINES,
    at=AT,
)
SUB_JOB = ExportJob(
    project_number="P-1001",
    project_name="Riverside Clinic",
    version=1,
    kind=ExportKind.ORIGINAL,
    lines=LINES + SUB_JOB_LINES,
    at=AT,
)
TOTAL = Decimal("49000.50")


def _write(profile: str, tmp_path: Path, job: ExportJob = JOB) -> bytes:
    writer = ProfileWriter(lambda: template_environment(tmp_path / "no-templates"), tmp_path)
    target = tmp_path / f"out.{profile}"
    writer(profile, job, target)
    return target.read_bytes()


def _golden_job(profile: str) -> ExportJob:
    """The golden budget: with two sub jobs where the layout takes them."""
    return SUB_JOB if load_profile(Path("/nonexistent"), profile).sub_jobs else JOB


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_profile_output_matches_its_golden_file(
    profile: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    spec = load_profile(tmp_path, profile)
    golden = GOLDEN / f"{profile}.{spec.extension}"
    written = _write(profile, tmp_path, _golden_job(profile))
    if request.config.getoption("--update-golden"):
        golden.write_bytes(written)
    assert written == golden.read_bytes()
    assert written.count(b"\r\n") == written.count(b"\n")  # CRLF throughout


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_an_independent_reader_gets_every_line_back_to_the_cent(
    profile: str, tmp_path: Path
) -> None:
    job = _golden_job(profile)
    records = read_erp_file(profile, _write(profile, tmp_path, job))

    assert {r.job for r in records} == {"P-1001"}
    assert len({r.key for r in records}) == len(records) == len(job.lines)
    by_key = {r.key: r for r in records}
    for line in job.lines:
        sub_job = line.sub_job if profile in CARRIES_SUB_JOB else ""
        record = by_key["P-1001", sub_job, line.cost_code, line.cost_type]
        assert record.amount == line.amount
        assert record.quantity == line.unit_qty
        assert record.unit == (line.uom if profile in CARRIES_UNIT else "")
    assert {r.marker for r in records} <= {"original", ""}


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_a_negative_zero_is_exported_as_zero(profile: str, tmp_path: Path) -> None:
    """A zero amount negated (IIF's opposite split) or typed as -0 reaches no ERP as -0.00."""
    zero = BudgetLine(
        row=13,
        sub_job="",
        cost_code="05-500",
        cost_type="E",
        description="Allowance",
        amount=Decimal("-0.00"),
        unit_qty=Decimal("-0"),
        uom="EA",
        unit_cost=Decimal("-0"),
    )
    job = ExportJob(
        project_number="P-1001",
        project_name="Riverside Clinic",
        version=1,
        kind=ExportKind.ORIGINAL,
        lines=(*LINES, zero),
        at=AT,
    )
    text = _write(profile, tmp_path, job).decode("utf-8")

    assert re.search(r"(?<![\w.])-0(\.0*)?(?![\d.])", text) is None, text
    assert "0.00" in text
    (record,) = [r for r in read_erp_file(profile, text.encode()) if r.cost_code == "05-500"]
    assert record.amount == 0


def test_a_budget_change_says_so_where_the_layout_has_a_word_for_it(tmp_path: Path) -> None:
    change = ExportJob(
        project_number="P-1001",
        project_name="Riverside Clinic",
        version=2,
        kind=ExportKind.CHANGE,
        lines=LINES[:1],
        at=AT,
    )
    for profile in ("generic-csv", "sage-intacct", "quickbooks-iif"):
        records = read_erp_file(profile, _write(profile, tmp_path, change))
        assert [r.marker for r in records] == ["approved change"], profile


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_text_that_looks_like_a_formula_is_neutralised_and_numbers_are_not(
    profile: str, tmp_path: Path
) -> None:
    text = _write(profile, tmp_path).decode("utf-8")
    assert "'=2+3 painting" in text
    assert "8000.00" in text  # negative in the budget; IIF splits carry the opposite sign
    assert "'-8000.00" not in text and "'8000.00" not in text


def test_the_formula_guard_counts_toward_a_fields_length(tmp_path: Path) -> None:
    spec = load_profile(tmp_path, "sage300")
    fits, over = "=" + "A" * 13, "=" + "A" * 14  # 14 and 15 characters before the guard

    assert spec.format_record("line", {"cost_code": fits}).split(",")[3] == f'"\'{fits}"'
    with pytest.raises(LayoutError, match=r"at most 15 characters, not 16 .*formula guard"):
        spec.format_record("line", {"cost_code": over})


def _budget_with(tmp: Path, description: str) -> Path:
    path = tmp / "budget.xlsx"
    book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False})
    sheet = book.add_worksheet("Budget")
    sheet.write_row(0, 0, ["Project Number", "P-1001"])
    sheet.write_row(2, 0, ["Cost Code", "Cost Type", "Description", "Amount"])
    sheet.write_row(3, 0, ["01-100", "L", description, 5])
    book.close()
    return path


@pytest.mark.parametrize("profile", PROFILE_NAMES)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_intake_refuses_exactly_the_text_the_layout_cannot_hold(
    profile: str, data: st.DataObject
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        spec = load_profile(Path(tmp), profile)
        rules = apply_profile_limits(ValidationRules(), spec)
        company = ValidationRules().columns["description"].max_length
        limit = spec.limits().get("description", company)
        first = data.draw(st.sampled_from(["=", "+", "-", "@", "a"]))
        length = data.draw(st.integers(min_value=limit - 2, max_value=limit + 1))
        text = first + "x" * (length - 1)
        _, problems = check_budget(read_budget(_budget_with(Path(tmp), text)), rules)
    refused = [p for p in problems if p.cell == "C4"]
    try:
        spec.format_record("line", {"description": text, "job": "P-1001"})
        writable = True
    except LayoutError:
        writable = False
    assert bool(refused) == (not writable or len(text) > company), (text, refused)
    assert all(p.rule == "text.too_long" for p in refused)


def _profile_file(tmp_path: Path, name: str, edit: Callable[[str], str]) -> Path:
    """A workspace copy of a built-in profile's declaration, edited."""
    packaged = Path(__file__).parents[2] / "templates" / "erp" / f"{name}.toml"
    target = tmp_path / "erp" / f"{name}.toml"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(edit(packaged.read_text(encoding="utf-8")), encoding="utf-8")
    return target


@pytest.mark.parametrize(
    ("name", "edit", "said"),
    [
        (
            "sage-intacct",
            lambda text: text.replace('value = "sub_job"', 'value = "=x"'),
            "sub_jobs = true, but no field of its line record carries the sub job",
        ),
        (
            "generic-csv",
            lambda text: text.replace('value = "job"', 'value = "=P-1"'),
            "no field names the job",
        ),
        (
            "sage300",
            lambda text: text.replace("label = ", "# label = "),
            "says nowhere how the ERP tells a budget change from an original",
        ),
        (
            "generic-csv",
            lambda text: text.replace('field = "Workflow"', 'field = "Amount"'),
            'names no field whose value is "workflow"',
        ),
        (
            "sage300",
            lambda text: text.replace('"approved-estimate-change"', '"approved_change"'),
            "a label is a letter, then letters, digits and hyphens",
        ),
    ],
)
def test_a_profile_that_would_lose_meaning_is_refused_when_loaded(
    tmp_path: Path, name: str, edit: Callable[[str], str], said: str
) -> None:
    path = _profile_file(tmp_path, name, edit)

    with pytest.raises(ConfigError) as refused:
        load_profile(tmp_path, name)

    assert str(path) in str(refused.value) and repr(name) in str(refused.value)
    assert said in str(refused.value)


def test_a_profile_written_before_the_change_table_is_marked_by_its_workflow_field(
    tmp_path: Path,
) -> None:
    _profile_file(
        tmp_path,
        "sage-intacct",
        lambda text: text.replace("[change]", "[unused]").replace('field = "WFTYPE"', ""),
    )
    assert load_profile(tmp_path, "sage-intacct").change.field == "WFTYPE"


def test_a_number_the_layout_would_round_stops_the_export(tmp_path: Path) -> None:
    spec = load_profile(tmp_path, "sage300")
    assert spec.format_record("line", {"unit_qty": Decimal("12.50"), "job": "P"}).count("12.50")
    with pytest.raises(LayoutError, match=r"Item quantity takes 2 decimals: 12.505 would"):
        spec.format_record("line", {"unit_qty": Decimal("12.505"), "job": "P"})
