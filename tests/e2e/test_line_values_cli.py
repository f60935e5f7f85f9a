"""Spreadsheets that keep working as spreadsheets, from the inbox to the ERP file: a formula's
sub-cent digits are rounded with a warning, and a code or type typed in another case arrives
as the ERP's list spells it, in the review workbook, the export and a later budget change."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from tests.support.workbooks import UNIT_HEADERS, make_workbook
from tests.support.workspace import Workspace

GOLDEN_RULES = Path(__file__).parent.parent / "golden" / "rules"
LINES = [
    ("", "01-100", "l", "Supervision", 12000, 400, "HR", 30),
    ("", "03-300", "m", "Concrete", 333 * 1833.333, 333, "CY", 1833.333),  # =F9*H9
]


@pytest.fixture
def listed(workspace: Workspace) -> Workspace:
    """A workspace with the ERP lists and rules of the golden tests."""
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    return workspace


def _rows(ws: Workspace, name: str) -> list[dict[str, str]]:
    with (ws.root / "outbox" / name).open(newline="") as handle:
        return list(csv.DictReader(handle))


def test_check_shows_the_rounding_and_takes_the_budget(listed: Workspace, tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "b.xlsx", headers=UNIT_HEADERS, lines=LINES, total=622499.889)

    result = listed.run("check", str(path))

    assert result.exit_code == 0, result.output
    assert "0 error(s), 1 warning(s)" in result.output
    assert "Budget!E9" in result.output and "amount.rounded" in result.output


def test_the_review_workbook_and_the_erp_file_carry_cents_and_the_lists_spelling(
    listed: Workspace,
) -> None:
    listed.drop(headers=UNIT_HEADERS, lines=LINES, total=622499.889)
    assert listed.run("process").exit_code == 0

    review = openpyxl.load_workbook(listed.review())
    texts = [c.value for r in review["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("taken as 610,499.89, rounded to cents" in t for t in texts)
    lines = [[c.value for c in row] for row in review["Lines"].iter_rows()]
    header = lines[0]
    code, kind = header.index("Cost Code"), header.index("Cost Type")
    assert [(r[code], r[kind]) for r in lines[1:3]] == [("01-100", "L"), ("03-300", "M")]

    listed.decide(decision="Accept")
    listed.run("process")

    rows = _rows(listed, "P-1001_v1_001.csv")
    assert [(r["Cost Code"], r["Cost Type"], r["Amount"]) for r in rows] == [
        ("01-100", "L", "12000.00"),
        ("03-300", "M", "610499.89"),
    ]


def test_a_change_typed_in_another_case_changes_only_what_changed(listed: Workspace) -> None:
    listed.drop(headers=UNIT_HEADERS, lines=LINES, total=622499.889)
    listed.run("process")
    listed.decide(decision="Accept")
    listed.run("process")
    changed = [  # each line typed in the other case than version 1
        ("", "01-100", "L", "Supervision", 13000, 400, "HR", 32.5),
        ("", "03-300", "M", "Concrete", 333 * 1833.333, 333, "CY", 1833.333),
    ]
    listed.drop("change.xlsx", headers=UNIT_HEADERS, lines=changed, total=623499.889)

    assert "sent for approval" in listed.run("process").output
    listed.decide(version=2, decision="Accept")
    listed.run("process")

    rows = _rows(listed, "P-1001_v2_001_change.csv")
    assert [(r["Cost Code"], r["Cost Type"], r["Amount"]) for r in rows] == [
        ("01-100", "L", "1000.00")
    ]
