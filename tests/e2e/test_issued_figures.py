"""The figures decided are the figures issued, through the real CLI: a review workbook whose
figures were changed in LibreOffice, or one made by hand with a copied identifier, decides
nothing; the approvers are told which cell changed and the review issued is put back."""

from __future__ import annotations

import hashlib
import json
import subprocess
from pathlib import Path

import openpyxl
import pytest
from openpyxl.packaging.custom import StringProperty

from pipeline.adapters.layouts.review import REVIEW_PROPERTY
from tests.support.messages import body
from tests.support.workspace import Workspace, age

EDIT = Path(__file__).with_name("libreoffice_edit.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
DIVIDED = "Lines!I3 was 45,000.50 when this review was issued and reads 4,500.05 now"


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _decision_cells(review: Path, decision: str) -> list[str]:
    """``Review!B14=Accept`` and its like, for ``libreoffice_edit.py``."""
    book = openpyxl.load_workbook(review)
    values = {"Decision": decision, "Reason": "", "Approver": "Carl Accountant"}
    cells = []
    for name, value in values.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        if value:
            cells.append(f"{sheet}!{ref.replace('$', '')}={value}")
    return cells


def _figures_divided_by_ten(review: Path) -> list[str]:
    """Every money figure on Review, Summary and Lines, a tenth of what it was."""
    book = openpyxl.load_workbook(review)
    edits = []
    for sheet in ("Review", "Summary", "Lines"):
        for row in book[sheet].iter_rows():
            for cell in row:
                if isinstance(cell.value, int | float) and abs(cell.value) >= 1000:
                    edits.append(f"{sheet}!{cell.coordinate}={cell.value / 10!r}")
    return edits


def _refused_mail(ws: Workspace) -> list[tuple[str, str, str]]:
    return [
        (str(m["To"]), str(m["Subject"]), body(m))
        for m in ws.mail()
        if "figures were changed" in str(m["Subject"])
    ]


def _exported(ws: Workspace) -> list[str]:
    return [name for name in ws.files("outbox") if name.endswith(".csv")]


def _history(ws: Workspace) -> list[dict[str, str]]:
    events: list[dict[str, str]] = json.loads(ws.run("history", "P-1001", "--json").output)
    return events


def _assert_refused_and_put_back(
    ws: Workspace, issued_sha: str, changed_sha: str, changed: str
) -> None:
    review = ws.review()
    note = review.with_name(review.name + ".refused.txt").read_text(encoding="utf-8")
    assert changed in note and changed_sha in note, note
    assert _sha(review) == issued_sha  # the review workbook issued, byte for byte
    assert _exported(ws) == []
    assert _history(ws)[-1]["action"] == "refuse_decision"
    [(to, subject, text)] = _refused_mail(ws)
    assert subject == ("Decision on budget P-1001 version 1 not applied: its figures were changed")
    assert "carl@example.com" in to
    assert changed in text


@pytest.mark.slow
def test_figures_changed_in_libreoffice_are_refused_and_the_review_issued_put_back(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    issued_sha = _sha(review)

    edits = _figures_divided_by_ten(review) + _decision_cells(review, "Accept")
    subprocess.run([SYSTEM_PYTHON, str(EDIT), str(review), *edits], check=True, timeout=180)
    age(review)
    changed_sha = _sha(review)
    refused = workspace.run("process")

    assert refused.exit_code == 1, refused.output
    total = "Review!B10 was 95,000.50 when this review was issued and reads 9,500.05 now"
    assert total in refused.output
    assert "Lines!I2 was 12,000 when this review was issued and reads 1,200 now" in (refused.output)
    _assert_refused_and_put_back(workspace, issued_sha, changed_sha, total)
    assert workspace.run("process").exit_code == 0  # answered once

    # The review issued, decided, counts, and the ERP gets the figures issued.
    workspace.decide(decision="Accept")
    accepted = workspace.run("process")
    assert accepted.exit_code == 0 and "accepted" in accepted.output, accepted.output
    [exported] = _exported(workspace)
    assert "45000.50" in (workspace.root / "outbox" / exported).read_text()


def test_a_hand_made_review_with_a_copied_identifier_is_refused(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    issued_sha = _sha(review)
    genuine = openpyxl.load_workbook(review)

    made = openpyxl.Workbook()
    made.remove(made.active)  # type: ignore[arg-type]
    for name in genuine.sheetnames:
        sheet = made.create_sheet(name)
        for row in genuine[name].iter_rows():
            for cell in row:
                sheet[cell.coordinate] = cell.value
    made["Lines"]["I3"] = 4500.05
    for name in ("Decision", "Reason", "Approver"):
        made.defined_names[name] = genuine.defined_names[name]
    made["_meta"].sheet_state = "hidden"
    token = next(p.value for p in genuine.custom_doc_props.props if p.name == REVIEW_PROPERTY)  # type: ignore[attr-defined]
    made.custom_doc_props.append(StringProperty(name=REVIEW_PROPERTY, value=token))  # type: ignore[attr-defined]
    made.save(review)
    workspace.decide(decision="Accept")
    changed_sha = _sha(review)

    result = workspace.run("process")

    assert result.exit_code == 1, result.output
    assert DIVIDED in result.output
    assert "not the review workbook issued" not in result.output  # its identifier passed
    _assert_refused_and_put_back(workspace, issued_sha, changed_sha, DIVIDED)
