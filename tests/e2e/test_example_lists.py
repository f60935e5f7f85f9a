"""``init`` writes example ERP lists, marked so and read as lists, and says where the real ones
come from; the template's dropdowns offer them as "code \u2013 description", and a budget
filled from them goes through, by the CLI and the daemon."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workspace import Workspace, age

LISTS = ("jobs.csv", "cost_codes.csv", "cost_types.csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_init_writes_example_erp_lists_and_says_where_the_real_ones_come_from(
    tmp_path: Path,
) -> None:
    root = tmp_path / "new"

    result = Workspace(tmp_path).run("init", str(root))

    assert result.exit_code == 0, result.output
    for name in LISTS:
        assert f"created {root / 'rules' / name}" in result.output
        rows = _rows(root / "rules" / name)
        assert rows and all(row["example"] == "yes" for row in rows), name  # marked, each row
    told = result.output.strip().splitlines()[-1]
    assert told.startswith(
        "rules/jobs.csv, rules/cost_codes.csv and rules/cost_types.csv: example ERP lists"
    )
    assert "Replace each with the ERP's own export of that list" in told
    # read as lists: the template knows the example job and offers the example codes
    made = Workspace(root)
    target = tmp_path / "template.xlsx"
    assert made.run("template", "--project", "P-1001", "--output", str(target)).exit_code == 0
    book = openpyxl.load_workbook(target)
    assert book["Budget"]["B2"].value == "Riverside Clinic"
    codes = [cell.value for cell in book["ERP Lists"]["A"][1:]]
    assert "03-300 \u2013 Cast-in-place concrete" in codes
    refused = made.run("template", "--project", "P-3003", "--output", str(tmp_path / "x.xlsx"))
    assert refused.exit_code == 1 and "P-3003 (Old Mill) is closed" in refused.output


def test_init_leaves_the_erp_exports_alone_and_names_only_the_examples_it_writes(
    tmp_path: Path,
) -> None:
    root = tmp_path / "ws"
    (root / "rules").mkdir(parents=True)
    exported = "job_number,name,status\n24-017,Main Street Offices,open\n"
    (root / "rules" / "jobs.csv").write_text(exported, encoding="utf-8")

    result = Workspace(tmp_path).run("init", str(root))

    assert result.exit_code == 0, result.output
    assert (root / "rules" / "jobs.csv").read_text(encoding="utf-8") == exported
    told = result.output.strip().splitlines()[-1]
    assert told.startswith("rules/cost_codes.csv and rules/cost_types.csv: example ERP lists")
    again = Workspace(tmp_path).run("init", str(root))
    assert "example ERP lists" not in again.output  # nothing written, nothing said


@pytest.fixture
def daemon(workspace: Workspace, tmp_path: Path) -> Iterator[Daemon]:
    """``budget-erp watch`` on a workspace with init's example lists."""
    assert "example ERP lists" in workspace.run("init").output  # the test workspace had none
    fast_settings(workspace)
    running = Daemon.start(workspace, tmp_path / "daemon.log")
    yield running
    running.kill()


def _picked(entries: list[str], code: str) -> str:
    [entry] = [e for e in entries if e.startswith(f"{code} \u2013 ")]
    return entry


@pytest.mark.slow
def test_a_budget_picked_from_the_example_lists_goes_through_the_daemon(
    daemon: Daemon, tmp_path: Path
) -> None:
    ws = daemon.ws
    target = tmp_path / "budget.xlsx"
    assert ws.run("template", "--project", "P-1001", "--output", str(target)).exit_code == 0
    book = openpyxl.load_workbook(target)
    codes = [str(c.value) for c in book["ERP Lists"]["A"][1:] if c.value]
    types = [str(c.value) for c in book["ERP Lists"]["B"][1:] if c.value]
    sheet = book["Budget"]
    sheet["B3"] = "Ada Admin"
    for row, (code, kind, amount) in enumerate((("03-300", "M", 45000), ("09-910", "S", 8000)), 8):
        sheet[f"B{row}"], sheet[f"C{row}"] = _picked(codes, code), _picked(types, kind)
        sheet[f"D{row}"], sheet[f"H{row}"] = "Work", amount
    sheet["B4"] = 53000  # what Excel's SUM shows: openpyxl saves formulas uncalculated
    book.save(target)
    age(target)

    ws.drop_file(target)

    assert daemon.wait_for_output("budget.xlsx: P-1001: sent for approval"), daemon.output()
    ws.decide(decision="Accept")
    erp_file = ws.root / "outbox" / "P-1001_v1_001.csv"
    assert wait_for(erp_file.exists), daemon.output()
    taken = sorted((row["Cost Code"], row["Cost Type"]) for row in _rows(erp_file))
    assert taken == [("03-300", "M"), ("09-910", "S")]
    assert daemon.stop() == 0
