"""Numbers the way people type them into a cell, taken only where they can mean one thing.

A number stored as a number is read as it is. A number typed as text is read the way the
workspace writes numbers (``NumberFormat``: its decimal separator and its currency):
``$1,234.50``, ``(500.00)``, ``-500``, ``1 234.50``. A text that the other way of writing
numbers would read otherwise, or that holds another script's digits or another currency, is
not guessed at: ``parse_amount`` gives None and ``why_unread`` says why.
"""

from __future__ import annotations

import functools
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

DECIMAL_SEPARATORS = (".", ",")
# Spaces that group thousands as well as the grouping separator does: plain, no-break, figure,
# thin and narrow no-break (what Excel, LibreOffice and French or SI style put there).
GROUPING_SPACES = " \u00a0\u2007\u2009\u202f"
ASCII_DIGITS = "0123456789"
# Past 10^15 either way a number is written in E notation: a text with an exponent, such as
# 1,5e99999, has a reading too, which written out in full would be 100,000 digits long.
PLAIN_DIGITS = 15


@dataclass(frozen=True, slots=True)
class NumberFormat:
    """How a workspace writes a number as text (``[amount]`` in rules/validation.toml): the
    decimal separator, the other of ``.`` and ``,`` grouping thousands, and its currency."""

    decimal_separator: str = "."
    currency: str = "$"
    # Compiled once per format; an attribute, not a cache look-up, on the path of every text.
    grammar: _Grammar = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "grammar", _Grammar.of(self))

    @property
    def grouping_separator(self) -> str:
        return "," if self.decimal_separator == "." else "."

    def other(self) -> NumberFormat:
        """The other way of writing numbers (``1.234,56`` for ``1,234.56``), same currency."""
        return NumberFormat(self.grouping_separator, self.currency)

    def example(self) -> str:
        """One thousand two hundred thirty-four and fifty-six hundredths, written this way."""
        return f"1{self.grouping_separator}234{self.decimal_separator}56"

    def written(self, number: Decimal) -> str:
        """``number`` written this way, with no grouping: ``1234,5`` for a decimal comma;
        ``1,5E+99999`` past ``PLAIN_DIGITS``."""
        shape = "f" if abs(number.adjusted()) <= PLAIN_DIGITS else "E"
        return format(number, shape).replace(".", self.decimal_separator)


@dataclass(frozen=True, slots=True)
class Unread:
    """Why a text is not taken as a number: a rule of the catalogue, what was found (the
    other script's digits, the other currency), and what the text could mean: for
    ``number.ambiguous`` this workspace's reading then the other one, for
    ``number.separators`` the other way of writing's reading, if it has one."""

    rule: str
    found: str = ""
    readings: tuple[Decimal, ...] = ()
    minus_in_parentheses: bool = False  # number.ambiguous by its sign, not its separators


def parse_amount(value: Any, number_format: NumberFormat) -> Decimal | None:
    """A cell as the number it holds, or None: a number cell as it is, a text only when it
    reads one way (``$1,234.50``, ``(500.00)``, ``-500``; not ``1.234``, ``12,5``)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    return number_format.grammar.read(str(value))


def why_unread(text: str, number_format: NumberFormat) -> Unread | None:
    """Why ``text``, which ``parse_amount`` did not take, is no number here; None when it is
    simply not one (``TBD``, blank): the caller then says "not a number"."""
    text = text.strip()
    strange = [ch for ch in dict.fromkeys(text) if ch.isnumeric() and ch not in ASCII_DIGITS]
    if strange:
        return Unread("number.digits", "".join(strange))
    if sign := _other_currency(text, number_format.currency):
        return Unread("number.currency", sign)
    here, there = number_format.grammar, number_format.other().grammar
    if here.read(text) is not None:
        return None  # it reads (as the cell's own text, before its spaces were tidied)
    unwrapped = here.unwrap(text, minus_in_parentheses=True)
    if unwrapped is not None and unwrapped[1].startswith("("):
        size = here.read(unwrapped[0], ambiguous_too=True)
        if size is not None:
            return Unread(
                "number.ambiguous", readings=(size.copy_negate(), size), minus_in_parentheses=True
            )
    if (reading := here.read(text, ambiguous_too=True)) is not None:
        other = there.read(text)
        return Unread("number.ambiguous", readings=(reading, other) if other is not None else ())
    if (other := there.read(text)) is not None:
        return Unread("number.separators", readings=(other,))
    if unwrapped is not None and re.fullmatch(f"[0-9.,{GROUPING_SPACES}]+", unwrapped[0]):
        return Unread("number.separators")  # digits and separators that fit neither way
    return None


def _other_currency(text: str, currency: str) -> str | None:
    """A currency sign in ``text`` (Unicode's category Sc: ``€ £ ¥ ₹ $``...) that is not the
    workspace's. Letters are not looked at: ``EUR 5`` is simply not a number, and ``40 HRS``
    in a quantity is no currency."""
    rest = text.replace(currency, " ")
    return next((ch for ch in rest if unicodedata.category(ch) == "Sc"), None)


class _Grammar:
    """The texts one ``NumberFormat`` reads, compiled once per format."""

    def __init__(self, number_format: NumberFormat) -> None:
        self.point, self.group = number_format.decimal_separator, number_format.grouping_separator
        self.currency = number_format.currency
        point, group = re.escape(self.point), re.escape(self.group)
        spaces = f"[{GROUPING_SPACES}]"
        # Two digits at most: 1e99 is past any budget already, and 1e999999999 would overflow
        # the arithmetic of the checks after (the Budget Total less the lines).
        exponent = "(?:[eE][+-]?[0-9]{1,2})?"
        ungrouped = f"(?:[0-9]+(?:{point}[0-9]*)?|{point}[0-9]+){exponent}"
        # A thousands separator groups every three digits; a first group of 0 groups nothing.
        by_separator = f"[1-9][0-9]{{0,2}}(?:{group}[0-9]{{3}})+(?:{point}[0-9]*)?"
        by_spaces = f"[1-9][0-9]{{0,2}}(?:{spaces}[0-9]{{3}})+(?:{point}[0-9]*)?"
        self.number = re.compile(f"{ungrouped}|{by_separator}|{by_spaces}")
        # What the other way reads as a whole number with one thousands separator: 1.234
        # with a decimal point (one thousand two hundred thirty-four with a grouping point).
        ambiguous = f"[1-9][0-9]{{0,2}}{point}[0-9]{{3}}"
        self.ambiguous = re.compile(ambiguous)
        # Most texts in one match: 1234.50, -500, $1,234.50, -$1,234.50, ($500), 1,234 (not
        # 1.234, not (-500)).
        self.common = re.compile(
            f"(?:(?P<minus>-)|\\+|(?P<open>\\())?(?:{re.escape(self.currency)})?"
            f"(?!{ambiguous}\\)?\\Z)(?P<number>{ungrouped}|{by_separator})(?(open)\\))"
        )
        self.to_plain = str.maketrans(
            {self.point: ".", self.group: None} | dict.fromkeys(GROUPING_SPACES)
        )

    @staticmethod
    @functools.cache
    def of(number_format: NumberFormat) -> _Grammar:
        return _Grammar(number_format)

    def read(self, text: str, ambiguous_too: bool = False) -> Decimal | None:
        """``text`` as this format reads it; None if it does not, or (unless
        ``ambiguous_too``) if the other way of writing reads it as another number."""
        common = self.common.fullmatch(text)
        if common is not None:
            core, negative = common["number"], bool(common["minus"] or common["open"])
            if self.group in core:  # str.replace: a third of translate's time here
                core = core.replace(self.group, "")
            if self.point != ".":
                core = core.replace(self.point, ".")
        else:
            unwrapped = self.unwrap(text.strip())
            if unwrapped is None or not self.number.fullmatch(unwrapped[0]):
                return None
            core, negative = unwrapped[0], unwrapped[1] == "-"
            if not ambiguous_too and self.ambiguous.fullmatch(core):
                return None
            core = core.translate(self.to_plain)
        try:
            number = Decimal(core)
        except InvalidOperation:  # not expected of what the grammar takes: refuse, not fail
            return None
        # copy_negate: exact, and quiet past any exponent (-x overflows at 1e999999999); 0 stays 0
        return number.copy_negate() if negative and number else number

    def unwrap(self, text: str, minus_in_parentheses: bool = False) -> tuple[str, str] | None:
        """The number inside ``text``'s sign, parentheses and currency (at most one of
        each, the currency before or after), and its sign: ``-``, ``+`` or ``""``, ``-``
        for parentheses. A sign inside parentheses is no reading (``(-500)``: minus five
        hundred, or minus minus?), but ``(-`` with ``minus_in_parentheses``."""
        text, signs = self._without_currency(text)
        parentheses = text.startswith("(") and text.endswith(")")
        if parentheses:
            text, more = self._without_currency(text[1:-1].strip())
            signs += more
        sign = ""
        if text[:1] in ("-", "+"):
            sign, text = text[0], text[1:].lstrip()
            text, more = self._without_currency(text)  # -$500
            signs += more
        if signs > 1 or not text:
            return None
        if parentheses and sign:
            return (text, "(" + sign) if minus_in_parentheses else None
        return text, "-" if parentheses else sign

    def _without_currency(self, text: str) -> tuple[str, int]:
        if text.startswith(self.currency):
            return text[len(self.currency) :].lstrip(), 1
        if text.endswith(self.currency):
            return text[: -len(self.currency)].rstrip(), 1
        return text, 0
