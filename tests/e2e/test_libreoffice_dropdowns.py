"""The template's dropdowns in a real LibreOffice Calc (headless, over UNO): an admin picks
a cost code and a cost type from them as "code \u2013 description", types a code alone on
another line, and the budget goes through to the ERP with the codes alone."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.support.workspace import Workspace, age

PICK = Path(__file__).with_name("libreoffice_pick.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
GOLDEN_RULES = Path(__file__).parent.parent / "golden" / "rules"
# ?CODE: picked from the cell's dropdown as Calc lists it; anything else typed.
FILLED = {
    "B3": "Ada Admin",
    **{"B8": "?05-500", "C8": "?M", "D8": "Steel beams", "H8": "1200"},
    **{"B9": "03-300", "C9": "?L", "D9": "Formwork", "H9": "800"},  # the code typed alone
}


@pytest.mark.slow
def test_codes_picked_from_the_dropdowns_in_libreoffice_go_through(
    workspace: Workspace, tmp_path: Path
) -> None:
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    target = tmp_path / "budget.xlsx"
    assert workspace.run("template", "--project", "P-2002", "--output", str(target)).exit_code == 0
    edits = [f"Budget!{ref}={value}" for ref, value in FILLED.items()]
    subprocess.run([SYSTEM_PYTHON, str(PICK), str(target), *edits], check=True, timeout=180)
    sheet = openpyxl.load_workbook(target, data_only=True)["Budget"]
    picked = [sheet[ref].value for ref in ("B8", "C8", "B9", "C9")]
    assert picked == ["05-500 \u2013 Metals", "M \u2013 Material", "03-300", "L \u2013 Labour"]
    assert sheet["B4"].value == 2000  # Calc's sum, saved with the workbook
    checked = workspace.run("check", str(target))
    assert checked.exit_code == 0 and "0 error(s), 0 warning(s)" in checked.output, checked.output
    age(target)
    workspace.drop_file(target)

    sent = workspace.run("process")

    assert sent.exit_code == 0 and "sent for approval" in sent.output, sent.output
    lines = list(
        openpyxl.load_workbook(workspace.review("P-2002"))["Lines"].iter_rows(values_only=True)
    )
    header = lines[0]
    keys = [(row[header.index("Cost Code")], row[header.index("Cost Type")]) for row in lines[1:3]]
    assert keys == [("05-500", "M"), ("03-300", "L")]
    workspace.decide("P-2002", decision="Accept")
    assert workspace.run("process").exit_code == 0
    with (workspace.root / "outbox" / "P-2002_v1_001.csv").open(newline="") as handle:
        taken = [(row["Cost Code"], row["Cost Type"]) for row in csv.DictReader(handle)]
    assert sorted(taken) == [("03-300", "L"), ("05-500", "M")]
