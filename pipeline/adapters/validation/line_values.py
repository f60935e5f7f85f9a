"""What a line's cells are taken as: amounts rounded to cents as Excel's ROUND does, cost
codes and types as the ERP's lists spell them; and the words for what was taken or missed."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pandas as pd

from pipeline.adapters.reading.budget_reader import RawBudget
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.budget import CENT
from pipeline.domain.erp_lists import ErpLists, Spellings
from pipeline.domain.near_misses import differences, in_words, leading_zeros_missing
from pipeline.domain.problems import Problem, cell_ref

LISTED_COLUMNS = ("cost_code", "cost_type")


@dataclass(frozen=True)
class Listed:
    """The ERP lists one budget's codes and types are matched against (None: list absent)."""

    codes: Spellings | None
    types: Spellings | None

    @classmethod
    def for_job(cls, lists: ErpLists, job: str) -> Listed:
        """Index the lists once per budget, for the codes usable on its job."""
        return cls(lists.code_spellings(job), lists.type_spellings())

    def of(self, column: str) -> Spellings | None:
        """The list a column is matched against."""
        return {"cost_code": self.codes, "cost_type": self.types}.get(column)


def spell_as_listed(frame: pd.DataFrame, listed: Listed) -> None:
    """Write each cost code and type the way its list does, where exactly one listed entry
    matches but for case (``m`` is ``M``); ``<column>_text`` keeps what was typed."""
    for column in LISTED_COLUMNS:
        typed = frame[column]
        frame[f"{column}_text"] = typed
        spellings = listed.of(column)
        if spellings is None:
            continue
        unlisted = ~typed.isin(spellings.listed)
        if unlisted.any():  # a dictionary look-up per distinct value, only where needed
            respelled = {v: spellings.spelling(v) or v for v in typed[unlisted].unique()}
            frame.loc[unlisted, column] = typed[unlisted].map(respelled)


def take_amounts(frame: pd.DataFrame, rules: ValidationRules) -> None:
    """With ``round_to_cents``, take an amount with more than two decimals rounded to cents
    (``amount_rounded`` marks them, ``amount_typed`` keeps the value as Excel shows it), then
    mark in ``amount_within_places`` whether each amount has at most ``max_decimals``."""
    frame["amount_typed"] = frame["amount_decimal"]
    frame["amount_rounded"] = False
    if rules.round_to_cents and (shown := _with_more_places(frame, 2)):
        rows = list(shown)
        rounded = [round_to_cents(shown[row]) for row in rows]
        frame.loc[rows, "amount_typed"] = pd.Series([shown[row] for row in rows], index=rows)
        frame.loc[rows, "amount_decimal"] = pd.Series(rounded, index=rows)
        frame.loc[rows, "amount"] = [float(value) for value in rounded]
        frame.loc[rows, "amount_rounded"] = True
    frame["amount_within_places"] = True
    frame.loc[list(_with_more_places(frame, rules.max_decimals)), "amount_within_places"] = False


def _with_more_places(frame: pd.DataFrame, places: int) -> dict[Any, Decimal]:
    """The amounts with more than ``places`` decimals, by row, as Excel shows them (which is
    also what a problem on the cell then reports as found)."""
    result = more_places(frame["amount"], places)
    typed = frame["amount_decimal"]
    tails = {row: f"{shown:f}" for row, shown in result.items() if shown != typed[row]}
    if tails:
        frame.loc[list(tails), "amount_text"] = pd.Series(tails)
    return result


def more_places(numbers: pd.Series, places: int) -> dict[Any, Decimal]:
    """The numbers with more than ``places`` decimals, by row, as Excel shows them: to 15
    significant digits, ``610499.889`` and not the double's ``610499.8890000001``."""
    scaled = numbers * 10**places
    # a cheap test first: it keeps every true case and a few doubles' tails, checked below
    maybe = (scaled.round() - scaled).abs().ge(1e-6) & numbers.abs().lt(1e13)
    result = {}
    for row, value in zip(numbers.index[maybe], numbers[maybe], strict=True):
        shown = Decimal(f"{value:.15g}")
        if shown != shown.quantize(Decimal(1).scaleb(-places)):
            result[row] = shown
    return result


def round_to_cents(value: Decimal) -> Decimal:
    """Excel's ROUND(value, 2): half away from zero (-0.005 is -0.01), never -0.00."""
    rounded = abs(value).quantize(CENT, rounding=ROUND_HALF_UP)
    return -rounded if value < 0 and rounded else rounded


def rounding_warnings(
    raw: RawBudget, frame: pd.DataFrame, taken: set[tuple[str, str]]
) -> list[Problem]:
    """One ``amount.rounded`` warning per rounded cell that has no other problem: the value
    taken in the message, the one typed as the value found."""
    position, title = raw.columns["amount"], column_title("amount")
    problems = []
    rounded = frame.loc[frame["amount_rounded"]]
    for row, taken_as, found in zip(
        rounded["_row"], rounded["amount_decimal"], rounded["amount_text"], strict=True
    ):
        cell = cell_ref(int(row), position)
        if (title, cell) not in taken:
            problems.append(
                make_problem(
                    "amount.rounded",
                    f"{title} is taken as {taken_as:,.2f}, rounded to cents",
                    raw.sheet,
                    cell,
                    title,
                    str(found),
                )
            )
    return problems


def unlisted_message(column: str, record: dict[str, Any], listed: Listed) -> str:
    """Why a code or type is not taken: not listed, or listed in several cases."""
    title, spellings = column_title(column), listed.of(column)
    variants = spellings.case_variants(str(record[column])) if spellings else ()
    if len(variants) > 1:
        return (
            f"{title} matches {in_words(list(variants))} on the ERP's list, which differ only "
            "in case"
        )
    return f"{title} is not on the ERP's list"


def unlisted_hint(column: str, typed: str, listed: Listed) -> str | None:
    """The fix for an unlisted code or type: the one listed entry it most likely meant."""
    spellings = listed.of(column)
    if spellings is None:
        return None
    if len(spellings.case_variants(typed)) > 1:
        return "Type it exactly as the ERP's list spells the one you mean"
    suggestion = spellings.suggestion(typed)
    if suggestion is None:
        return None
    words = differences(typed, suggestion)
    question = f"Did you mean {suggestion}" + (f" ({in_words(words)})?" if words else "?")
    if typed.isdigit() and leading_zeros_missing(typed, suggestion):
        return (
            f"{question} Excel drops the leading zeros of a code typed as a number: format "
            "the column as Text and retype it"
        )
    return f"{question} Type it as the ERP's list spells it"
