"""The one cleaning of every text people and the ERP get, the form codes take, and the words
for what it removed: examples of each kind of character, and properties over any text."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from pipeline.domain.text import (
    clean_lines,
    clean_text,
    code_text,
    described,
    hidden_characters,
    joined,
    removed_characters,
    then,
)

REMOVED_CATEGORIES = {"Cc", "Cf", "Cs"}


@pytest.mark.parametrize(
    ("typed", "cleaned"),
    [
        ("null\x00byte", "nullbyte"),
        ("\x1b[31mred", "[31mred"),  # ESC: a terminal's colour code loses its power
        ("evil\u202etxt.exe", "eviltxt.exe"),  # RIGHT-TO-LEFT OVERRIDE
        ("Con\u200bcrete", "Concrete"),  # ZERO WIDTH SPACE inside a word
        ("\ufeffL", "L"),  # a byte-order mark pasted from a file
        ("soft\u00adhyphen", "softhyphen"),
        ("a\u2066b\u2069", "ab"),  # bidi isolates
        ("tag\U000e0041\U000e0042", "tag"),  # tag characters: ASCII hidden in plain sight
        ("half\ud800byte", "halfbyte"),  # a lone surrogate: an undecodable byte
        ("bell\x07", "bell"),
        ("two\nlines", "two lines"),
        ("crlf\r\nline", "crlf  line"),  # each break one space: the reader trims after
        ("tab\there", "tab here"),
        ("no\u00a0break", "no break"),
        ("line\u2028sep\u2029para\x85next", "line sep para next"),
        ("Ünïcødé € 1½ m²", "Ünïcødé € 1½ m²"),  # printable: kept as it is
        ("private \ue000 use", "private \ue000 use"),
        ("  spaces  kept  ", "  spaces  kept  "),
    ],
)
def test_clean_text_removes_what_hides_and_puts_one_line(typed: str, cleaned: str) -> None:
    assert clean_text(typed) == cleaned


def test_a_file_name_marks_where_a_character_was_removed() -> None:
    assert clean_text("budget\u202e.xlsx\x00", mark="_") == "budget_.xlsx_"
    assert clean_text("two\nlines.xlsx", mark="_") == "two lines.xlsx"


@given(st.text())
@example("\x00\u200b\n")
def test_cleaning_leaves_nothing_hidden_and_one_line(text: str) -> None:
    cleaned = clean_text(text)

    assert not {unicodedata.category(ch) for ch in cleaned} & REMOVED_CATEGORIES
    assert all(ch == " " or not ch.isspace() for ch in cleaned)


@given(st.text())
def test_cleaning_is_idempotent(text: str) -> None:
    assert clean_text(clean_text(text)) == clean_text(text)


def _by_hand(text: str) -> str:
    """The rule, one character at a time: a space for a space, nothing for the other
    "Other" characters but private use and unassigned ones, the character for the rest."""
    out = []
    for ch in text:
        major, minor = unicodedata.category(ch)[0], unicodedata.category(ch)[1]
        if ch.isspace():
            out.append(" ")
        elif major != "C" or minor in "on":
            out.append(ch)
    return "".join(out)


@given(st.text())
@example("tab\tnul\x00zw\u200b\ue000\U0010ffff")
def test_cleaning_only_removes_or_spaces_and_keeps_the_order(text: str) -> None:
    assert clean_text(text) == _by_hand(text)
    assert len(clean_text(text, mark="_")) == len(text)


printable = st.characters(
    exclude_categories=["Cc", "Cf", "Cs", "Zl", "Zp", "Zs"], include_characters=" "
)


@given(st.text(printable))
def test_printable_text_is_kept_as_it_is(text: str) -> None:
    assert clean_text(text) == text


@given(st.text(st.characters(codec="ascii")).filter(str.isprintable))
def test_printable_ascii_is_the_same_object(text: str) -> None:
    assert clean_text(text) is text  # the fast path: no copy per cell
    assert code_text(text) is text


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("\uff2c", "L"),  # FULLWIDTH LATIN CAPITAL LETTER L
        ("\uff10\uff13-\uff13\uff10\uff10", "03-300"),  # fullwidth digits
        ("L\u200b", "L"),
        ("\u202eM", "M"),
        ("\ufb01nish", "finish"),  # LATIN SMALL LIGATURE FI
        ("\u2460", "1"),  # CIRCLED DIGIT ONE
        ("\u0141", "\u0141"),  # L WITH STROKE: no compatibility form, stays (and is refused)
        ("\u0421-100", "\u0421-100"),  # CYRILLIC ES looks like C, and is no C
    ],
)
def test_code_text_cleans_then_folds_with_nfkc(typed: str, folded: str) -> None:
    assert code_text(typed) == folded


@given(st.text())
def test_a_code_folded_is_clean_and_stays_as_it_is(text: str) -> None:
    folded = code_text(text)

    assert code_text(folded) == folded
    assert unicodedata.normalize("NFKC", folded) == folded
    assert not {unicodedata.category(ch) for ch in folded} & REMOVED_CATEGORIES


def test_removed_characters_names_each_once_in_order() -> None:
    assert removed_characters("a\x00b\u202ec\x00\u200b\n") == [
        "U+0000 NULL",
        "U+202E RIGHT-TO-LEFT OVERRIDE",
        "U+200B ZERO WIDTH SPACE",
    ]
    assert removed_characters("two\nlines\ttab\u00a0") == []  # spaced, not removed


@given(st.text())
def test_removed_characters_are_what_the_cleaning_takes_out(text: str) -> None:
    named = removed_characters(text)

    assert bool(named) == (len(clean_text(text)) < len(text))  # spacing keeps the length
    assert all(chr(int(words[2:].split()[0], 16)) in text for words in named)


def test_every_control_is_described_by_its_unicode_alias() -> None:
    for code in [*range(32), 0x7F]:
        words = described(chr(code))
        name = words.split(" ", 1)[1]
        assert unicodedata.lookup(name) == chr(code), words
    assert described("\x85") == "U+0085 (a control character)"
    assert described("\u202e") == "U+202E RIGHT-TO-LEFT OVERRIDE"


def test_hidden_characters_include_breaks_and_with_odd_spaces_every_space() -> None:
    assert hidden_characters("P-1\u2028\x1b") == ["U+2028 LINE SEPARATOR", "U+001B ESCAPE"]
    assert hidden_characters("P 1\u00a0") == []
    assert hidden_characters("P 1\u00a0", odd_spaces=True) == ["U+00A0 NO-BREAK SPACE"]


@pytest.mark.parametrize(
    ("text", "separator", "rest", "read"),
    [
        ("remove it.", ": ", "looks addressed", "remove it: looks addressed"),
        ("remove it", ": ", "looks addressed", "remove it: looks addressed"),
        ("too high;", ": ", "answered", "too high: answered"),
        ("Why so high?", ": ", "open", "Why so high? open"),
        ("wait...", "; ", "next", "wait... next"),
        ("closed.", ".", "", "closed."),
        ("closed", ".", "", "closed."),
    ],
)
def test_then_never_doubles_punctuation(text: str, separator: str, rest: str, read: str) -> None:
    assert then(text, separator) + rest == read


def test_joined_lists_reasons_once_punctuated() -> None:
    assert joined(["Too high.", "", "line 03-300/L: remove it.", "Why?", "end."]) == (
        "Too high; line 03-300/L: remove it; Why? end."
    )


@given(st.lists(st.text(alphabet="ab.;:?! ", max_size=8), max_size=5))
def test_joined_never_puts_two_marks_together_at_a_seam(parts: list[str]) -> None:
    text = joined(parts)
    for seam in (".;", ";;", ":;", ",;"):
        assert seam not in text or any(seam in p for p in parts)


@given(st.text())
@example("P-\x1b1001\x07\r\nsecond\rthird\u2028")
def test_mail_text_keeps_its_lines_and_nothing_hidden(text: str) -> None:
    cleaned = clean_lines(text)

    assert not {unicodedata.category(ch) for ch in cleaned} & REMOVED_CATEGORIES - {"Cc"}
    assert all(ch == "\n" or unicodedata.category(ch) != "Cc" for ch in cleaned)
    assert cleaned.count("\n") == text.count("\n") + text.count("\r") - text.count("\r\n")
    assert clean_lines(cleaned) == cleaned
