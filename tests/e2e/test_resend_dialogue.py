"""The correction round trip through the CLI: a Reject carried by line notes alone, the admin's
Responses in the handed-back workbook, and changes that bring back an amount rejected before.
openpyxl plays the spreadsheet here; test_libreoffice_round_trip.py uses LibreOffice."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl

from tests.support.messages import body
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace, age

GOLDEN_RULES = Path(__file__).parents[1] / "golden" / "rules"
PAINTING = "Painting belongs to sub job B"
CONCRETE = "Concrete 03-300 is over the estimate"
HOW = "write your answer in the Response column of the Rejection Reasons sheet beside each reason"


def _handed_back(
    ws: Workspace,
    name: str,
    *,
    version: int = 1,
    edits: dict[tuple[str, str], dict[int, str | float]] | None = None,
    responses: dict[str, str] | None = None,
) -> Path:
    """Correct or answer the handed-back workbook as an admin would in Excel, and drop it:
    ``edits`` by line (cost code, cost type) and column index, ``responses`` beside the
    reason (by its Line, or its text). openpyxl does not calculate, so each formula is saved
    as the value Excel would show, and the Budget Total as Excel's SUM."""
    source = ws.root / "rejected" / f"P-1001_v{version}_rejected.xlsx"
    shown = openpyxl.load_workbook(source, data_only=True)
    book = openpyxl.load_workbook(source)
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.value = shown[sheet.title][cell.coordinate].value
    budget = book["Budget"]
    total = 0.0
    for row in budget.iter_rows(min_row=7):
        for col, value in (edits or {}).get((str(row[1].value), str(row[2].value)), {}).items():
            row[col].value = value
        amount = row[7].value
        assert isinstance(amount, int | float | None)  # the amounts, formulas made values
        total += float(amount or 0)
    budget["B4"] = round(total, 2)
    for row in book["Rejection Reasons"].iter_rows(min_row=6):
        key = str(row[0].value or row[1].value)  # its Line, or else the reason's text
        if key in (responses or {}):
            row[2].value = (responses or {})[key]
    target = ws.root / "inbox" / name
    book.save(target)
    age(target)
    return target


def _reject(
    ws: Workspace, reason: str = "", *, version: int = 1, flags: dict[str, str] | None = None
) -> None:
    """Reject a version, flagging lines ("CODE/TYPE": note)."""
    ws.decide(version=version, decision="Reject", reason=reason, line_flags=flags)
    result = ws.run("process")
    assert result.exit_code == 0 and "rejected" in result.output, result.output


def _earlier_reasons(ws: Workspace, version: int = 2) -> dict[str, tuple[object, ...]]:
    """Reason -> (Response, Line, Status, Why) on the review workbook's Earlier Reasons."""
    sheet = openpyxl.load_workbook(ws.review(version=version))["Earlier Reasons"]
    assert [c.value for c in sheet[3]] == ["Reason", "Response", "Line", "Status", "Why"]
    return {str(r[0].value): tuple(c.value for c in r[1:]) for r in sheet.iter_rows(min_row=4)}


def _sent_mail(ws: Workspace, version: int) -> str:
    [mail] = [m for m in ws.mail() if f"acceptance (version {version})" in str(m["Subject"])]
    return body(mail)


def test_a_reject_carried_by_line_notes_alone_is_applied_and_handed_back(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")

    _reject(workspace, flags={"09-900/S": PAINTING})

    book = openpyxl.load_workbook(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx")
    sheet = book["Rejection Reasons"]
    assert [c.value for c in sheet[5]] == ["Line", "Reason", "Response"]
    assert [(r[0].value, r[1].value, r[2].value) for r in sheet.iter_rows(min_row=6)] == [
        ("09-900 / S", PAINTING, None)
    ]
    assert (
        "line 09-900 / S: Painting belongs to sub job B"
        in workspace.run("history", "P-1001").output
    )


def test_the_handed_back_workbook_offers_the_workspace_erp_lists(workspace: Workspace) -> None:
    for path in GOLDEN_RULES.iterdir():
        shutil.copy(path, workspace.root / "rules" / path.name)
    workspace.drop()
    workspace.run("process")

    _reject(workspace, flags={"09-900/S": PAINTING})

    book = openpyxl.load_workbook(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx")
    codes = [c.value for c in book["ERP Lists"]["A"] if c.value]
    assert codes[:3] == [
        "Cost Codes",
        "01-100 \u2013 General conditions",
        "02-200 \u2013 Earthwork",
    ]
    assert len(codes) == 6  # the lines' codes stay codes alone; the list names them
    sources = [v.formula1 for v in book["Budget"].data_validations.dataValidation]
    assert "'ERP Lists'!$A$2:$A$6" in sources and "'ERP Lists'!$B$2:$B$7" in sources


def test_an_unchanged_resend_without_a_response_is_refused_saying_how_to_answer(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, flags={"09-900/S": PAINTING})
    workspace.drop_file(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx", "same.xlsx")

    result = workspace.run("process")

    assert result.exit_code == 1
    note = (workspace.root / "rejected" / "same.xlsx.refused.txt").read_text()
    for text in (result.output, note):
        assert "nothing changed since the rejection on 2026-03-02 (version 1)" in text
        assert HOW in text and "or change the lines" in text
        assert "rejected/P-1001_v1_rejected.xlsx" in text


def test_an_unchanged_resend_answered_beside_every_reason_is_taken_and_shown_to_the_approver(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, CONCRETE, flags={"09-900/S": PAINTING})
    _handed_back(
        workspace,
        "answered.xlsx",
        responses={"09-900 / S": "Sub job B is closed; A is right", CONCRETE: "Quote attached"},
    )

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert "re-sent for approval" in result.output
    reasons = _earlier_reasons(workspace)
    assert reasons[PAINTING] == (
        "Sub job B is closed; A is right",
        "09-900 / S",
        "answered",
        "line unchanged",
    )
    assert reasons[CONCRETE][0] == "Quote attached" and reasons[CONCRETE][2] == "answered"
    mail = _sent_mail(workspace, 2)
    assert "line unchanged; response: Sub job B is closed; A is right" in mail
    assert "response: Quote attached" in mail


def test_an_unchanged_resend_answering_only_some_reasons_is_refused_naming_the_rest(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, CONCRETE, flags={"09-900/S": PAINTING})
    _handed_back(workspace, "half.xlsx", responses={CONCRETE: "Quote attached"})

    result = workspace.run("process")

    assert result.exit_code == 1
    assert f"no Response beside: line 09-900 / S ({PAINTING})" in result.output
    assert repr(CONCRETE) not in result.output and HOW in result.output
    assert workspace.files("approval") == []


def test_a_response_beside_a_flagged_line_lets_a_changed_resend_leave_that_line(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, flags={"09-900/S": PAINTING, "03-300/M": "Too high"})
    _handed_back(
        workspace,
        "fixed.xlsx",
        edits={("03-300", "M"): {7: 40000.5}},
        responses={"09-900 / S": "Sub job B is closed"},
    )

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    reasons = _earlier_reasons(workspace)
    assert reasons["Too high"][2:] == ("looks addressed", "line amount changed")
    assert reasons[PAINTING][:3] == ("Sub job B is closed", "09-900 / S", "answered")


def test_the_handed_back_total_alone_is_no_change(workspace: Workspace) -> None:
    workspace.drop(total=None)  # the admin stated no Budget Total; the handed-back one does
    workspace.run("process")
    _reject(workspace, flags={"09-900/S": PAINTING})
    workspace.drop_file(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx", "same.xlsx")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "nothing changed since the rejection" in result.output


def test_a_resend_that_brings_back_an_amount_rejected_before_is_flagged(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, flags={"03-300/M": "Too high"})
    _handed_back(workspace, "v2.xlsx", edits={("03-300", "M"): {7: 40000.5}})
    workspace.run("process")
    _reject(workspace, version=2, flags={"09-900/S": PAINTING})
    _handed_back(
        workspace,
        "v3.xlsx",
        version=2,
        edits={("03-300", "M"): {7: 45000.5}, ("09-900", "S"): {0: "B"}},
    )

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workspace.review(version=3))
    notes = _change_notes(book)
    assert notes[("03-300", "M")] == "brings back the amount rejected in v1"
    assert notes[("09-900", "S")] is None
    reasons = _earlier_reasons(workspace, 3)
    assert reasons["brings back the amount rejected in v1 for: 03-300 / M"][2] == "check by hand"
    assert (
        "03-300 / M: 40,000.50 -> 45,000.50 (+5,000.00); brings back the amount rejected in v1"
        in (_sent_mail(workspace, 3))
    )


def test_a_budget_change_that_brings_back_a_rejected_amount_is_flagged(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    _reject(workspace, "03-300 is over the estimate")
    _handed_back(workspace, "v2.xlsx", edits={("03-300", "M"): {7: 40000.5}})
    workspace.run("process")
    workspace.decide(version=2, decision="Accept")
    assert workspace.run("process").exit_code == 0
    lines = [
        (*line[:4], 46000) if line[1:3] == ("03-300", "L") else line for line in DEFAULT_LINES
    ]  # 03-300 / M back at 45,000.50 (named by the reason), 03-300 / L moved for the first time
    workspace.drop("change.xlsx", lines=lines)

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(workspace.review(version=3))
    notes = _change_notes(book)
    assert notes == {
        ("03-300", "M"): "brings back the amount rejected in v1",
        ("03-300", "L"): None,
    }
    review = [c.value for r in book["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("bring back an amount rejected before" in text for text in review)
    assert "45,000.50 (+5,000.00); brings back the amount rejected in v1" in _sent_mail(
        workspace, 3
    )


def _change_notes(book: openpyxl.Workbook) -> dict[tuple[object, object], object]:
    """The Note column of the Changes sheet, by line (cost code, cost type)."""
    sheet = book["Changes"]
    note = [c.value for c in sheet[1]].index("Note")
    return {(r[2].value, r[3].value): r[note].value for r in sheet.iter_rows(min_row=2)}
