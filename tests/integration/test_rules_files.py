"""rules/people.toml as the administrator writes it: accounts, and the mistakes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.adapters.validation.rules_files import load_directory
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
