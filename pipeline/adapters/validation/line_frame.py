"""The line table of a run of budget rows as the frame the pandera schema validates, and the
repeated lines of the whole budget (a check no run of rows can make alone)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import numpy as np
import pandas as pd

from pipeline.adapters.reading.amounts import NumberFormat, parse_amount
from pipeline.adapters.reading.budget_reader import text_of
from pipeline.adapters.validation.cell_text import (
    AS_READ,
    CODE_COLUMNS,
    PICKED_COLUMNS,
    keep_column,
)
from pipeline.adapters.validation.line_values import Listed, spell_as_listed, take_amounts
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.schema import KEY_COLUMNS

TEXT_COLUMNS = ("sub_job", "cost_code", "cost_type", "description", "uom")
NUMBER_COLUMNS = ("amount", "unit_qty", "unit_cost")
Rows = Sequence[tuple[int, list[Any]]]  # (Excel row, the row's cells) as RawBudget has them


def line_frame(
    rows: Rows, columns: dict[str, int], rules: ValidationRules, listed: Listed
) -> pd.DataFrame:
    """``rows`` as a frame: each text column as the budget keeps it (cleaned, codes folded:
    ``cell_text``), and each number column three ways (its text for messages, its float for
    the checks, its Decimal for the budget)."""
    frame = pd.DataFrame({"_row": [row for row, _ in rows]})
    for name in TEXT_COLUMNS:
        texts = [text_of(v) for v in _cells(rows, columns, name)]
        as_read = keep_column(texts, name in CODE_COLUMNS, name in PICKED_COLUMNS)
        frame[name] = pd.Series(texts, dtype=object)
        if as_read:
            frame[f"{name}{AS_READ}"] = pd.Series(as_read, index=frame.index, dtype=object)
    amounts = _Amounts(rules.number_format)
    for name in NUMBER_COLUMNS:
        values = _cells(rows, columns, name)
        parsed = [amounts.parse(v) for v in values]
        frame[f"{name}_text"] = pd.Series([text_of(v) for v in values], dtype=object)
        frame[name] = pd.Series(
            [float(p) if p is not None else None for p in parsed], dtype="float64"
        )
        frame[f"{name}_decimal"] = pd.Series(parsed, dtype=object)
    spell_as_listed(frame, listed)
    take_amounts(frame, rules)
    return frame


def repeated_lines(
    rows: Rows, columns: dict[str, int], listed: Listed
) -> tuple[np.ndarray, dict[tuple[str, ...], int]]:
    """Which of ``rows`` repeat an earlier line's key (sub job, cost code, cost type, kept
    as ``line_frame`` keeps them and spelled as listed), and the row where each repeated
    key first appears; only the key columns are built, so that the whole budget's keys fit
    beside its cells."""
    frame = pd.DataFrame({"_row": [row for row, _ in rows]})
    for name in KEY_COLUMNS:
        texts = [text_of(v) for v in _cells(rows, columns, name)]
        keep_column(texts, name in CODE_COLUMNS, name in PICKED_COLUMNS)
        frame[name] = pd.Series(texts, dtype=object)
    spell_as_listed(frame, listed)
    return mark_repeated(frame)


def mark_repeated(frame: pd.DataFrame) -> tuple[np.ndarray, dict[tuple[str, ...], int]]:
    """``repeated_lines`` of a frame that has the key columns and ``_row``."""
    marks = frame.duplicated(KEY_COLUMNS, keep="first").to_numpy()
    first_row: dict[tuple[str, ...], int] = {}
    if marks.any():
        repeated = frame.duplicated(KEY_COLUMNS, keep=False)
        for row, *key in zip(*(frame[c][repeated] for c in ["_row", *KEY_COLUMNS]), strict=True):
            first_row.setdefault(tuple(key), int(row))
    return marks, first_row


def _cells(rows: Rows, columns: dict[str, int], name: str) -> list[Any]:
    index = columns.get(name)
    return [cells[index] if index is not None and index < len(cells) else "" for _, cells in rows]


class _Amounts:
    """``parse_amount`` once per distinct number: a run of rows repeats its quantities, unit
    costs and amounts, and equal numbers then share one Decimal. Only floats other than zero
    are looked up (-0.0 equals 0.0 but is another Decimal; 1.0 equals True and "1.0" is
    another text)."""

    def __init__(self, number_format: NumberFormat) -> None:
        self.known: dict[float, Decimal | None] = {}
        self.number_format = number_format

    def parse(self, value: Any) -> Decimal | None:
        if value.__class__ is not float or not value:
            return parse_amount(value, self.number_format)
        if value not in self.known:
            self.known[value] = parse_amount(value, self.number_format)
        return self.known[value]
