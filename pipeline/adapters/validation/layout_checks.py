"""What the job's ERP layout cannot write, found at intake so that an accepted budget always
exports: job fields too long for the layout (Spectrum's 30-character job description, a
QuickBooks Customer:Job), characters a layout without quoting cannot hold, and numbers it
would round. Line lengths and sub jobs are in the rules (``apply_profile_limits``)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pandas as pd
import pandera.pandas as pa

from pipeline.adapters.reading.budget_reader import RawBudget
from pipeline.adapters.validation.cell_text import header_text
from pipeline.adapters.validation.line_values import more_places
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.wording import column_title, make_problem, project_number_of
from pipeline.domain.budget import CENT
from pipeline.domain.erp_profile import GUARD, FieldSpec, ProfileSpec, guard_text, is_guarded
from pipeline.domain.erp_values import HEADER_FIELDS, LINE_NUMBERS, header_values
from pipeline.domain.problems import Problem

CENT_PLACES = -int(CENT.as_tuple().exponent)
# How a job value made of several header fields is written, for the message.
COMPOSED = {"customer_job": "Project Name:Project Number"}
CHARACTER_NAMES = {
    "\t": "a tab",
    "\n": "a line break",
    "\r": "a line break",
    ",": "a comma",
    ";": "a semicolon",
    "|": "a vertical bar",
}


def job_field_problems(
    raw: RawBudget, rules: ValidationRules, taken: set[tuple[str, str]]
) -> list[Problem]:
    """The Project Number and Name against every field of the layout that writes them (on
    their own, or within a value such as IIF's Customer:Job), one problem per header cell
    not in ``taken``."""
    layout = rules.layout
    if layout is None:
        return []
    texts = {
        "project_number": project_number_of(raw),
        "project_name": header_text(raw, "project_name"),  # as the export gets it
    }
    limits = _cell_limits(layout, texts)
    problems = []
    for source, text in texts.items():
        title, cell = column_title(source), raw.header.get(source, ("", ""))[1]
        if not text or not cell or (title, cell) in taken:
            continue
        fields = [
            spec
            for value, made_of in HEADER_FIELDS.items()
            if source in made_of
            for spec in layout.text_fields(value)
        ]
        found = _unwritable_in(text, layout)
        if fields and found is not None:
            message = f"the {title} {unwritable_message(found, layout, fields[0])}"
            problems.append(make_problem("text.unwritable", message, raw.sheet, cell, title, text))
        elif source in limits and len(text) > limits[source].fits:
            limit = limits[source]
            problems.append(
                make_problem(
                    "text.too_long",
                    f"the {title} takes at most {limit.fits} characters in {layout.name} "
                    f"({limit.note()}), not {len(text)}",
                    raw.sheet,
                    cell,
                    title,
                    text,
                    f"Shorten the {title} to {limit.fits} characters"
                    if limit.fits > 0
                    else f"The {title} cannot be this long in {layout.name}",
                )
            )
    return problems


@dataclass(frozen=True)
class _CellLimit:
    """The most characters a header cell may hold for one field of the layout: its length
    less the rest of a composed value and the formula guard's ``'``."""

    fits: int
    value: str  # the job value the field writes
    text: str  # that value as the ERP file gets it, before the formula guard
    spec: FieldSpec

    def note(self) -> str:
        """The layout's field, and why the cell takes fewer characters than it."""
        if self.fits == self.spec.max_length:
            return self.spec.name
        notes = [f"{self.spec.name} takes {self.spec.max_length}"]
        if self.value in COMPOSED:
            notes.append(f"as {COMPOSED[self.value]}")
        if is_guarded(self.text):
            notes.append(
                f"and the {GUARD} the ERP file adds in front of text starting with "
                f"{_character_name(self.text[0])} takes one"
            )
        return " ".join(notes)


def _cell_limits(layout: ProfileSpec, texts: dict[str, str]) -> dict[str, _CellLimit]:
    """The tightest limit of each filled header cell over every field that writes it. A
    value made of several cells is blamed on the first that could be shortened to fit (a
    Customer:Job with a long name: the name)."""
    values = header_values(texts["project_number"], texts["project_name"])
    tightest: dict[str, _CellLimit] = {}
    for value, made_of in HEADER_FIELDS.items():
        written = len(guard_text(values[value]))
        filled = [source for source in made_of if texts[source]]
        for spec in layout.text_fields(value):
            if spec.max_length is None or not filled:
                continue
            fits = [(spec.max_length - written + len(texts[s]), s) for s in filled]
            room, source = next(((n, s) for n, s in fits if n > 0), fits[-1])
            if source not in tightest or room < tightest[source].fits:
                tightest[source] = _CellLimit(room, value, values[value], spec)
    return tightest


def text_checks(rules: ValidationRules, column: str) -> list[pa.Check]:
    """A line text column against the characters the layout cannot write there."""
    layout = rules.layout
    if layout is None or not layout.unwritable_characters() or not layout.text_fields(column):
        return []
    characters = layout.unwritable_characters()
    pattern = "[" + re.escape(characters) + "]"

    def writable(texts: pd.Series) -> pd.Series:
        # One search of the run's texts joined, then cell by cell only where one is found:
        # a regular expression per cell cost 0.3 us, 60 ms a column of 200,000 lines.
        joined = "".join(texts.tolist())
        if not any(character in joined for character in characters):
            return pd.Series(True, index=texts.index)
        return ~texts.str.contains(pattern)

    return [pa.Check(writable, name="text.unwritable")]


def number_checks(rules: ValidationRules, column: str) -> list[pa.Check]:
    """A line number column against the decimals of the layout's field that writes it."""
    spec = erp_number_field(rules, column)
    if spec is None or (column == "amount" and spec.decimals >= CENT_PLACES):
        return []  # amounts are taken in cents: the company's rules decide about more places
    places = spec.decimals

    def within(numbers: pd.Series) -> pd.Series:
        fits = pd.Series(True, index=numbers.index)
        fits[list(more_places(numbers, places))] = False
        return fits

    return [pa.Check(within, name="number.erp_decimals")]


def erp_number_field(rules: ValidationRules, column: str) -> FieldSpec | None:
    """The field with the fewest decimals that writes a line number column, if any."""
    if rules.layout is None:
        return None
    fields = [
        spec
        for value, made_of in LINE_NUMBERS.items()
        if made_of == column
        for spec in rules.layout.number_fields(value)
    ]
    return min(fields, key=lambda spec: spec.decimals, default=None)


def line_message(rule: str, column: str, record: dict[str, Any], rules: ValidationRules) -> str:
    """What a layout check found on a line's cell, naming the layout and its field."""
    title, layout = column_title(column), rules.layout
    assert layout is not None  # the checks run only with a layout
    if rule == "text.unwritable":
        found = _unwritable_in(str(record[column]), layout)
        assert found is not None
        return f"{title} {unwritable_message(found, layout, layout.text_fields(column)[0])}"
    spec = erp_number_field(rules, column)
    assert spec is not None
    shown = Decimal(f"{record[column]:.15g}")
    places = max(0, -int(shown.normalize().as_tuple().exponent))
    return (
        f"{title} has {places} decimal{'' if places == 1 else 's'}, and the {layout.name} ERP "
        f"format writes "
        f"{spec.decimals} ({spec.name}): the ERP would get "
        f"{record[f'{column}_decimal']:.{spec.decimals}f}"
    )


def line_hint(rule: str, column: str, rules: ValidationRules) -> str | None:
    """The fix for a layout check's failure on a line, where it says more than the rule's."""
    spec = erp_number_field(rules, column) if rule == "number.erp_decimals" else None
    if spec is None:
        return None
    return (
        f"Round it to {spec.decimals} decimals (ROUND(..., {spec.decimals}) in Excel), so the "
        "ERP gets the number you mean"
    )


def unwritable_message(character: str, layout: ProfileSpec, spec: FieldSpec) -> str:
    """``holds a tab, ...``: the character, and why the layout cannot write it."""
    what = _character_name(character)
    if character == layout.delimiter:
        return (
            f"holds {what}, the delimiter of the {layout.name} ERP format, which has no "
            f"quoting to write it in {spec.name}"
        )
    return (
        f"holds {what}, which the {layout.name} ERP format has no quoting to write in {spec.name}"
    )


def _unwritable_in(text: str, layout: ProfileSpec) -> str | None:
    return next((c for c in text if c in layout.unwritable_characters()), None)


def _character_name(character: str) -> str:
    return CHARACTER_NAMES.get(character, character)
