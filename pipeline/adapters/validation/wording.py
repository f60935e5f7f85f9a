"""The words of a validation problem: its title, where it is, and how problems are built."""

from __future__ import annotations

import unicodedata

from pipeline.adapters.layouts.budget import COLUMN_TITLES
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.domain.problems import Problem
from pipeline.domain.rule_catalog import RULES, hint


def make_problem(
    rule: str,
    message: str,
    sheet: str = "",
    cell: str = "",
    column: str = "",
    value: str = "",
    hint_text: str | None = None,
) -> Problem:
    return Problem(
        rule=rule,
        message=message,
        sheet=sheet,
        cell=cell,
        column=column,
        value=value,
        hint=hint(rule) if hint_text is None else hint_text,
        severity=RULES[rule].severity,
    )


def column_title(name: str) -> str:
    return COLUMN_TITLES.get(name) or name.replace("_", " ").title()


def cell_position(cell: str) -> tuple[int, int]:
    digits = "".join(ch for ch in cell if ch.isdigit())
    letters = cell[: len(cell) - len(digits)]
    return int(digits or 0), sum((ord(c) - 64) * 26**i for i, c in enumerate(reversed(letters)))


def project_number_of(raw: RawBudget) -> str:
    value = text_of(raw.header.get("project_number", ("", ""))[0])
    return unicodedata.normalize("NFKC", value)
