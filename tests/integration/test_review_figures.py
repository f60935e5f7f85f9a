"""The figures of a real review workbook: what its writer records is what its reader finds in
the file (written in memory or streamed, with hostile texts, after an approver's save in
openpyxl), and a figure changed after issue is found and named cell by cell."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from pipeline.adapters.reading.review_figures import changed_cells
from pipeline.adapters.reading.review_reader import read_saved_review
from pipeline.adapters.writing import review_workbook
from pipeline.adapters.writing.review_workbook import write_review_workbook
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey
from pipeline.domain.changes import assess_resend
from pipeline.domain.lifecycle import Action, Submission
from pipeline.domain.review import LineFlag, Rejection
from pipeline.domain.review_figures import ReviewFigures
from pipeline.services.ports import ReviewContent

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
HOSTILE = (
    "_x0041_ looks escaped",
    "bell\x07 and\ttab",
    "<b>Tom & Jerry</b>",
    "=SUM(A1:A9)",
    "x" * 40_000,  # past what a cell holds: cut as Excel cuts it
    "  spaced  ",
)


def _lines(count: int, descriptions: tuple[str, ...] = ("Concrete",)) -> tuple[BudgetLine, ...]:
    return tuple(
        BudgetLine(
            row=row + 8,
            sub_job="",
            cost_code=f"{row % 90 + 1:02d}-{row:04d}",
            cost_type="M",
            description=descriptions[row % len(descriptions)],
            amount=Decimal("45000.50") + row,
        )
        for row in range(count)
    )


def _content(lines: tuple[BudgetLine, ...], version: int = 1) -> ReviewContent:
    total = sum((line.amount for line in lines), Decimal("0.00"))
    document = BudgetDocument(
        project_number="P-7",
        lines=lines,
        project_name="Depot",
        prepared_by="Ada Admin",
        stated_total=total,
    )
    submission = Submission(
        project_number="P-7",
        version=version,
        action=Action.SEND,
        file_name="in.xlsx",
        file_sha256="0" * 64,
        fingerprint="f",
        sender="Ada Admin",
        at=NOW,
        review_file=f"P-7_v{version}_review.xlsx",
        line_count=len(lines),
        total=str(total),
    )
    return ReviewContent(
        submission=submission, document=document, approvers=["Carl Accountant"], warnings=[]
    )


def _issued(tmp_path: Path, content: ReviewContent) -> tuple[Path, ReviewFigures]:
    review = tmp_path / "review.xlsx"
    figures = write_review_workbook(content, review)
    shutil.copyfile(review, tmp_path / "issued.xlsx")
    return review, figures


def _decided_in_openpyxl(review: Path, edits: dict[str, str | float] | None = None) -> None:
    book = openpyxl.load_workbook(review)
    for name, value in (("Decision", "Accept"), ("Reason", "fine"), ("Approver", "Carl")):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = value
    book["Lines"]["K2"], book["Lines"]["L2"] = "Reject", "not ours"
    for where, edit in (edits or {}).items():
        sheet, ref = where.split("!")
        book[sheet][ref] = edit
    book.save(review)


@pytest.mark.parametrize("count", [3, review_workbook.IN_MEMORY_ROWS + 1])
def test_the_figures_written_are_the_figures_read_back(tmp_path: Path, count: int) -> None:
    content = _content(_lines(count, HOSTILE))
    review, issued = _issued(tmp_path, content)

    saved = read_saved_review(review, count, issued=issued).figures

    assert saved is not None
    assert set(issued.sheets) == {"Review", "Summary", "Lines"}
    assert not issued.differences(saved), issued.differences(saved)


def test_a_resend_is_held_to_its_changes_and_earlier_reasons_too(tmp_path: Path) -> None:
    before, after = _lines(3), _lines(4)
    rejection = Rejection(
        version=1,
        approver="Carl",
        at=NOW,
        reasons=("too high",),
        flags=(LineFlag(LineKey("", "01-0000", "M"), "not ours"),),
    )
    content = _content(after, version=2)
    content = ReviewContent(
        submission=content.submission,
        document=content.document,
        approvers=content.approvers,
        warnings=[],
        resend=assess_resend(before, after, rejection),
    )
    review, issued = _issued(tmp_path, content)
    _decided_in_openpyxl(review, {"Earlier Reasons!A4": "nothing was too high"})

    saved = read_saved_review(review, 4, issued=issued).figures

    assert {"Changes", "Earlier Reasons"} <= set(issued.sheets)
    assert saved is not None
    assert issued.differences(saved).changed_sheets == ("Earlier Reasons",)


def test_a_decision_and_line_notes_saved_are_no_change(tmp_path: Path) -> None:
    review, issued = _issued(tmp_path, _content(_lines(5)))
    _decided_in_openpyxl(review)

    saved = read_saved_review(review, 5, issued=issued)

    assert saved.decision.verdict is not None and saved.decision.flags
    assert saved.figures is not None and not issued.differences(saved.figures)


def test_a_figure_divided_by_ten_is_named_with_both_values(tmp_path: Path) -> None:
    review, issued = _issued(tmp_path, _content(_lines(30)))
    _decided_in_openpyxl(review, {"Lines!I12": 4500.05 + 1, "Lines!E3": "Rebar"})

    saved = read_saved_review(review, 30, issued=issued).figures
    assert saved is not None
    differences = issued.differences(saved)
    compared = changed_cells(review, tmp_path / "issued.xlsx", issued, differences.changed_sheets)

    assert differences.changed_sheets == ("Lines",)
    assert compared.count == 2
    assert [str(change) for change in compared.changes] == [
        "Lines!E3 was 'Concrete' when this review was issued and reads 'Rebar' now",
        "Lines!I12 was 45,010.50 when this review was issued and reads 4,501.05 now",
    ]


def test_a_formula_is_refused_whatever_value_was_saved_with_it(tmp_path: Path) -> None:
    review, issued = _issued(tmp_path, _content(_lines(3)))
    _decided_in_openpyxl(review, {"Summary!D9": "=1+1"})

    saved = read_saved_review(review, 3, issued=issued).figures

    assert saved is not None
    assert any(
        note.startswith("Summary!D9 holds a formula") for note in issued.differences(saved).notes
    )


def test_rows_sorted_by_the_approver_are_no_change(tmp_path: Path) -> None:
    review, issued = _issued(tmp_path, _content(_lines(6)))
    book = openpyxl.load_workbook(review)
    sheet = book["Lines"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
    for index, values in enumerate(reversed(rows), start=2):
        for column, value in enumerate(values, start=1):
            sheet.cell(index, column, value)
    book.save(review)

    saved = read_saved_review(review, 6, issued=issued).figures

    assert saved is not None and not issued.differences(saved)
