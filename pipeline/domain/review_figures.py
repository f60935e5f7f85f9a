"""The figures of a review workbook as the approver reads them: the fingerprint recorded when
it is issued, what a saved workbook must match, and the words for a cell that changed. Pure.

A fingerprint holds, for each sheet issued, a digest of its cells (every figure and text but
the decision cells) and how far down it was written; where the defined names of the decision
cells point; and, for a saved workbook, the cells that hold a formula (the review issued has
none: a formula shows what it calculates, whatever value was saved with it).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from pipeline.domain.text import clean_text

FIGURES_NAMED = 10  # cells named in a note or an email; the others are counted
_SHOWN_CHARACTERS = 60  # of a text in a sentence about its cell


@dataclass(frozen=True, slots=True)
class SheetFigures:
    """One sheet's fingerprint: the digest of its cells, and the rows it was written on."""

    digest: str
    rows: int


@dataclass(frozen=True)
class ReviewFigures:
    """The fingerprint of a review workbook's figures, as issued or as saved."""

    sheets: Mapping[str, SheetFigures]
    decision_cells: Mapping[str, str]  # defined name -> "Review!B14"
    formulas: tuple[str, ...] = ()  # cells holding a formula, as "Lines!I12"

    def differences(self, saved: ReviewFigures) -> FigureDifferences:
        """How ``saved`` differs from this issued fingerprint: the sheets whose cells differ
        (to be compared cell by cell), and what differs beyond cells."""
        changed = tuple(
            name
            for name, issued in self.sheets.items()
            if name in saved.sheets and saved.sheets[name].digest != issued.digest
        )
        notes = [
            f"the sheet {_sheet(name)} of the review issued is gone"
            for name in self.sheets
            if name not in saved.sheets
        ]
        notes += [
            f"the sheet {_sheet(name)} was not in the review issued"
            for name in saved.sheets
            if name not in self.sheets
        ]
        notes += [
            f"the defined name {name} points at {saved.decision_cells.get(name) or 'nothing'}; "
            f"the review issued has it at {cell}"
            for name, cell in self.decision_cells.items()
            if saved.decision_cells.get(name) != cell
        ]
        notes += [
            f"{_where(cell)} holds a formula; the review issued holds only values (a formula "
            "shows what it calculates, not the figure issued)"
            for cell in saved.formulas
        ]
        return FigureDifferences(changed, tuple(notes))


@dataclass(frozen=True, slots=True)
class FigureDifferences:
    """What a saved review workbook shows that the review issued did not show."""

    changed_sheets: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.changed_sheets or self.notes)


Shown = str | float  # a text, or a number; "" is a blank cell


@dataclass(frozen=True, slots=True)
class FigureChange:
    """One cell that reads otherwise than in the review issued."""

    sheet: str
    ref: str  # A1
    was: Shown
    now: Shown

    def __str__(self) -> str:
        where = _where(f"{self.sheet}!{self.ref}")
        if self.was == "":
            return f"{where} was blank when this review was issued and reads {_shown(self.now)} now"
        issued = f"{where} was {_shown(self.was)} when this review was issued"
        if self.now == "":
            return f"{issued} and is blank now"
        return f"{issued} and reads {_shown(self.now)} now"


@dataclass(frozen=True, slots=True)
class FigureComparison:
    """The cells that differ, the first few of them named, and how many there are."""

    changes: tuple[FigureChange, ...] = ()
    count: int = 0

    def sentences(self, named: int = FIGURES_NAMED) -> list[str]:
        """One sentence per cell named, then how many more differ."""
        found = [str(change) for change in self.changes[:named]]
        if self.count > len(found):
            found.append(
                f"and {self.count - len(found):,} more cell(s) differ ({self.count:,} in all)"
            )
        return found


def _sheet(name: str) -> str:
    return f"'{_one_line(name)}'"


def _where(cell: str) -> str:
    """``Lines!H12``; a sheet name with anything but letters and digits is quoted, as Excel
    writes it: ``'Earlier Reasons'!C4``."""
    sheet, _, ref = cell.rpartition("!")
    sheet = _one_line(sheet)
    return f"{sheet}!{ref}" if sheet.isalnum() else f"'{sheet}'!{ref}"


def _shown(value: Shown) -> str:
    if isinstance(value, float):
        return _number(value)
    text = _one_line(value)
    if len(text) > _SHOWN_CHARACTERS:
        text = text[: _SHOWN_CHARACTERS - 1] + "…"
    return f"'{text}'"


def _number(value: float) -> str:
    """A figure as the approver reads it: thousands grouped, cents always shown, and every
    further decimal it has (``95,000.50``, ``450.005``, ``12``)."""
    if not math.isfinite(value):
        return repr(value)
    exact = Decimal(repr(value))
    if exact == exact.to_integral_value():
        return f"{exact:,.0f}"
    exponent = exact.as_tuple().exponent
    places = max(2, -exponent) if isinstance(exponent, int) else 2
    return f"{exact:,.{places}f}"


def _one_line(text: str) -> str:
    """What the saved workbook holds is anybody's text: shown cleaned, on one line."""
    return clean_text(text)
