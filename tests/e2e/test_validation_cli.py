"""Validation as admins meet it: refusals with annotated copies, ``check`` and ``template``."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace

GOLDEN_RULES = Path(__file__).parent.parent / "golden" / "rules"


@pytest.fixture
def listed(workspace: Workspace) -> Workspace:
    """A workspace with the ERP lists and rules of the golden tests."""
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    return workspace


def test_a_refused_budget_comes_back_with_an_annotated_copy_and_a_report(listed: Workspace) -> None:
    listed.drop(lines=[("", "3300", "L", "Concrete", 100), ("", "01-100", "Q", "Labour", 5)])
    original = (listed.root / "inbox" / "budget.xlsx").read_bytes()

    result = listed.run("process")

    assert result.exit_code == 1
    assert "marked up in rejected/budget.problems.xlsx" in result.output
    assert (listed.root / "rejected" / "budget.xlsx").read_bytes() == original
    report = (listed.root / "rejected" / "budget.xlsx.refused.txt").read_text()
    assert (
        "Budget!B8: Cost Code is not on the ERP's list (found '3300'). Did you mean 03-300 ("
        in report
    )
    assert "Budget!C9: Cost Type is not on the ERP's list (found 'Q')" in report
    assert "[cost_code.unknown]" in report  # the rule ids stay in the report, for support
    book = openpyxl.load_workbook(listed.root / "rejected" / "budget.problems.xlsx")
    note = book["Budget"]["B8"].comment.text
    assert note.startswith("Cost Code is not on the ERP's list. Did you mean 03-300")
    assert "cost_code" not in note and "rules/" not in note  # plain words on the copy
    assert book["Budget"]["B8"].fill.fgColor.rgb.endswith("FFC7CE")
    problems = [[str(c.value) for c in row] for row in book["Problems"].iter_rows(min_row=2)]
    assert [(p[1], p[5][:19]) for p in problems] == [
        ("Budget!B8", "Did you mean 03-300"),
        ("Budget!C9", "Use a cost type the"),
    ]
    assert problems[1][5] == "Use a cost type the ERP knows"  # not "(rules/cost_types.csv)"
    assert book.active is not None and book.active.title == "Problems"


def test_warnings_and_unchecked_lists_reach_the_approver(workspace: Workspace) -> None:
    path = workspace.drop()
    book = openpyxl.load_workbook(path)
    book["Budget"].row_dimensions[9].hidden = True
    book.save(path)
    import os

    os.utime(path, (0, 0))

    assert workspace.run("process").exit_code == 0

    review = openpyxl.load_workbook(workspace.review())
    texts = [c.value for r in review["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("row 9 is hidden but counts as a budget line" in t for t in texts)
    assert any("not checked against ERP list cost_codes" in t for t in texts)


def test_check_lists_every_problem_and_exits_1(listed: Workspace, tmp_path: Path) -> None:
    bad = make_workbook(tmp_path / "bad.xlsx", lines=[("", "01-100", "L", "A", "x")], total=None)
    good = make_workbook(tmp_path / "good.xlsx")

    result = listed.run("check", str(good), str(bad))

    assert result.exit_code == 1
    assert "good.xlsx: 0 error(s), 0 warning(s)" in result.output
    assert "bad.xlsx: 1 error(s)" in result.output
    assert "Budget!E7" in result.output and "amount.not_numeric" in result.output
    assert listed.files("approval") == []  # nothing was sent


def test_check_json_for_scripts(listed: Workspace, tmp_path: Path) -> None:
    good = make_workbook(tmp_path / "good.xlsx")
    result = listed.run("check", "--json", str(good))
    assert result.exit_code == 0
    assert json.loads(result.output) == {str(good): []}


def test_template_offers_the_erp_lists_and_passes_its_own_check(
    listed: Workspace, tmp_path: Path
) -> None:
    target = tmp_path / "new.xlsx"

    result = listed.run("template", "--project", "P-2002", "--output", str(target))

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(target)
    lists = book["ERP Lists"]
    codes = [c.value for c in lists["A"][1:]]
    # the job's own code and company codes, each with what the ERP calls it
    assert "05-500 \u2013 Metals" in codes and "03-300 \u2013 Concrete" in codes
    assert "L \u2013 Labour" in [c.value for c in lists["B"][1:]]
    sources = [v.formula1 for v in book["Budget"].data_validations.dataValidation]
    assert any("'ERP Lists'!$A$2" in str(s) for s in sources)
    sheet = book["Budget"]
    assert (sheet["A4"].value, sheet["B4"].value) == ("Budget Total", "=SUM(H8:H5007)")
    assert sheet["B4"].number_format == "#,##0.00"
    assert sheet["B2"].value == "Harbor Depot"  # the job's name, from rules/jobs.csv
    prepared_by = next(r for r in sheet.iter_rows() if r[0].value == "Prepared By")
    prepared_by[1].value = "Ada Admin"  # intake needs a submitter, and so does check
    # picked from the dropdowns, and a code typed alone: both read as the code
    sheet.append(["", "05-500 \u2013 Metals", "M \u2013 Material", "Steel", None, None, None, 1200])
    sheet.append(["", "03-300", "L", "Formwork", None, None, None, 800])
    sheet["B4"] = 2000  # what Excel's SUM shows: openpyxl saves formulas uncalculated
    book.save(target)
    checked = listed.run("check", str(target))
    assert checked.exit_code == 0, checked.output
    assert "0 error(s)" in checked.output and "not checked" not in checked.output


@pytest.mark.slow
def test_the_annotated_copy_opens_in_libreoffice_with_comments_and_problems(
    listed: Workspace, tmp_path: Path
) -> None:
    listed.drop(lines=[("", "01-100", "L", "A", "x"), ("", "01-100", "L", "B", 5)], total=None)
    listed.run("process")
    annotated = listed.root / "rejected" / "budget.problems.xlsx"
    out = tmp_path / "out"

    done = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path}/profile",
            "--headless",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            str(annotated),
        ],
        capture_output=True,
        text=True,
        timeout=180,
    )

    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(out / "budget.problems.xlsx")
    assert "Problems" in book.sheetnames
    assert book["Budget"]["E7"].comment is not None
    assert "Type the amount as a number" in book["Budget"]["E7"].comment.text
    assert book["Budget"]["B8"].comment is not None
    places = [row[1].value for row in book["Problems"].iter_rows(min_row=2)]
    assert places == ["Budget!E7", "Budget!B8"]


@pytest.mark.parametrize(
    ("project", "told"),
    [
        ("P-9999", "P-9999 is not a job in the ERP's list (rules/jobs.csv)"),
        ("P-3003", "P-3003 (Old Mill) is closed in the ERP's list (rules/jobs.csv)"),
    ],
    ids=["unknown", "closed"],
)
def test_template_refuses_a_job_the_erp_does_not_have_open(
    listed: Workspace, tmp_path: Path, project: str, told: str
) -> None:
    target = tmp_path / "new.xlsx"

    result = listed.run("template", "--project", project, "--output", str(target))

    assert result.exit_code == 1
    [line] = result.output.strip().splitlines()  # one clear line
    assert told in line
    assert not target.exists()
