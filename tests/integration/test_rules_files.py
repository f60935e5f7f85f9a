"""rules/ as the administrator writes it: people.toml's accounts, validation.toml's own
column names, the ERP lists' names, and the mistakes refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.adapters.validation.rules_files import (
    load_column_names,
    load_directory,
    load_summary_names,
    load_validation_rules,
)
from pipeline.domain.summary_figures import SummaryNames
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


def _validation(tmp_path: Path, text: str) -> Path:
    (tmp_path / "validation.toml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_companys_column_names_come_before_ours(tmp_path: Path) -> None:
    folder = _validation(
        tmp_path, '[column_names]\n"Unit" = "unit_cost"\n"Menge" = "unit_qty"\nNotes = "ignore"\n'
    )
    for names in (load_column_names(folder), load_validation_rules(folder).column_names):
        assert (names.field_of("UNIT"), names.field_of("menge"), names.field_of("notes")) == (
            "unit_cost",
            "unit_qty",
            "ignore",
        )
        assert [n.text for n in names.of_field("unit_cost")][:2] == ["Unit", "Unit Cost"]
        assert [n.company for n in names.names[:3]] == [True, True, True]
    assert load_column_names(tmp_path / "no rules here").field_of("Unit") == "uom"


@pytest.mark.parametrize(
    ("text", "refusal"),
    [
        ('"Menge" = "quantity"', r"'Menge' = 'quantity': the field must be one of sub_job, "),
        ('"Unit" = "uom"\n"U N I T" = "unit_cost"', r"'Unit' and 'U N I T' are one name"),
        ('"--" = "amount"', r"'--': a name needs a letter or a digit"),
        ('"Menge" = 3', r"'Menge' = 3: the field must be one of"),
    ],
)
def test_column_names_that_cannot_be_read_are_refused(
    tmp_path: Path, text: str, refusal: str
) -> None:
    folder = _validation(tmp_path, f"[column_names]\n{text}\n")
    for load in (load_column_names, load_validation_rules):
        with pytest.raises(ConfigError, match=f"validation.toml: \\[column_names\\] {refusal}"):
            load(folder)


def test_column_names_must_be_a_table(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"\[column_names\] must be a table"):
        load_column_names(_validation(tmp_path, 'column_names = ["Menge"]\n'))
