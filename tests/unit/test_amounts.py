"""Numbers typed as text are taken only where they read one way, under the workspace's
decimal separator and currency; numbers stored as numbers are read as they are."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from pipeline.adapters.reading.amounts import NumberFormat, Unread, parse_amount, why_unread

POINT, COMMA = NumberFormat("."), NumberFormat(",")
FORMATS = st.builds(
    NumberFormat, st.sampled_from([".", ","]), st.sampled_from(["$", "€", "£", "CHF"])
)
SPACES = [" ", "\u00a0", "\u202f", "\u2009"]  # plain, no-break, narrow no-break, thin
# Decimal digits of other scripts, each worth what it looks like it is, or not.
OTHER_DIGITS = st.characters(categories=["Nd"]).filter(lambda ch: not ch.isascii())


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$1,234.50", Decimal("1234.50")),
        ("1,234.56", Decimal("1234.56")),
        ("1234.56", Decimal("1234.56")),
        ("1,234", Decimal("1234")),  # the workspace's own thousands separator
        ("1,234,567.89", Decimal("1234567.89")),
        ("1,234.567", Decimal("1234.567")),  # the comma settles what the point is
        ("1234.567", Decimal("1234.567")),  # no thousands separator could make it 1234567
        ("0.125", Decimal("0.125")),  # nor a first group of 0
        ("1 234.50", Decimal("1234.50")),
        ("1\u00a0234\u00a0567", Decimal("1234567")),
        ("(500.00)", Decimal("-500.00")),
        ("-500", Decimal("-500")),
        ("+500", Decimal("500")),
        ("-$500", Decimal("-500")),
        ("$-500", Decimal("-500")),
        ("($500)", Decimal("-500")),
        ("500 $", Decimal("500")),
        (" $ 7 ", Decimal("7")),
        (".5", Decimal("0.5")),
        ("1e3", Decimal("1000")),
        ("-1.5E-99", Decimal("-1.5E-99")),
        ("1e100", None),  # an exponent of two digits at most: 1e999999999 overflows sums
        ("-1e999999999", None),
        ("(0)", Decimal("0")),
        ("-12345678901234567890123456789.5", Decimal("-12345678901234567890123456789.5")),
        (1234.5, Decimal("1234.5")),
        (0.1, Decimal("0.1")),  # a float through its repr, not its binary tail
        (42, Decimal("42")),
        ("abc", None),
        ("", None),
        ("  ", None),
        ("1.2.3", None),
        ("$$5", None),
        ("5 $ $", None),
        ("(-500)", None),
        ("(500", None),
        ("1 2", None),
        (True, None),
        (False, None),
        (float("nan"), None),
        (float("inf"), None),
    ],
)
def test_what_a_workspace_writing_decimal_points_takes(value: Any, expected: Any) -> None:
    assert parse_amount(value, POINT) == expected


@pytest.mark.parametrize(
    ("text", "rule", "readings"),
    [
        ("12,5", "number.separators", ("12.5",)),
        ("1.234,56", "number.separators", ("1234.56",)),
        ("1.234.567", "number.separators", ("1234567",)),
        ("0,5", "number.separators", ("0.5",)),
        ("12,34,5", "number.separators", ()),
        ("1.234", "number.ambiguous", ("1.234", "1234")),
        ("-12.345", "number.ambiguous", ("-12.345", "-12345")),
        ("$999.999", "number.ambiguous", ("999.999", "999999")),
        ("(-500)", "number.ambiguous", ("-500", "500")),
        ("(-1.234)", "number.ambiguous", ("-1.234", "1.234")),
        ("1\u06605", "number.digits", ()),  # an Arabic-Indic zero: it looks like a point
        ("\uff11\uff12\uff13", "number.digits", ()),  # fullwidth
        ("€1,234.56", "number.currency", ()),
        ("1,234.56 £", "number.currency", ()),
        ("¥500", "number.currency", ()),
    ],
)
def test_what_it_refuses_and_why(text: str, rule: str, readings: tuple[str, ...]) -> None:
    assert parse_amount(text, POINT) is None
    unread = why_unread(text, POINT)
    assert unread is not None and unread.rule == rule
    assert unread.readings == tuple(Decimal(r) for r in readings)


def test_zero_in_parentheses_or_with_a_minus_is_zero_not_minus_zero() -> None:
    for text in ("(0)", "-0", "(0.00)", "-$0.00"):
        number = parse_amount(text, POINT)
        assert number is not None and not number.is_signed(), text


def test_the_issues_examples_read_one_way_under_a_decimal_comma() -> None:
    assert parse_amount("12,5", COMMA) == Decimal("12.5")
    assert parse_amount("1.234,56", COMMA) == Decimal("1234.56")
    assert parse_amount("1.234", COMMA) == Decimal("1234")
    assert parse_amount("1 234,56 €", NumberFormat(",", "€")) == Decimal("1234.56")
    for text in ("1,234.56", "1234.56", "1,234"):
        assert parse_amount(text, COMMA) is None
    assert why_unread("1,234", COMMA) == Unread(
        "number.ambiguous", readings=(Decimal("1.234"), Decimal("1234"))
    )
    assert why_unread("1.234,56 $", NumberFormat(",", "€")) == Unread("number.currency", "$")


def test_a_workspace_currency_is_the_only_one_taken() -> None:
    francs = NumberFormat(".", "CHF")
    assert parse_amount("CHF 1,234.50", francs) == Decimal("1234.50")
    assert parse_amount("1,234.50 CHF", francs) == Decimal("1234.50")
    assert why_unread("$1,234.50", francs) == Unread("number.currency", "$")
    assert why_unread("(€5)", francs) == Unread("number.currency", "€")
    for text in ("EUR 5", "40 HRS"):  # letters are no currency: simply not a number
        assert why_unread(text, francs) is None


def test_a_text_that_is_no_number_has_no_reason_beyond_that() -> None:
    for text in ("TBD", "forty five k", "", "n/a", "$$5"):
        assert why_unread(text, POINT) is None


@st.composite
def typed(draw: st.DrawFn) -> tuple[NumberFormat, Decimal, str]:
    """A number and the text a person of a workspace types for it: with or without
    thousands separators (the format's or a space), a currency before or after, a minus or
    parentheses, a plus."""
    number_format = draw(FORMATS)
    places = draw(st.integers(0, 4))
    number = draw(st.decimals(-(10**12), 10**12, places=places))
    whole, _, decimals = f"{abs(number):f}".partition(".")
    grouping = draw(st.sampled_from(["", number_format.grouping_separator, *SPACES]))
    if grouping:
        whole = f"{int(whole):,}".replace(",", grouping)
    text = whole + (number_format.decimal_separator + decimals if decimals else "")
    space = draw(st.sampled_from(["", " "]))
    text = draw(
        st.sampled_from(
            [
                text,
                f"{number_format.currency}{space}{text}",
                f"{text}{space}{number_format.currency}",
            ]
        )
    )
    if number < 0:
        text = draw(st.sampled_from([f"-{text}", f"({text})"]))
    elif draw(st.booleans()):
        text = f"+{text}"
    return number_format, number, text


@settings(max_examples=300)
@given(typed())
@example((POINT, Decimal("1.234"), "1.234"))
@example((POINT, Decimal("-1.234"), "(1.234)"))
@example((COMMA, Decimal("-12.345"), "($12,345)"))
@example((COMMA, Decimal("1.234"), "1,234"))
def test_a_number_typed_the_workspaces_way_reads_back_or_is_refused_as_ambiguous(
    case: tuple[NumberFormat, Decimal, str],
) -> None:
    number_format, number, text = case
    whole, _, decimals = f"{abs(number):f}".partition(".")
    # The one shape another way of writing reads as a whole number: 1.234 (1234, grouped).
    ambiguous = 1 <= int(whole) <= 999 and len(decimals) == 3

    taken = parse_amount(text, number_format)

    if ambiguous:
        assert taken is None
        unread = why_unread(text, number_format)
        assert unread is not None and unread.rule == "number.ambiguous"
        sign = -1 if number < 0 else 1
        assert unread.readings == (number, sign * Decimal(whole + decimals))
    else:
        assert taken == number


@st.composite
def number_like(draw: st.DrawFn) -> str:
    """Runs of digits joined by points, commas and spaces, maybe signed, in parentheses or
    with a currency: texts that look like numbers one way of writing or the other."""
    runs = draw(st.lists(st.from_regex(r"[0-9]{1,4}", fullmatch=True), min_size=1, max_size=4))
    joints = draw(st.lists(st.sampled_from([".", ",", " "]), min_size=3, max_size=3))
    text = "".join(run + joint for run, joint in zip(runs[:-1], joints, strict=False)) + runs[-1]
    before = draw(st.sampled_from(["", "-", "+", "(", "$", "-$", "(-", "€"]))
    after = draw(st.sampled_from(["", ")", " $", "€"]))
    return before + text + after


@settings(max_examples=500)
@given(FORMATS, number_like())
@example(POINT, "12,5")
@example(COMMA, "12.5")
@example(POINT, "1,234")
@example(POINT, "1.234")
@example(COMMA, "1.234")
def test_no_text_is_taken_as_two_numbers_by_the_two_ways_of_writing(
    number_format: NumberFormat, text: str
) -> None:
    here = parse_amount(text, number_format)
    there = parse_amount(text, number_format.other())
    assert here is None or there is None or here == there
    unread = why_unread(text, number_format) if here is None else None
    if unread and unread.rule == "number.ambiguous" and not unread.minus_in_parentheses:
        mine, other = unread.readings  # refused: this way reads it, the other otherwise
        assert mine != other


@given(typed(), OTHER_DIGITS, st.data())
def test_a_digit_of_another_script_is_refused_naming_it(
    case: tuple[NumberFormat, Decimal, str], digit: str, data: st.DataObject
) -> None:
    number_format, _, text = case
    places = [i for i, ch in enumerate(text) if ch in "0123456789"]
    at = data.draw(st.sampled_from(places))
    changed = text[:at] + digit + text[at + 1 :]

    assert parse_amount(changed, number_format) is None
    assert why_unread(changed, number_format) == Unread("number.digits", digit)


@given(
    typed(),
    st.characters(categories=["Sc"]),
    st.booleans(),
)
def test_another_currencys_sign_is_refused_naming_it(
    case: tuple[NumberFormat, Decimal, str], sign: str, before: bool
) -> None:
    number_format, number, _ = case
    if sign == number_format.currency:
        sign = "€" if number_format.currency != "€" else "£"
    text = f"{sign}{abs(number):f}" if before else f"{abs(number):f} {sign}"

    assert parse_amount(text, number_format) is None
    assert why_unread(text, number_format) == Unread("number.currency", sign)


def test_superscripts_and_fractions_are_no_digits() -> None:
    for text in ("1²", "½", "Ⅻ"):
        assert parse_amount(text, POINT) is None
        unread = why_unread(text, POINT)
        assert unread is not None and unread.rule == "number.digits", text
        assert all(unicodedata.numeric(ch) is not None for ch in unread.found)
