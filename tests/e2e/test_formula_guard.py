"""The formula guard's ``'`` counts toward the ERP's field lengths: text that would not fit
once guarded is refused at intake, cell by cell, naming the layout's limit; text that fits
with it reaches the ERP file whole."""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl

from tests.support.workspace import Workspace, age


def _as_text(path: Path, cells: dict[str, str]) -> None:
    """Type text into cells as Excel keeps it when the cell is formatted as Text: ``=...``
    stays text (openpyxl would otherwise write a formula)."""
    book = openpyxl.load_workbook(path)
    for ref, value in cells.items():
        book["Budget"][ref].value = value
        book["Budget"][ref].data_type = "s"
    book.save(path)
    age(path)


def test_text_the_guard_pushes_over_a_sage300_field_is_refused_at_intake(
    workspace: Workspace,
) -> None:
    workspace.configure("export", profile="sage300")
    lines = [
        ("", "01-100", "L", "General conditions", 100),
        ("", "01-200", "L", "Supervision", 200),
        ("", "01-300", "L", "Temporary works", 300),
    ]
    bad = workspace.drop("guarded.xlsx", lines=lines)
    _as_text(bad, {"B8": "=" + "A" * 14, "D9": "+" + "b" * 29, "D10": "@" + "c" * 28})
    good = workspace.drop("good.xlsx", project="P-GOOD", lines=lines)
    _as_text(good, {"B8": "-ALT-PHASE-001"})  # 14 characters: 15 with the guard, the limit

    result = workspace.run("process")

    assert result.exit_code == 1
    report = (workspace.root / "rejected" / "guarded.xlsx.refused.txt").read_text()
    assert (
        "Budget!B8: Cost Code is 15 characters, and the ' the ERP file adds in front of text "
        "starting with = makes 16: over the sage300 ERP format's limit of 15" in report
    )
    assert (
        "Budget!D9: Description is 30 characters, and the ' the ERP file adds in front of text "
        "starting with + makes 31: over the sage300 ERP format's limit of 30" in report
    )
    assert "Shorten it to 14 characters, or do not start it with = [text.too_long]" in report
    assert report.count("Budget!B8") == 1 and report.count("Budget!D9") == 1
    assert "Budget!D10" not in report  # 29 characters and the guard: 30, the limit
    assert workspace.review("P-GOOD").exists()
    subjects = {str(message["Subject"]) for message in workspace.mail()}
    assert "Budget P-GOOD sent for your acceptance (version 1)" in subjects

    workspace.decide("P-GOOD", decision="Accept")
    workspace.run("process")
    with (workspace.root / "outbox" / "P-GOOD_v1_001.txt").open(newline="") as handle:
        phases = [row[3] for row in csv.reader(handle)]
    assert phases[0] == "'-ALT-PHASE-001" and len(phases[0]) == 15
