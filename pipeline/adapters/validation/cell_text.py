"""The text a budget keeps of a cell: cleaned of what no one can see (``clean_text``, the one
cleaning of pipeline.domain.text), codes folded with NFKC (``code_text``); and the words
for a cell that lost a character or holds one that is not plain ASCII.

It is applied where the budget is read, to the header's texts and to every text column of
the lines, before the duplicate check and the match with the ERP's lists: the stored
version, its fingerprint, the review workbook and the ERP file then all hold the same text.
"""

from __future__ import annotations

import pandas as pd

from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.erp_lists import picked_code
from pipeline.domain.near_misses import in_words
from pipeline.domain.problems import Problem, cell_ref
from pipeline.domain.text import clean_text, code_text, described, printable, removed_characters

# Compared character by character (the duplicate check, the ERP's lists, the ERP itself):
# folded with NFKC, and refused if not plain ASCII then (text.not_ascii).
CODE_COLUMNS = ("sub_job", "cost_code", "cost_type")
# Picked from our dropdowns as "03-300 \u2013 Concrete": the code before the dash is kept.
PICKED_COLUMNS = ("cost_code", "cost_type")
# "<column>_as_read": a line frame's column, present only when some cell of <column> lost a
# character to the cleaning; it holds that cell's text as read (None for the others).
AS_READ = "_as_read"
HEADER_TEXTS = {"project_name": "Project Name", "prepared_by": "Prepared By"}


def kept_text(text: str, code: bool = False) -> str:
    """``text`` (a cell as ``text_of`` reads it) as the budget keeps it: cleaned, a code
    also folded with NFKC, and trimmed again as ``text_of`` trims (a character removed
    between two spaces leaves both)."""
    if text.isprintable() and (not code or text.isascii()):
        return text
    return " ".join((code_text(text) if code else clean_text(text)).split())


def keep_column(texts: list[str], code: bool, picked: bool = False) -> dict[int, str]:
    """Replace each of ``texts`` by its ``kept_text`` (with ``picked``, of the code of a
    dropdown's ``03-300 \u2013 Concrete``); return the text as read of each one that lost a
    character to the cleaning, by position. A column with nothing to clean, as nearly every
    column is, is found so with one scan of its joined text (it runs for every text column
    of 200,000-line budgets); the dash of a picked entry is not ASCII, so it is not missed."""
    joined = "".join(texts)
    if joined.isprintable() and (not code or joined.isascii()):
        return {}
    as_read = {}
    # Once per distinct text: a column picked from a dropdown repeats a few dozen entries.
    known: dict[str, tuple[str, str, bool]] = {}
    for index, text in enumerate(texts):
        if (found := known.get(text)) is None:
            read = picked_code(text) if picked else text
            found = known[text] = (read, kept_text(read, code), bool(removed_characters(read)))
        read, kept, lost = found
        if kept != text:
            texts[index] = kept
            if lost:
                as_read[index] = read
    return as_read


def header_text(raw: RawBudget, name: str) -> str:
    """A header value (Project Name, Prepared By) as the budget keeps it."""
    return kept_text(text_of(raw.header.get(name, ("", ""))[0]))


def header_warnings(raw: RawBudget) -> list[Problem]:
    """A ``text.hidden_removed`` warning for each header text that lost a character."""
    problems = []
    for name, title in HEADER_TEXTS.items():
        value, cell = raw.header.get(name, ("", ""))
        text = text_of(value)
        if removed_characters(text):
            problems.append(hidden_removed(raw.sheet, cell, title, text))
    return problems


def line_warnings(
    raw: RawBudget, frame: pd.DataFrame, taken: set[tuple[str, str]]
) -> list[Problem]:
    """A ``text.hidden_removed`` warning for each line cell that lost a character and has
    no other problem (one problem per cell)."""
    problems = []
    for name, position in raw.columns.items():
        if f"{name}{AS_READ}" not in frame:
            continue
        as_read = frame[f"{name}{AS_READ}"]
        found, title = as_read.notna(), column_title(name)
        for row, text in zip(frame["_row"][found], as_read[found], strict=True):
            cell = cell_ref(int(row), position)
            if (title, cell) not in taken:
                problems.append(hidden_removed(raw.sheet, cell, title, str(text)))
    return problems


def hidden_removed(sheet: str, cell: str, title: str, as_read: str) -> Problem:
    """``Budget!D9: the Description held U+0000 NULL, removed``; the value found is the
    text as read, its hidden characters written out (``\\u0000``)."""
    return make_problem(
        "text.hidden_removed",
        f"the {title} held {_few(removed_characters(as_read))}, removed",
        sheet,
        cell,
        title,
        printable(as_read),
    )


def not_ascii_message(title: str, text: str) -> str:
    """``the Cost Type holds U+0141 LATIN CAPITAL LETTER L WITH STROKE, not plain ASCII``."""
    odd = [described(ch) for ch in dict.fromkeys(text) if not ch.isascii()]
    return f"the {title} holds {_few(odd)}, not plain ASCII"


def ascii_only(column: pd.Series) -> pd.Series:
    """The pandera check of ``text.not_ascii``: whether each code is plain ASCII (one scan
    of the joined column when all are)."""
    if "".join(column.tolist()).isascii():  # tolist: a Series iterates four times slower
        return pd.Series(True, index=column.index)
    return column.map(str.isascii).astype(bool)


def _few(characters: list[str]) -> str:
    """The first three in words, and how many more."""
    more = [f"{len(characters) - 3} more"] if len(characters) > 3 else []
    return in_words(characters[:3] + more)
