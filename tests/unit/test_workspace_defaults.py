"""The repository is itself a workspace, and its settings, rules and templates are the
packaged defaults `budget-erp init` writes: one source, kept so by this test."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from pipeline.config_keys import PEOPLE_KEYS, SETTINGS_KEYS, VALIDATION_KEYS, Keys, check_keys

REPOSITORY = Path(__file__).parents[2]
DEFAULTS = REPOSITORY / "pipeline" / "workspace_defaults"
PACKAGED = sorted(
    path.relative_to(DEFAULTS)
    for path in DEFAULTS.rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)


def test_the_defaults_are_packaged_at_all() -> None:
    assert Path("budget-erp.toml") in PACKAGED and Path("rules/people.toml") in PACKAGED
    assert len([p for p in PACKAGED if p.parts[0] == "templates"]) >= 20


@pytest.mark.parametrize("relative", PACKAGED, ids=str)
def test_the_repository_workspace_uses_the_packaged_default(relative: Path) -> None:
    # Edit pipeline/workspace_defaults/<file> and copy it here (or the other way round):
    # a new user's `budget-erp init` and the repository's own workspace must not drift.
    assert (REPOSITORY / relative).read_bytes() == (DEFAULTS / relative).read_bytes()


@pytest.mark.parametrize("name", ["jobs.csv", "cost_codes.csv", "cost_types.csv"])
def test_the_repository_sample_erp_lists_are_the_examples_init_writes(name: str) -> None:
    examples = REPOSITORY / "pipeline" / "workspace_examples" / "rules"
    assert (REPOSITORY / "rules" / name).read_bytes() == (examples / name).read_bytes()


def test_the_repository_adds_only_its_sample_erp_lists() -> None:
    own = {
        path.relative_to(REPOSITORY)
        for folder in ("rules", "templates")
        for path in (REPOSITORY / folder).rglob("*")
        if path.is_file()
    }
    extra = own - set(PACKAGED)
    assert extra == {
        Path("rules/jobs.csv"),
        Path("rules/cost_codes.csv"),
        Path("rules/cost_types.csv"),
    }


@pytest.mark.parametrize(
    ("relative", "known"),
    [
        ("budget-erp.toml", SETTINGS_KEYS),
        ("rules/validation.toml", VALIDATION_KEYS),
        ("rules/people.toml", PEOPLE_KEYS),
    ],
)
def test_every_key_of_the_packaged_settings_and_rules_is_known(relative: str, known: Keys) -> None:
    # A setting added to the code and the file but not to pipeline/config_keys.py would stop
    # every workspace at start as an unknown key.
    check_keys(tomllib.loads((DEFAULTS / relative).read_text(encoding="utf-8")), known)
