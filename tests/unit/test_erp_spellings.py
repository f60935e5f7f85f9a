"""Codes and types as the ERP spells them: case ignored when one entry matches, near misses
suggested with words that fit what was actually missed."""

from __future__ import annotations

from hypothesis import assume, given
from hypothesis import strategies as st

from pipeline.domain.erp_lists import ErpLists, Spellings, pick_entry, picked_code, skeleton
from pipeline.domain.near_misses import differences, in_words, leading_zeros_missing

CODES = Spellings.of(["01-100", "03-300", "09-900", "A-100", "10-110"])


def test_a_listed_value_is_itself() -> None:
    assert CODES.spelling("03-300") == "03-300"


def test_case_is_ignored_and_the_list_spelling_taken() -> None:
    assert CODES.spelling("a-100") == "A-100"
    assert Spellings.of(["M", "L"]).spelling("m") == "M"


def test_only_ascii_case_is_folded_as_for_project_numbers() -> None:
    listed = Spellings.of(["STRASSE", "Ä-1"])
    assert listed.spelling("straße") is None
    assert listed.spelling("ä-1") is None


def test_entries_that_differ_only_in_case_are_not_chosen_between() -> None:
    listed = Spellings.of(["Ab", "aB", "M"])
    assert listed.spelling("ab") is None
    assert listed.case_variants("ab") == ("Ab", "aB")
    assert listed.spelling("aB") == "aB"  # typed exactly as one of them: that one
    assert listed.case_variants("aB") == ()
    assert listed.suggestion("ab") is None


def test_an_unlisted_value_is_no_match() -> None:
    assert CODES.spelling("04-400") is None
    assert CODES.suggestion("04-400") is None
    assert CODES.suggestion("") is None


def test_near_misses_are_suggested() -> None:
    assert CODES.suggestion("3-300") == "03-300"
    assert CODES.suggestion("3300") == "03-300"
    assert CODES.suggestion("03-3OO") == "03-300"
    assert CODES.suggestion("O3.300") == "03-300"
    assert CODES.suggestion("03 300") == "03-300"
    assert CODES.suggestion("l0-1I0") == "10-110"
    assert Spellings.of(["O", "L"]).suggestion("0") == "O"


def test_a_near_miss_of_two_entries_gets_no_suggestion() -> None:
    listed = Spellings.of(["03-300", "033-00"])
    assert listed.suggestion("3300") is None


def test_a_matched_value_gets_no_suggestion() -> None:
    assert CODES.suggestion("a-100") is None


def test_the_words_fit_what_was_missed() -> None:
    def said(typed: str, listed: str) -> str:
        return in_words(differences(typed, listed))

    assert said("3-300", "03-300") == "a leading zero missing"  # never "a lost dash"
    assert said("3300", "03-300") == "a leading zero missing and a dash missing"
    assert said("03300", "03-300") == "a dash missing"
    assert said("03--300", "03-300") == "an extra dash"
    assert said("033-00", "03-300") == "a dash in another place"
    assert said("03 300", "03-300") == "a space for a dash"
    assert said("03.300", "03-300") == "a dot for a dash"
    assert said("003-300", "03-300") == "an extra leading zero"
    assert said("03-3OO", "03-300") == "2 letters O for zeros"
    assert said("O3-300", "03-300") == "a letter O for a zero"
    assert said("I0-1l0", "10-110") == "a letter I for a one and a letter l for a one"
    assert said("0", "O") == "a zero for the letter O"
    assert said("a-100", "A-100") == ""  # case is no miss


def test_leading_zeros_missing_counts_what_excel_drops() -> None:
    assert leading_zeros_missing("3300", "03-300") == 1
    assert leading_zeros_missing("3300", "003-300") == 2
    assert leading_zeros_missing("03300", "03-300") == 0


def test_code_spellings_are_those_usable_on_the_job() -> None:
    lists = ErpLists(cost_codes={"01-100": frozenset(), "ab-5": frozenset({"p-2002"})})
    p1001, p2002 = lists.code_spellings("P-1001"), lists.code_spellings("P-2002")
    assert p1001 is not None and p2002 is not None
    assert p1001.spelling("AB-5") is None
    assert p2002.spelling("AB-5") == "ab-5"
    assert ErpLists().code_spellings("P-1001") is None
    assert ErpLists().type_spellings() is None


codes = st.from_regex(r"[A-Z0-9]{1,4}(-[A-Z0-9]{1,4}){0,2}", fullmatch=True)


@given(st.lists(codes, min_size=1, max_size=30, unique=True), st.data())
def test_any_case_of_a_listed_entry_is_taken_as_listed(
    entries: list[str], data: st.DataObject
) -> None:
    listed = Spellings.of(entries)
    entry = data.draw(st.sampled_from(entries))
    flips = data.draw(st.lists(st.booleans(), min_size=len(entry), max_size=len(entry)))
    typed = "".join(c.swapcase() if flip else c for c, flip in zip(entry, flips, strict=True))
    assert listed.spelling(typed) == entry  # the list is all upper case: never ambiguous


MISSES = {
    "a leading zero missing": lambda code: code[1:],
    "a dash missing": lambda code: code.replace("-", "", 1),
    "a letter O for a zero": lambda code: code.replace("0", "O", 1),
    "a letter l for a one": lambda code: code.replace("1", "l", 1),
    "a space for a dash": lambda code: code.replace("-", " ", 1),
}
digit_codes = st.from_regex(r"0[1-9]-[0-9]{3}", fullmatch=True)


@given(st.lists(digit_codes, min_size=1, max_size=30, unique=True), st.data())
def test_one_slip_in_a_listed_code_is_suggested_in_the_words_of_that_slip(
    entries: list[str], data: st.DataObject
) -> None:
    listed = Spellings.of(entries)
    code = data.draw(st.sampled_from(entries))
    words = data.draw(st.sampled_from(sorted(MISSES)))
    typed = MISSES[words](code)
    assume(typed != code and typed not in entries)
    # unique: no other listed code reads the same once slips are forgiven
    assume(sum(skeleton(e) == skeleton(code) for e in entries) == 1)

    assert listed.suggestion(typed) == code
    assert differences(typed, code) == [words]


def test_the_dropdowns_list_each_code_and_type_with_what_the_erp_calls_it() -> None:
    lists = ErpLists(
        cost_codes={"03-300": frozenset(), "01-100": frozenset(), "05-500": frozenset({"p-2"})},
        cost_types={"M": (), "L": ()},
        code_names={"03-300": "Concrete", "01-100": ""},
        type_names={"L": "Labour", "M": "Material"},
    )
    assert lists.code_entries("P-1") == ["01-100", "03-300 \u2013 Concrete"]  # unnamed: alone
    assert lists.type_entries() == ["L \u2013 Labour", "M \u2013 Material"]


def test_a_picked_entry_gives_its_code_and_other_text_stays_as_it_is() -> None:
    assert picked_code("03-300 \u2013 Concrete \u2013 footings") == "03-300"
    assert picked_code("03-300") == "03-300"
    assert picked_code("03\u2013300") == "03\u2013300"  # no spaces: not a dropdown's entry
    assert picked_code(" \u2013 Concrete") == " \u2013 Concrete"  # no code before the dash


@given(codes, st.text(max_size=40))
def test_the_code_of_any_entry_is_the_code_it_was_written_for(code: str, name: str) -> None:
    assert picked_code(pick_entry(code, name)) == code
