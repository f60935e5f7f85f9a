"""Every ERP profile: byte-stable against its golden file, and read back by an independent
reader (the csv module, or an IIF reader written from the layout) to the same job, codes,
types and amounts, to the cent; and intake refuses exactly the text a layout cannot hold,
the formula guard's ' counted."""

from __future__ import annotations

import csv
import io
import tempfile
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
from pipeline.services.ports import ExportJob

GOLDEN = Path(__file__).parent.parent / "golden" / "erp"
AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
LINES = (
    BudgetLine(
        8,
        "",
        "01-100",
        "L",
        "General conditions",
        Decimal("12000.00"),
        Decimal("400"),
        "HR",
        Decimal("30"),
    ),
    BudgetLine(9, "", "03-300", "M", 'Concrete, "ready mix"', Decimal("45000.50")),
    BudgetLine(10, "", "09-900", "S", "=2+3 painting", Decimal("-8000.00")),
)
JOB = ExportJob("P-1001", "Riverside Clinic", 1, ExportKind.ORIGINAL, LINES, AT)
TOTAL = Decimal("49000.50")


def _write(profile: str, tmp_path: Path, job: ExportJob = JOB) -> bytes:
    writer = ProfileWriter(lambda: template_environment(tmp_path / "no-templates"), tmp_path)
    target = tmp_path / f"out.{profile}"
    writer(profile, job, target)
    return target.read_bytes()


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_profile_output_matches_its_golden_file(
    profile: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    spec = load_profile(tmp_path, profile)
    golden = GOLDEN / f"{profile}.{spec.extension}"
    written = _write(profile, tmp_path)
    if request.config.getoption("--update-golden"):
        golden.write_bytes(written)
    assert written == golden.read_bytes()
    assert written.count(b"\r\n") == written.count(b"\n")  # CRLF throughout


def _csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8"), newline="")))


def _read_back(profile: str, data: bytes) -> tuple[set[str], list[tuple[str, str, Decimal]]]:
    """(jobs named, [(cost code, cost type, amount)]) as the ERP would read the file."""
    if profile == "generic-csv":
        rows = _csv_rows(data)
        assert rows[0] == ["Job", "Sub Job", "Cost Code", "Cost Type", "Description", "Amount"]
        return {r[0] for r in rows[1:]}, [(r[2], r[3], Decimal(r[5])) for r in rows[1:]]
    if profile == "sage-intacct":
        records = list(csv.DictReader(io.StringIO(data.decode("utf-8"), newline="")))
        assert {r["WFTYPE"] for r in records} == {"original"}
        assert {r["EFFECTIVEDATE"] for r in records} == {"03/02/2026"}
        return (
            {r["PROJECTID"] for r in records},
            [(r["TASKID"], r["COSTTYPEID"], Decimal(r["AMOUNT"])) for r in records],
        )
    if profile == "sage300":
        rows = _csv_rows(data)
        assert all(r[0] == "C" and len(r) == 8 and r[4] == "03022026" for r in rows)
        assert data.startswith(b'"C","01-100"')  # text fields quoted, as the layout says
        return {"P-1001"}, [(r[1], r[3], Decimal(r[7])) for r in rows]
    if profile == "spectrum":
        rows = _csv_rows(data)
        assert rows[0][0] == "*" and all(r[0] == "P" and len(r) == 15 for r in rows[1:])
        return {rows[0][1]}, [(r[1], r[3], Decimal(r[6])) for r in rows[1:]]
    return _read_iif(data)


def _read_iif(data: bytes) -> tuple[set[str], list[tuple[str, str, Decimal]]]:
    """An IIF reader from the layout: '!' rows name the columns of the rows of that keyword."""
    columns: dict[str, list[str]] = {}
    trns: list[dict[str, str]] = []
    splits: list[dict[str, str]] = []
    ended = 0
    for raw in data.decode("utf-8").split("\r\n"):
        if not raw:
            continue
        cells = raw.split("\t")
        if cells[0].startswith("!"):
            columns[cells[0][1:]] = cells
            continue
        row = dict(zip(columns[cells[0]], cells, strict=True))
        if cells[0] == "TRNS":
            trns.append(row)
        elif cells[0] == "SPL":
            splits.append(row)
        elif cells[0] == "ENDTRNS":
            ended += 1
    assert len(trns) == 1 and ended == 1
    assert trns[0]["TRNSTYPE"] == "ESTIMATES" and trns[0]["NAME"] == "Riverside Clinic:P-1001"
    assert Decimal(trns[0]["AMOUNT"]) + sum(Decimal(s["AMOUNT"]) for s in splits) == 0
    jobs = {trns[0]["NAME"].split(":")[-1]}
    return jobs, [(s["INVITEM"], s["CLASS"], -Decimal(s["AMOUNT"])) for s in splits]


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_an_independent_reader_gets_the_budget_back_to_the_cent(
    profile: str, tmp_path: Path
) -> None:
    jobs, lines = _read_back(profile, _write(profile, tmp_path))

    assert jobs == {"P-1001"}
    assert [(code, kind) for code, kind, _ in lines] == [
        (line.cost_code, line.cost_type) for line in LINES
    ]
    assert [amount for _, _, amount in lines] == [line.amount for line in LINES]
    assert sum(amount for _, _, amount in lines) == TOTAL


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_text_that_looks_like_a_formula_is_neutralised_and_numbers_are_not(
    profile: str, tmp_path: Path
) -> None:
    text = _write(profile, tmp_path).decode("utf-8")
    assert "'=2+3 painting" in text
    assert "8000.00" in text  # negative in the budget; IIF splits carry the opposite sign
    assert "'-8000.00" not in text and "'8000.00" not in text


def test_a_budget_change_says_so_where_the_layout_has_a_word_for_it(tmp_path: Path) -> None:
    change = ExportJob("P-1001", "Riverside Clinic", 2, ExportKind.CHANGE, LINES[:1], AT)
    rows = list(csv.DictReader(io.StringIO(_write("sage-intacct", tmp_path, change).decode())))
    assert [r["WFTYPE"] for r in rows] == ["approved change"]


def test_the_formula_guard_counts_toward_a_fields_length(tmp_path: Path) -> None:
    spec = load_profile(tmp_path, "sage300")
    fits, over = "=" + "A" * 13, "=" + "A" * 14  # 14 and 15 characters before the guard

    assert spec.format_record("line", {"cost_code": fits}).split(",")[1] == f'"\'{fits}"'
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
