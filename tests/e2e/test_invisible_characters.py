"""What the ERP gets is what the approver saw: NUL, ESC, a right-to-left override and
zero-width spaces in a budget's descriptions and codes reach neither the review workbook nor
the ERP file, in any layout, and each cell that held one is named to the approver; codes
that only look alike are one line, caught as duplicates with no ERP list in the workspace."""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from pipeline.adapters.erp.profiles import PROFILE_NAMES
from tests.support.workbooks import xlsx_escaped
from tests.support.workspace import Workspace, age

HIDDEN = ("\x00", "\x1b", "\u202e", "\u200b")
LINES = [
    ("", "01-100", "L", "General conditions", 100),
    ("", "03-@300", "\u202eM", "null@byte", 200),  # @: NUL, as Excel stores it (_x0000_)
    ("", "09\u200b-900", "S#", "esc#ape \u202eevil\u200b", 300),  # #: ESC (_x001B_)
]
SHOWN = [  # what the approver sees of each line, and what the ERP file must hold
    ("01-100", "L", "General conditions"),
    ("03-300", "M", "nullbyte"),
    ("09-900", "S", "escape evil"),
]


def _drop_hidden(ws: Workspace) -> Path:
    path = ws.drop(lines=LINES, project_name="River\u200bside")
    xlsx_escaped(path, {"@": "\x00", "#": "\x1b"})
    age(path)
    return path


def _review_texts(ws: Workspace) -> tuple[list[tuple[str, str, str]], list[str]]:
    """The review workbook's lines (code, type, description) and the Review sheet's texts."""
    book = openpyxl.load_workbook(ws.review())
    lines = book["Lines"]
    header = [c.value for c in lines[1]]
    columns = [header.index(title) for title in ("Cost Code", "Cost Type", "Description")]
    shown = [
        (str(row[columns[0]]), str(row[columns[1]]), str(row[columns[2]]))
        for row in lines.iter_rows(min_row=2, values_only=True)
    ]
    texts = [c.value for r in book["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    return shown, texts


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_no_invisible_character_reaches_the_review_or_the_erp_file(
    workspace: Workspace, profile: str
) -> None:
    workspace.configure("export", profile=profile)
    dropped = _drop_hidden(workspace)

    checked = workspace.run("check", str(dropped))
    taken = workspace.run("process")

    assert checked.exit_code == 0, checked.output
    assert "Budget!D9" in checked.output and "text.hidden_removed" in checked.output
    assert taken.exit_code == 0, taken.output
    shown, review = _review_texts(workspace)
    assert shown == SHOWN
    assert "Riverside" in review
    warnings = [t for t in review if "[text.hidden_removed]" in t]
    assert [w.split(":")[0] for w in warnings] == [
        "Budget!B3",
        "Budget!B9",
        "Budget!C9",
        "Budget!D9",
        "Budget!B10",
        "Budget!C10",
        "Budget!D10",
    ]
    assert warnings[3].startswith("Budget!D9: the Description held U+0000 NULL, removed")

    workspace.decide(decision="Accept")
    exported = workspace.run("process")

    assert exported.exit_code == 0, exported.output
    [erp_file] = [
        p
        for p in (workspace.root / "outbox").iterdir()
        if p.is_file() and not p.name.endswith((".manifest.json", ".done"))
    ]
    text = erp_file.read_bytes().decode("utf-8")
    assert [ch for ch in HIDDEN if ch in text] == []
    for code, _, description in SHOWN:  # a cost type of one letter says little in a file
        assert code in text and description in text


def test_lookalike_lines_are_refused_as_duplicates_without_erp_lists(
    workspace: Workspace,
) -> None:
    assert not list((workspace.root / "rules").glob("*.csv"))  # no ERP list to match against
    workspace.drop(
        "lookalikes.xlsx",
        lines=[
            ("", "03-300", "L", "Concrete labour", 100),
            ("", "03-300", "L\u200b", "Concrete labour again", 100),
            ("", "03-300", "\uff2c", "Concrete labour, fullwidth", 100),
        ],
    )

    result = workspace.run("process")

    assert result.exit_code == 1
    report = (workspace.root / "rejected" / "lookalikes.xlsx.refused.txt").read_text()
    for row in (9, 10):
        assert f"Budget!B{row}: duplicate line 03-300 / L: same as row 8" in report
    assert report.count("[line.duplicate]") == 2
    assert "Budget!C9: the Cost Type held U+200B ZERO WIDTH SPACE, removed" in report
    assert not workspace.review().exists()
