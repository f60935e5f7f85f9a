"""The ports of the review workbook: who writes it, who reads a saved copy (the decision, the
marks of its issue, the figures it shows) and who tells which of its cells changed."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from pipeline.domain.review import Decision, ReviewMarks
from pipeline.domain.review_figures import FigureComparison, ReviewFigures
from pipeline.services.ports import ReviewContent


@dataclass(frozen=True)
class SavedReview:
    """A review workbook as the approver saved it: their decision, the marks that tie it to
    the version it was issued for, and the fingerprint of the figures it shows (None when
    the review was issued without one)."""

    decision: Decision
    marks: ReviewMarks
    figures: ReviewFigures | None = None


class ReviewWriter(Protocol):
    """Writes the review workbook for the approver; the fingerprint of the figures written."""

    def __call__(self, content: ReviewContent, target: Path) -> ReviewFigures: ...


class DecisionReader(Protocol):
    """Reads the approver's answer from a review workbook issued for ``line_count`` lines,
    and (``issued``: the fingerprint it was issued with) the figures it shows."""

    def __call__(
        self, path: Path, line_count: int, issued: ReviewFigures | None
    ) -> SavedReview: ...


class FiguresComparer(Protocol):
    """Which cells of ``sheets`` in a saved review workbook read otherwise than in the copy
    issued (``issued_copy``, fingerprinted as ``issued``)."""

    def __call__(
        self, saved: Path, issued_copy: Path, issued: ReviewFigures, sheets: Sequence[str]
    ) -> FigureComparison: ...
