"""The workbooks people read, printed as LibreOffice prints them: every text fits its cell
(no line prints over another, every sentence whole), and each sheet is one page wide."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.layouts.rejection_reasons import INSTRUCTIONS, next_change
from pipeline.adapters.writing.annotated_workbook import write_annotated_copy
from pipeline.adapters.writing.plain_words import plain_words
from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook
from pipeline.adapters.writing.review_texts import instructions
from pipeline.adapters.writing.review_workbook import write_review_workbook
from pipeline.domain.budget import BudgetDocument, BudgetLine, ReasonResponse
from pipeline.domain.changes import ReturnedAmount, assess_resend, diff_lines
from pipeline.domain.lifecycle import Action, Submission
from pipeline.domain.problems import Problem, Severity
from pipeline.domain.rejected_amounts import describe_returns
from pipeline.domain.review import LineFlag, Rejection
from pipeline.services.ports import ChangeAssessment, ReviewContent
from tests.support.rendered import Page, render, shown_whole
from tests.support.workbooks import make_workbook

pytestmark = pytest.mark.slow  # LibreOffice prints each workbook

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
NAME = "Riverside Medical Office Building, Phase 2 Tenant Improvements and Site Work"
REASONS = (
    "Concrete 03-300 is well over the estimate we agreed with the owner in March; bring it "
    "back to the quoted 118,523.00 or explain the difference in the Response column.",
    "The general conditions 01-100 carry a second site trailer that the schedule no longer "
    "needs after the phasing change, and the insurance line is counted twice.",
)
RESPONSES = (
    "Keeping 118,523.00 on 03-740 / S: the owner approved the extra pour in writing on "
    "October 12 and the letter is filed with the contract documents for this job.",
    "Removed the second trailer; the insurance line is the builder's risk policy, which the "
    "owner asked us to carry separately from the general liability policy.",
)
HVAC = "Heating, Ventilation and Air Conditioning for the second floor tenant space"
PAINTING = (
    "Painting belongs to sub job B with the rest of the finishes, not to the base building "
    "scope; move it and its quantity."
)


def _lines(count: int, concrete: str = "118523.00") -> tuple[BudgetLine, ...]:
    first = (
        BudgetLine(
            row=8,
            sub_job="",
            cost_code="01-100",
            cost_type="L",
            description="General conditions",
            amount=Decimal("12000.00"),
        ),
        BudgetLine(
            row=9,
            sub_job="",
            cost_code="03-300",
            cost_type="M",
            description="Concrete",
            amount=Decimal(concrete),
            unit_qty=Decimal("333"),
            uom="CY",
        ),
        BudgetLine(
            row=10,
            sub_job="",
            cost_code="09-900",
            cost_type="S",
            description="Painting",
            amount=Decimal("8000.00"),
        ),
    )
    rest = tuple(
        BudgetLine(
            row=11 + n,
            sub_job="",
            cost_code=f"15-{n:03d}",
            cost_type="S",
            description=HVAC,
            amount=Decimal("1000.00") + n,
        )
        for n in range(count)
    )
    return first + rest


def _document(lines: tuple[BudgetLine, ...]) -> BudgetDocument:
    total = sum((line.amount for line in lines), Decimal("0.00"))
    return BudgetDocument(
        project_number="24-017",
        lines=lines,
        project_name=NAME,
        prepared_by="Ada Admin",
        stated_total=total,
    )


def _submission(version: int, lines: int) -> Submission:
    return Submission(
        project_number="24-017",
        version=version,
        action=Action.SEND,
        file_name="Riverside budget.xlsx",
        file_sha256="0" * 64,
        fingerprint="f",
        sender="Ada Admin",
        at=NOW,
        review_file=f"24-017_v{version}_review.xlsx",
        line_count=lines,
        total="0",
    )


def _rejection() -> Rejection:
    flag = LineFlag(_lines(0)[2].key, PAINTING)
    return Rejection(version=1, approver="Carl Accountant", at=NOW, reasons=REASONS, flags=(flag,))


def _resend() -> ReviewContent:
    before, after = _lines(30), _lines(30, "110000.00")
    responses = tuple(ReasonResponse("", r, a) for r, a in zip(REASONS, RESPONSES, strict=True))
    resend = assess_resend(before, after, _rejection(), responses)
    return ReviewContent(
        submission=_submission(2, len(after)),
        document=_document(after),
        approvers=["Carl"],
        warnings=[],
        resend=resend,
    )


WARNING = Problem(
    rule="amount-rounded",
    message="the amount of 03-300 / M had more than two decimals and was rounded to the cent "
    "as the ERP keeps it",
    sheet="Budget",
    cell="H9",
    severity=Severity.WARNING,
)


def _change() -> ReviewContent:
    before, after = _lines(30), _lines(30, "125000.00")
    returns = [ReturnedAmount(after[1].key, after[1].amount, 1)]
    change = ChangeAssessment(2, diff_lines(before, after), returns, before)
    return ReviewContent(
        submission=_submission(3, len(after)),
        document=_document(after),
        approvers=["Carl"],
        warnings=[WARNING],
        change=change,
    )


def _first_send() -> ReviewContent:
    lines = _lines(30)
    return ReviewContent(
        submission=_submission(1, len(lines)),
        document=_document(lines),
        approvers=["Carl"],
        warnings=[WARNING],
    )


def _rendered(tmp_path: Path, write: Callable[[Path], object]) -> list[Page]:
    target = tmp_path / "workbook.xlsx"
    write(target)
    return render(target, tmp_path / "pdf")


def _assert_readable(pages: list[Page], sentences: list[str]) -> None:
    """No line prints over another, and each sentence is shown whole."""
    assert {page.number: page.overprinting() for page in pages if page.overprinting()} == {}
    assert [s for s in sentences if not shown_whole(pages, s)] == []


def _assert_one_page_wide(pages: list[Page], first: str, last: str) -> None:
    """The pages of a table hold its first and last column both, never one of them alone."""
    holding = [(first in page.text, last in page.text) for page in pages]
    assert (True, True) in holding
    assert (True, False) not in holding and (False, True) not in holding


def _assert_report(pages: list[Page], title: str) -> None:
    """Landscape, with the title and the page number in the footer."""
    assert all(page.width > page.height for page in pages)
    for page in pages:
        assert title in page.text and f"Page {page.number} of {len(pages)}" in page.text


@pytest.mark.parametrize(
    "content", [_first_send, _resend, _change], ids=["first send", "re-send", "change"]
)
def test_the_review_prints_every_text_whole_one_page_wide(
    tmp_path: Path, content: Callable[[], ReviewContent]
) -> None:
    review = content()
    pages = _rendered(tmp_path, lambda target: write_review_workbook(review, target))

    sentences = [*instructions(review), *(str(warning) for warning in review.warnings)]
    if review.resend:
        for reason in review.resend.reasons:
            sentences += [reason.reason, reason.response]
    returns = review.change.returns if review.change else []
    _assert_readable(pages, [*sentences, *describe_returns(returns)])
    first = pages[0].text
    assert "Your decision" in first and "Approver" in first  # the decision on page one
    assert f"Budget review: 24-017 {NAME}" in first
    _assert_one_page_wide(pages, "Line Decision", "Line Note")
    _assert_report(pages, "Budget review: 24-017")


def test_the_hand_back_prints_as_a_report_every_reason_whole(tmp_path: Path) -> None:
    document = _document(_lines(200))
    write = lambda target: write_rejected_workbook(document, _rejection(), target)  # noqa: E731
    pages = _rendered(tmp_path, write)

    told = [*INSTRUCTIONS, next_change("24-017_current.xlsx")]
    _assert_readable(pages, [*told, *REASONS, PAINTING, f"REJECTED: {PAINTING}"])
    _assert_one_page_wide(pages, "Sub Job", "Rejection Note")
    _assert_one_page_wide(pages, "Reason", "Response")
    assert len(pages) <= 6  # 17 portrait pages before
    # the table's header on every page of the budget
    budget = [page for page in pages if "Rejection Note" in page.text]
    assert len(budget) > 1 and all("Cost Code" in page.text for page in budget)
    _assert_report(pages, "Page")


def test_the_problems_copy_prints_every_problem_whole_one_page_wide(tmp_path: Path) -> None:
    source = make_workbook(
        tmp_path / "budget.xlsx",
        lines=[
            ("", "01-100", "L", HVAC, "lots"),
            ("", "03-300", "M", "Concrete", 118523),
            ("", "77-700", "L", "Cranes", 1000),
        ],
    )
    problems = [
        Problem(
            rule="amount.not_numeric",
            message="Amount is not a number (found 'lots')",
            sheet="Budget",
            cell="E7",
            hint=PAINTING,
        ),
        Problem(
            rule="cost_code.unknown", message=REASONS[0], sheet="Budget", cell="B9", hint=REASONS[1]
        ),
    ]
    write = lambda target: write_annotated_copy(source, problems, target)  # noqa: E731
    pages = _rendered(tmp_path, write)

    told = [plain_words(text) for p in problems for text in (p.message, p.hint)]
    _assert_readable(pages, told)
    _assert_one_page_wide(pages, "Severity", "How to fix")
    assert all(page.width > page.height for page in pages)  # landscape
    assert "amount.not_numeric" not in " ".join(page.text for page in pages)  # no rule ids
