"""Numbers typed as text in a real LibreOffice Calc (headless, over UNO): a quantity ``1.234``
and a unit cost ``12,5`` are refused naming their cells in a workspace that writes decimals
with a point, and taken one way, to the ERP file, in one that writes them with a comma
(``[amount] decimal_separator = ","``)."""

from __future__ import annotations

import csv
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support.workspace import Workspace, age

EDIT = Path(__file__).parent / "libreoffice_edit.py"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
# The template's cells, as an admin types them; ' keeps 1.234 and 12,5 text, as Calc does.
TYPED = {
    "B3": "Ada Admin",
    **{"B8": "01-100", "C8": "L", "D8": "Formwork", "E8": "'1.234", "F8": "m2"},
    **{"G8": "'12,5", "H8": "15425"},
    **{"B9": "03-300", "C9": "M", "D9": "Concrete", "H9": "45000"},
    **{"B10": "09-900", "C10": "S", "D10": "Painting subcontract", "H10": "8000"},
}


def _typed_in_libreoffice(ws: Workspace, target: Path) -> Path:
    """The template, filled in Calc: a line whose quantity and unit cost are typed as text."""
    assert ws.run("template", "--project", "P-1001", "--output", str(target)).exit_code == 0
    edits = [f"Budget!{ref}={value}" for ref, value in TYPED.items()]
    subprocess.run([SYSTEM_PYTHON, str(EDIT), str(target), *edits], check=True, timeout=180)
    age(target)
    sheet = openpyxl.load_workbook(target)["Budget"]
    assert (sheet["E8"].value, sheet["G8"].value) == ("1.234", "12,5")  # saved as text
    assert sheet["E8"].data_type == sheet["G8"].data_type == "s"
    return target


def _write_decimals_with_a_comma(ws: Workspace) -> None:
    rules = ws.root / "rules" / "validation.toml"
    text = rules.read_text(encoding="utf-8")
    assert 'decimal_separator = "."' in text  # the default init writes
    rules.write_text(text.replace('decimal_separator = "."', 'decimal_separator = ","'))


@pytest.mark.slow
def test_text_that_reads_two_ways_is_refused_naming_its_cells(
    workspace: Workspace, tmp_path: Path
) -> None:
    typed = _typed_in_libreoffice(workspace, tmp_path / "budget.xlsx")
    workspace.drop_file(typed)

    refused = workspace.run("process")

    assert refused.exit_code == 1, refused.output
    report = (workspace.root / "rejected" / "budget.xlsx.refused.txt").read_text()
    assert (
        "Budget!E8: Unit Qty could be 1.234 (one point two three four) or 1234 (one thousand "
        "two hundred thirty-four)"
    ) in report
    assert "[number.ambiguous]" in report
    assert (
        "Budget!G8: Unit Cost could be 12.5 (twelve point five), written with a decimal comma"
    ) in report
    assert "Type 12.5 if that is the number [number.separators]" in report
    assert "not_numeric" not in report
    assert workspace.files("approval") == [] and workspace.files("outbox") == []


@pytest.mark.slow
def test_the_same_text_is_taken_one_way_with_a_decimal_comma(
    workspace: Workspace, tmp_path: Path
) -> None:
    _write_decimals_with_a_comma(workspace)
    typed = _typed_in_libreoffice(workspace, tmp_path / "budget.xlsx")
    checked = workspace.run("check", str(typed))
    assert checked.exit_code == 0, checked.output
    workspace.drop_file(typed)

    sent = workspace.run("process")

    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    lines = list(openpyxl.load_workbook(workspace.review())["Lines"].iter_rows(values_only=True))
    header, formwork = lines[0], lines[1]
    taken = {name: formwork[header.index(name)] for name in ("Unit Qty", "Unit Cost", "Amount")}
    assert taken == {"Unit Qty": 1234, "Unit Cost": 12.5, "Amount": 15425}

    workspace.decide(decision="Accept")
    assert workspace.run("process").exit_code == 0
    with (workspace.root / "outbox" / "P-1001_v1_001.csv").open(newline="") as handle:
        rows = {row["Cost Code"]: row for row in csv.DictReader(handle)}
    assert (rows["01-100"]["Quantity"], rows["01-100"]["Unit Cost"]) == ("1234.0000", "12.5000")
    assert rows["01-100"]["Amount"] == "15425.00"
