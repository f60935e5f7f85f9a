"""Whatever text reaches a file we write, the file holds it cleaned (``clean_text``): every
ERP profile, the review workbook (every sheet, a re-send's too) and the workbook handed
back. Intake keeps budgets clean already; this is the second line of defence, for text
that comes from anywhere else."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
import python_calamine

from pipeline.adapters.erp.profiles import PROFILE_NAMES, ProfileWriter
from pipeline.adapters.mail.render import template_environment
from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook
from pipeline.adapters.writing.review_workbook import write_review_workbook
from pipeline.domain.budget import BudgetDocument, BudgetLine, LineKey
from pipeline.domain.changes import assess_resend
from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Action, Submission
from pipeline.domain.problems import Problem, Severity
from pipeline.domain.review import LineFlag, Rejection
from pipeline.services.ports import ExportJob, ReviewContent

AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
HIDDEN = ("\x00", "\x1b", "\u202e", "\u200b", "\t", "\n", "\r")


def _lines(dirty: bool) -> tuple[BudgetLine, ...]:
    def text(clean: str, hidden: str) -> str:
        return hidden if dirty else clean

    return (
        BudgetLine(
            row=8,
            sub_job="",
            cost_code=text("01-100", "01-\u200b100"),
            cost_type=text("L", "\u202eL"),
            description=text("nullbyte", "null\x00byte"),
            amount=Decimal("100.00"),
            unit_qty=Decimal("4"),
            uom=text("HR", "H\x1bR"),
            unit_cost=Decimal("25"),
        ),
        BudgetLine(
            row=9,
            sub_job="",
            cost_code="03-300",
            cost_type="M",
            description=text("tab here evil", "tab\there \u202eevil"),
            amount=Decimal("200.50"),
        ),
        BudgetLine(
            row=10,
            sub_job="",
            cost_code="09-900",
            cost_type="S",
            description=text("two lines", "two\rlines"),
            amount=Decimal("-8.00"),
        ),
    )


def _job(dirty: bool) -> ExportJob:
    name = "River\u200bside Clinic" if dirty else "Riverside Clinic"
    return ExportJob(
        project_number="P-1001",
        project_name=name,
        version=1,
        kind=ExportKind.ORIGINAL,
        lines=_lines(dirty),
        at=AT,
    )


@pytest.mark.parametrize("profile", PROFILE_NAMES)
def test_every_erp_profile_writes_the_text_cleaned(profile: str, tmp_path: Path) -> None:
    writer = ProfileWriter(lambda: template_environment(tmp_path / "no-templates"), tmp_path)
    written = {}
    for dirty in (True, False):
        target = tmp_path / f"{dirty}.out"
        writer(profile, _job(dirty), target)
        written[dirty] = target.read_bytes()

    assert written[True] == written[False]  # byte for byte the file of the clean texts
    text = written[True].decode("utf-8")
    assert "nullbyte" in text
    assert not [ch for ch in ("\x00", "\x1b", "\u202e", "\u200b") if ch in text]


def _cells(path: Path) -> dict[str, list[str]]:
    """Every text cell of every sheet, as calamine reads it (``_xHHHH_`` escapes decoded)."""
    book = python_calamine.CalamineWorkbook.from_path(str(path))
    return {
        name: [
            value
            for row in book.get_sheet_by_name(name).to_python()
            for value in row
            if isinstance(value, str) and value
        ]
        for name in book.sheet_names
    }


def _hidden_in(cells: dict[str, list[str]]) -> list[tuple[str, str]]:
    return [(sheet, t) for sheet, texts in cells.items() for t in texts if set(t) & set(HIDDEN)]


def test_the_review_workbook_shows_every_text_cleaned(tmp_path: Path) -> None:
    before = tuple(replace(line, amount=line.amount + 1) for line in _lines(True)[:2])
    after = _lines(True)
    rejection = Rejection(
        version=1,
        approver="Carl\u202e Accountant",
        at=AT,
        reasons=("Recheck\x00 01-100",),
        flags=(LineFlag(LineKey("", "03-300", "M"), "too\x1b high"),),
    )
    document = BudgetDocument(
        project_number="P-1001",
        lines=after,
        project_name="River\u200bside Clinic",
        prepared_by="Ada Admin",
        stated_total=Decimal("292.50"),
    )
    submission = Submission(
        project_number="P-1001",
        version=2,
        action=Action.SEND,
        file_name="in\u202e.xlsx",
        file_sha256="0" * 64,
        fingerprint="f",
        sender="Ada\x00 Admin",
        at=AT,
        review_file="P-1001_v2_review.xlsx",
        line_count=len(after),
        total=str(document.total),
    )
    warning = Problem(rule="list.not_checked", message="not\x00 checked", severity=Severity.WARNING)
    content = ReviewContent(
        submission=submission,
        document=document,
        approvers=["Carl"],
        warnings=[warning],
        resend=assess_resend(before, after, rejection),
    )
    target = tmp_path / "review.xlsx"

    write_review_workbook(content, target)

    cells = _cells(target)
    assert {"Review", "Summary", "Lines", "Earlier Reasons", "Changes"} <= set(cells)
    assert _hidden_in(cells) == []
    assert "nullbyte" in cells["Lines"] and "nullbyte" in cells["Changes"]
    assert "Riverside Clinic" in cells["Review"] and "Ada Admin" in cells["Review"]
    assert any("not checked" in text for text in cells["Review"])
    assert "Recheck 01-100" in cells["Earlier Reasons"]


def test_the_workbook_handed_back_shows_every_text_cleaned(tmp_path: Path) -> None:
    document = BudgetDocument(
        project_number="P-1001",
        lines=_lines(True),
        project_name="River\u200bside Clinic",
        prepared_by="Ada\x00 Admin",
    )
    rejection = Rejection(
        version=1,
        approver="Carl\u202e Accountant",
        at=AT,
        reasons=("Recheck\x00 01-100",),
        flags=(LineFlag(LineKey("", "03-300", "M"), "too\x1b high"),),
    )
    target = tmp_path / "rejected.xlsx"

    write_rejected_workbook(document, rejection, target)

    cells = _cells(target)
    assert _hidden_in(cells) == []
    assert {"nullbyte", "Riverside Clinic", "Ada Admin", "REJECTED: too high"} <= set(
        cells["Budget"]
    )
    assert {"Recheck 01-100", "too high"} <= set(cells["Rejection Reasons"])
