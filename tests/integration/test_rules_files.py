"""rules/people.toml as the administrator writes it: accounts, and the mistakes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.adapters.validation.rules_files import load_directory, load_summary_names
from pipeline.domain.budget_summary import SummaryNames
from pipeline.errors import ConfigError


def _people(tmp_path: Path, text: str) -> Path:
    (tmp_path / "people.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_accounts_are_read_for_each_person(tmp_path: Path) -> None:
    directory = load_directory(
        _people(
            tmp_path,
            '[[person]]\nname = "Carl"\nroles = ["accounting_approver"]\n'
            'accounts = ["carl", "CORP\\\\carl"]\n',
        )
    )
    assert [p.name for p in directory.by_account("corp\\Carl")] == ["Carl"]


def test_one_account_listed_for_two_people_is_refused(tmp_path: Path) -> None:
    folder = _people(
        tmp_path,
        '[[person]]\nname = "Ada"\naccounts = ["shared"]\n'
        '[[person]]\nname = "Carl"\naccounts = ["SHARED"]\n',
    )
    with pytest.raises(ConfigError, match="listed for both Ada and Carl"):
        load_directory(folder)


def test_accounts_must_be_a_list(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="list of account names"):
        load_directory(_people(tmp_path, '[[person]]\nname = "Ada"\naccounts = "ada"\n'))


def test_the_summary_names_come_from_the_erp_lists_headings_included(tmp_path: Path) -> None:
    (tmp_path / "cost_types.csv").write_text("cost_type,description\nL,Labour\n", "utf-8")
    (tmp_path / "cost_codes.csv").write_text(
        "cost_code,description,job_number\n03,Concrete,\n03-300,Cast,\n09-000,Finishes,\n",
        "utf-8",
    )
    names = load_summary_names(tmp_path)
    assert (dict(names.cost_types), dict(names.divisions)) == (
        {"L": "Labour"},
        {"03": "Concrete", "09": "Finishes"},
    )
    assert load_summary_names(tmp_path / "no lists here") == SummaryNames({}, {})


def test_the_repository_rules_name_every_division_of_their_cost_codes() -> None:
    rules = Path(__file__).parents[2] / "rules"
    names = load_summary_names(rules)
    codes = (rules / "cost_codes.csv").read_text("utf-8").splitlines()[1:]
    assert {line.split("-")[0].split(",")[0] for line in codes} == set(names.divisions)
