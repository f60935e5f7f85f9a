"""The words for a number typed as text that is not taken (``amounts.why_unread``): what it
could be, each reading also in words (``1,234`` is not read alike everywhere), and what to
type. Amounts, quantities, unit costs and the Budget Total are worded alike."""

from __future__ import annotations

from decimal import Decimal

from pipeline.adapters.reading.amounts import PLAIN_DIGITS, NumberFormat, Unread
from pipeline.adapters.validation.wording import make_problem
from pipeline.domain.near_misses import in_words
from pipeline.domain.problems import Problem
from pipeline.domain.text import described

ONES = (
    *("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"),
    *("eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen"),
    *("eighteen", "nineteen"),
)
TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
SCALES = ((10**12, "trillion"), (10**9, "billion"), (10**6, "million"), (1000, "thousand"))
SEPARATOR_NAMES = {".": "point", ",": "comma"}


def unread_problem(
    unread: Unread, number_format: NumberFormat, title: str, text: str, sheet: str, cell: str
) -> Problem:
    """The problem of the cell ``sheet!cell`` of ``title`` that holds ``text``."""
    return make_problem(
        unread.rule,
        unread_message(unread, number_format, title, text),
        sheet,
        cell,
        title,
        text,
        unread_hint(unread, number_format),
    )


def unread_message(unread: Unread, number_format: NumberFormat, title: str, text: str) -> str:
    """What the text could be, in this workspace's way of writing numbers."""
    if unread.rule == "number.digits":
        odd = [described(ch) for ch in unread.found[:3]]
        return f"{title} holds {in_words(odd)}, not one of the digits 0-9"
    if unread.rule == "number.currency":
        return (
            f"{title} is in {unread.found}, and this workspace's amounts are in "
            f"{number_format.currency}"
        )
    if unread.rule == "number.ambiguous" and unread.minus_in_parentheses:
        negative, positive = (number_format.written(n) for n in unread.readings)
        return (
            f"{title} could be {negative} or {positive}: parentheses make a number negative, "
            "and it has a sign inside them too"
        )
    if unread.rule == "number.ambiguous":
        here, there = unread.readings
        return (
            f"{title} could be {number_format.written(here)} ({spelled(here)}) or "
            f"{number_format.written(there)} ({spelled(there)}): a "
            f"{_name(number_format.decimal_separator)} before three digits groups thousands "
            f"in numbers written as {number_format.other().example()}"
        )
    written_as = f"this workspace writes numbers as {number_format.example()}"
    if not unread.readings:
        return f"{title} has its separators out of place: {written_as}"
    [reading] = unread.readings
    return (
        f"{title} could be {_read_out(reading, number_format)}, written "
        f"with {_other_way(text, number_format)}; {written_as}"
    )


def unread_hint(unread: Unread, number_format: NumberFormat) -> str | None:
    """What to type instead (None: the rule's own fix)."""
    if unread.rule == "number.currency":
        return (
            f"Type the amount in {number_format.currency}, without the {unread.found} "
            "(converted, if it is another currency's amount)"
        )
    if unread.rule == "number.ambiguous" and unread.minus_in_parentheses:
        negative, positive = (number_format.written(n) for n in unread.readings)
        return f"Type {negative} for a negative number, {positive} for a positive one"
    if unread.rule == "number.ambiguous":
        here, there = unread.readings
        return (
            f"Type {number_format.written(there)} for {spelled(there)}; for {spelled(here)}, "
            f"type {number_format.written(here)} into a cell formatted as a number, not as text"
        )
    if unread.rule == "number.separators" and unread.readings:
        return f"Type {number_format.written(unread.readings[0])} if that is the number"
    return None


def spelled(number: Decimal) -> str:
    """``number`` in words: ``one thousand two hundred thirty-four``, ``one point two three
    four`` (the digits after the point one by one, as they are read out)."""
    whole, _, decimals = f"{abs(number):f}".partition(".")
    words = _whole_in_words(int(whole))
    if decimals:
        words += " point " + " ".join(ONES[int(digit)] for digit in decimals)
    return f"minus {words}" if number < 0 else words


def _read_out(number: Decimal, number_format: NumberFormat) -> str:
    """``1234 (one thousand two hundred thirty-four)``; past ``PLAIN_DIGITS``, in figures
    only (``1,5e99999`` reads as a number too, not one to say)."""
    figures = number_format.written(number)
    if abs(number.adjusted()) > PLAIN_DIGITS:
        return figures
    return f"{figures} ({spelled(number)})"


def _whole_in_words(number: int) -> str:
    for scale, name in SCALES:
        if number >= scale:
            high, rest = divmod(number, scale)
            tail = f" {_whole_in_words(rest)}" if rest else ""
            return f"{_whole_in_words(high)} {name}{tail}"
    if number >= 100:
        hundreds, rest = divmod(number, 100)
        return f"{ONES[hundreds]} hundred" + (f" {_whole_in_words(rest)}" if rest else "")
    if number >= 20:
        tens, rest = divmod(number, 10)
        return TENS[tens] + (f"-{ONES[rest]}" if rest else "")
    return ONES[number]


def _other_way(text: str, number_format: NumberFormat) -> str:
    """How the other way of writing numbers used its separators in ``text``: ``a decimal
    comma and points between thousands``."""
    other = number_format.other()
    used = []
    if other.decimal_separator in text:
        used.append(f"a decimal {_name(other.decimal_separator)}")
    if other.grouping_separator in text:
        used.append(f"{_name(other.grouping_separator)}s between thousands")
    return in_words(used) or "the other way of writing numbers"


def _name(separator: str) -> str:
    return SEPARATOR_NAMES[separator]
