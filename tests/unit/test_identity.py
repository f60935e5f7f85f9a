"""Who saved a file and who may decide: accounts, the owner policy, segregation of duties,
and the marks that tie a review workbook to the version it was issued for."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.identity import (
    IdentityPolicy,
    OwnerMode,
    owner_problem,
    self_approval_problem,
)
from pipeline.domain.names import project_stem
from pipeline.domain.people import Directory, make_person
from pipeline.domain.review import ReviewIssue, ReviewMarks

CARL = make_person(
    "Carl Accountant", "carl@example.com", ["accounting_approver"], ["*"], True, ["CORP\\carl"]
)
ADA = make_person("Ada Admin", "ada@example.com", ["budget_admin"], ["*"], True, ["ada"])
NOBODY = make_person("Nora Noaccount", "nora@example.com", ["accounting_approver"], ["*"])
REQUIRE = IdentityPolicy(OwnerMode.REQUIRE)


@pytest.mark.parametrize("account", ["CORP\\carl", "corp\\CARL", " CORP\\carl "])
def test_accounts_match_as_windows_compares_them(account: str) -> None:
    assert CARL.has_account(account)
    assert Directory((ADA, CARL)).by_account(account) == [CARL]


@pytest.mark.parametrize("account", ["", "carl", "CORP\\carl2", "OTHER\\carl"])
def test_other_accounts_are_not_the_persons(account: str) -> None:
    assert not CARL.has_account(account)


def test_account_names_are_not_folded_into_each_other() -> None:
    strasse = make_person("S", "s@x", [], ["*"], True, ["straße"])
    assert not strasse.has_account("strasse")


def test_require_names_both_the_account_and_the_person() -> None:
    problem = owner_problem(REQUIRE, CARL, "mallory", "the Approver cell")
    assert "'mallory'" in problem and "Carl Accountant" in problem and "corp\\carl" in problem
    assert owner_problem(REQUIRE, CARL, "corp\\carl", "the Approver cell") == ""


def test_a_file_owned_by_budget_erps_own_account_hints_at_a_collapsed_mapping() -> None:
    problem = owner_problem(REQUIRE, CARL, "budget", "the Approver cell", own_account="budget")
    assert "the share may map every user to one account" in problem
    assert "share may map" not in owner_problem(REQUIRE, CARL, "eve", "x", own_account="budget")


def test_require_tells_when_the_person_lists_no_account() -> None:
    assert "has no accounts listed" in owner_problem(REQUIRE, NOBODY, "nora", "Approver")


@pytest.mark.parametrize("mode", [OwnerMode.RECORD, OwnerMode.OFF])
def test_record_and_off_never_refuse_for_the_owner(mode: OwnerMode) -> None:
    assert owner_problem(IdentityPolicy(mode), CARL, "mallory", "the Approver cell") == ""


def test_the_sender_may_not_decide_unless_allowed() -> None:
    assert "cannot also decide it" in self_approval_problem(
        IdentityPolicy(), CARL, "Carl Accountant", None, 2
    )
    allowed = IdentityPolicy(self_approval=True)
    assert self_approval_problem(allowed, CARL, "Carl Accountant", None, 2) == ""


def test_a_save_under_the_senders_account_is_the_sender_deciding() -> None:
    problem = self_approval_problem(IdentityPolicy(), CARL, "Ada Admin", ADA, 1)
    assert "saved under an account of Ada Admin" in problem
    off = IdentityPolicy(OwnerMode.OFF)
    assert self_approval_problem(off, CARL, "Ada Admin", ADA, 1) == ""


ISSUE = ReviewIssue(
    token="t1",
    project_number="P-1",
    version=2,
    review_file="P-1_v2_review.xlsx",
    sha256="0" * 64,
    issued_at=datetime(2026, 3, 2, tzinfo=UTC),
)


@pytest.mark.parametrize(
    ("tokens", "why"),
    [
        (("t1", "t1"), ""),
        (("t1", ""), ""),  # an application that drops custom properties keeps the sheet
        (("", "t1"), ""),
        (("", ""), "no review identifier"),
        (("t2", "t2"), "not the review workbook issued"),
        (("t1", "t2"), "disagree"),
    ],
)
def test_review_marks_must_name_the_issue(tokens: tuple[str, str], why: str) -> None:
    found = ReviewMarks(tokens).mismatch(ISSUE)
    assert (why in found) if why else found == ""


def _fold(text: str) -> str:
    """How SQLite's NOCASE (our budget key) compares: ASCII letters only."""
    return text.translate(str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz"))


@given(st.text(min_size=1, max_size=40), st.text(min_size=1, max_size=40))
def test_two_budgets_never_share_a_file_name_stem(first: str, second: str) -> None:
    # Two budgets are two Project Numbers that differ under NOCASE; a share may ignore case.
    if _fold(first) != _fold(second):
        assert project_stem(first).lower() != project_stem(second).lower()


def test_a_number_that_mimics_another_numbers_stem_gets_its_own() -> None:
    lookalike = f"J_100-{hashlib.sha256(b'J/100').hexdigest()[:8]}"
    assert project_stem("J/100") == lookalike
    assert project_stem(lookalike) != lookalike
    assert project_stem("P-1001") == "P-1001"  # a plain number stays as people know it
