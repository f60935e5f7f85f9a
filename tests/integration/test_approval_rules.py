"""rules/approval.toml and the delegations of people.toml, as files a person writes: what is
taken, and every mistake refused with a message naming the file and what to write."""

from __future__ import annotations

import textwrap
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.validation.approval_rules import load_matrix
from pipeline.adapters.validation.rules_files import load_directory
from pipeline.domain.approval_route import SINGLE_LEVEL
from pipeline.domain.delegation import Delegation
from pipeline.errors import ConfigError

PEOPLE = """
[[person]]
name = "Carl Accountant"
email = "carl@example.com"
roles = ["accounting_approver"]

[[person]]
name = "Vera Controller"
email = "vera@example.com"
roles = ["controller"]
"""
TWO_LEVELS = """
[[level]]
name = "Accounting"
role = "accounting_approver"

[[level]]
name = "Controller"
role = "controller"
when_total_over = 1_000_000
when_change_over = 100_000.50
escalate_to = "Carl Accountant"
"""


def _rules(tmp_path: Path, approval: str | None, people: str = PEOPLE) -> Path:
    (tmp_path / "people.toml").write_text(people, encoding="utf-8")
    if approval is not None:
        (tmp_path / "approval.toml").write_text(approval, encoding="utf-8")
    return tmp_path


def test_no_approval_file_is_one_accounting_level(tmp_path: Path) -> None:
    rules = _rules(tmp_path, None, PEOPLE.replace('["controller"]', "[]"))

    assert load_matrix(rules, load_directory(rules).people) == SINGLE_LEVEL


def test_levels_are_read_in_order_with_their_limits_and_new_roles(tmp_path: Path) -> None:
    rules = _rules(tmp_path, TWO_LEVELS)

    matrix = load_matrix(rules, load_directory(rules).people)

    accounting, controller = matrix.levels
    assert (accounting.name, accounting.role, accounting.conditional) == (
        "Accounting",
        "accounting_approver",
        False,
    )
    assert (controller.when_total_over, controller.when_change_over) == (
        Decimal(1_000_000),
        Decimal("100000.5"),
    )
    assert controller.escalate_to == "Carl Accountant"
    assert "controller" in load_directory(rules).find("Vera Controller").roles  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("approval", "message"),
    [
        (
            '[[level]]\nname = "Big"\nrole = "accounting_approver"\nwhen_total_over = 5\n',
            "every level has a condition, so a budget under every limit would need no approver",
        ),
        ('[[level]]\nname = "A"\npeople = ["Nobody Here"]\n', "names 'Nobody Here', who is not"),
        ('[[level]]\nname = "A"\nrole = "cfo"\n', "the role 'cfo', which nobody"),
        ('[[level]]\nname = "A"\n', 'say who decides it: role = "..." or people'),
        (
            '[[level]]\nname = "A"\nrole = "accounting_approver"\nwhen_totl_over = 5\n',
            "when_totl_over",
        ),
        (
            '[[level]]\nname = "A"\nrole = "accounting_approver"\n'
            '[[level]]\nname = "B"\npeople = ["Carl Accountant"]\nwhen_total_over = -1\n',
            "must be an amount of 0 or more",
        ),
        (
            '[[level]]\nname = "A"\nrole = "accounting_approver"\n'
            '[[level]]\nname = "a"\nrole = "accounting_approver"\n',
            "two levels share a name",
        ),
    ],
)
def test_a_matrix_that_cannot_work_is_refused_naming_the_file(
    tmp_path: Path, approval: str, message: str
) -> None:
    rules = _rules(tmp_path, approval, PEOPLE.replace('["controller"]', "[]"))

    with pytest.raises(ConfigError, match=r"approval\.toml") as raised:
        load_matrix(rules, load_directory(rules).people)

    assert message in str(raised.value)


def test_a_role_neither_built_in_nor_named_by_a_level_is_a_typo(tmp_path: Path) -> None:
    rules = _rules(tmp_path, None)  # "controller" is no level's role here

    with pytest.raises(ConfigError, match="role 'controller'"):
        load_directory(rules)


DELEGATION = """
[[delegation]]
person = "Carl Accountant"
delegate = "Vera Controller"
from = {start}
to = {end}
"""


def test_a_delegation_runs_whole_days_between_its_dates(tmp_path: Path) -> None:
    rules = _rules(
        tmp_path, TWO_LEVELS, PEOPLE + DELEGATION.format(start="2026-12-24", end="2027-01-02")
    )

    [delegation] = load_directory(rules).delegations

    assert delegation == Delegation(
        "Carl Accountant", "Vera Controller", date(2026, 12, 24), date(2027, 1, 2)
    )
    assert delegation.in_force(date(2027, 1, 2)) and not delegation.in_force(date(2027, 1, 3))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ('"2026-12-24"', "2027-01-02", "is not a date; write a TOML date"),
        ("2026-12-24", "2026-12-20", "to (2026-12-20) is before from (2026-12-24)"),
        ("2026-12-24T09:00:00", "2026-12-30", "is not a date"),
    ],
)
def test_a_delegation_that_cannot_run_is_refused(
    tmp_path: Path, start: str, end: str, message: str
) -> None:
    rules = _rules(tmp_path, TWO_LEVELS, PEOPLE + DELEGATION.format(start=start, end=end))

    with pytest.raises(ConfigError, match=r"people\.toml: delegation #1") as raised:
        load_directory(rules)

    assert message in str(raised.value)


def test_a_delegate_must_be_listed(tmp_path: Path) -> None:
    people = PEOPLE + DELEGATION.format(start="2026-12-24", end="2026-12-30").replace(
        "Vera Controller", "Nora Nobody"
    )

    with pytest.raises(ConfigError, match="delegate 'Nora Nobody' is not a"):
        load_directory(_rules(tmp_path, TWO_LEVELS, people))


def _readme_block(first_line: str) -> str:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    blocks = [b.split("```", 1)[0] for b in readme.split("```toml\n")[1:]]
    [block] = [textwrap.dedent(b) for b in blocks if b.lstrip().startswith(first_line)]
    return block


def test_the_readmes_matrix_and_delegation_load_as_written(tmp_path: Path) -> None:
    people = "".join(
        f'[[person]]\nname = "{name}"\nemail = "x{n}@example.com"\nroles = {roles}\n'
        for n, (name, roles) in enumerate(
            [
                ("Carl Accountant", '["accounting_approver"]'),
                ("Vera Controller", "[]"),
                ("Carla CFO", "[]"),
                ("Dana Delegate", "[]"),
            ]
        )
    )
    delegation = _readme_block("[[delegation]]")
    rules = _rules(tmp_path, _readme_block("# rules/approval.toml"), people + delegation)

    matrix = load_matrix(rules, load_directory(rules).people)

    assert [level.name for level in matrix.levels] == ["Accounting", "Controller"]
    route = matrix.route(Decimal("1200000"), None)
    assert route.levels[1].why == "total 1,200,000.00 over 1,000,000.00"
    assert [d.describe() for d in load_directory(rules).delegations] == [
        "Dana Delegate for Carl Accountant, 2026-12-21 to 2027-01-02"
    ]
