"""What a line's cost codes and types are taken as: the ERP's lists' spelling; and the words
for what could not be taken."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd

from pipeline.adapters.validation_support import column_title
from pipeline.domain.erp_lists import ErpLists, Spellings
from pipeline.domain.near_misses import differences, in_words, leading_zeros_missing

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
