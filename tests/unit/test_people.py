"""Who may act: the people directory, by name or email, role and project."""

from __future__ import annotations

import pytest

from pipeline.domain.people import Directory, Role, make_person, name_clashes

ADA = make_person("Ada Admin", "ada@example.com", ["budget_admin"], ["*"])
BOB = make_person("Bob Builder", "bob@example.com", ["budget_admin"], ["P-OTHER"])
CARL = make_person("Carl Accountant", "carl@example.com", ["accounting_approver"], ["*"])
DANA = make_person(
    "Dana Both", "dana@example.com", ["budget_admin", "accounting_approver"], ["P-1001"]
)
PEOPLE = Directory((ADA, BOB, CARL, DANA))


@pytest.mark.parametrize(
    "identity", ["Ada Admin", "  ada   ADMIN ", "ADA@Example.COM", " ada@example.com\t"]
)
def test_authorised_by_name_or_email_ignoring_case_and_spaces(identity: str) -> None:
    assert PEOPLE.authorised(identity, Role.BUDGET_ADMIN, "P-1001") is ADA


@pytest.mark.parametrize("identity", ["", "   ", "Ada", "AdaAdmin", "nobody@example.com"])
def test_unknown_identities_are_refused(identity: str) -> None:
    assert PEOPLE.authorised(identity, Role.BUDGET_ADMIN, "P-1001") is None


@pytest.mark.parametrize("project", ["P-1001", "P-OTHER", "anything at all"])
def test_star_covers_every_project(project: str) -> None:
    assert PEOPLE.authorised("carl@example.com", Role.ACCOUNTING_APPROVER, project) is CARL


def test_role_on_another_project_is_refused() -> None:
    assert PEOPLE.authorised("Bob Builder", Role.BUDGET_ADMIN, "P-1001") is None
    assert PEOPLE.authorised("Bob Builder", Role.BUDGET_ADMIN, " p-other ") is BOB
    assert PEOPLE.authorised("Dana Both", Role.ACCOUNTING_APPROVER, "P-OTHER") is None


def test_scoping_folds_ascii_case_and_nothing_else() -> None:
    masse = make_person("M", "m@example.com", ["budget_admin"], ["MASSE-1"])
    directory = Directory((masse,))
    assert directory.authorised("M", Role.BUDGET_ADMIN, "masse-1") is masse
    assert directory.authorised("M", Role.BUDGET_ADMIN, "MAßE-1") is None  # another ERP job
    assert directory.authorised("M", Role.BUDGET_ADMIN, "\uff2dASSE-1") is None  # full-width M


def test_role_not_held_is_refused() -> None:
    assert PEOPLE.authorised("Carl Accountant", Role.BUDGET_ADMIN, "P-1001") is None
    assert PEOPLE.authorised("Ada Admin", Role.ACCOUNTING_APPROVER, "P-1001") is None


def test_holders_in_file_order() -> None:
    assert PEOPLE.holders(Role.BUDGET_ADMIN, "P-1001") == [ADA, DANA]
    assert PEOPLE.holders(Role.ACCOUNTING_APPROVER, "P-1001") == [CARL, DANA]
    assert PEOPLE.holders(Role.BUDGET_ADMIN, "P-OTHER") == [ADA, BOB]
    assert PEOPLE.holders(Role.ACCOUNTING_APPROVER, "P-9") == [CARL]


def test_unknown_role_raises() -> None:
    with pytest.raises(ValueError):
        make_person("X", "x@example.com", ["superuser"], ["*"])


@pytest.mark.parametrize("twin", ["carl accountant", " Carl  Accountant ", "CARL\tACCOUNTANT"])
def test_names_differing_only_in_case_or_spacing_clash(twin: str) -> None:
    other = make_person(twin, "carl2@example.com", ["budget_admin"], ["*"])
    assert name_clashes([ADA, CARL, other]) == [(CARL, other)]


def test_distinct_names_do_not_clash() -> None:
    assert name_clashes(PEOPLE.people) == []
