"""Load the company's rules from ``rules/``: the people file and the validation limits."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline.domain.people import Directory, make_person
from pipeline.errors import ConfigError


@dataclass(frozen=True)
class ValidationRules:
    """Limits a budget must respect, from ``rules/validation.toml``."""

    allow_negative: bool = True
    max_decimals: int = 2
    cost_code_max: int = 30
    cost_type_max: int = 10
    sub_job_max: int = 30
    description_max: int = 255


def load_directory(rules_dir: Path) -> Directory:
    """Read ``rules/people.toml`` into a Directory; a missing file means nobody may act."""
    path = rules_dir / "people.toml"
    if not path.is_file():
        raise ConfigError(f"{path} is missing: list the budget admins and accounting approvers")
    data = _toml(path)
    people = []
    for index, entry in enumerate(data.get("person", []), start=1):
        try:
            people.append(
                make_person(
                    str(entry["name"]),
                    str(entry.get("email", "")),
                    [str(r) for r in entry.get("roles", [])],
                    [str(p) for p in entry.get("projects", ["*"])],
                )
            )
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"{path}: person #{index}: bad or missing {exc}") from exc
    return Directory(tuple(people))


def load_validation_rules(rules_dir: Path) -> ValidationRules:
    """Read ``rules/validation.toml``; absent keys keep their defaults."""
    path = rules_dir / "validation.toml"
    if not path.is_file():
        return ValidationRules()
    data = _toml(path)
    amount, text = data.get("amount", {}), data.get("text", {})
    try:
        return ValidationRules(
            allow_negative=bool(amount.get("allow_negative", True)),
            max_decimals=int(amount.get("max_decimals", 2)),
            cost_code_max=int(text.get("cost_code_max", 30)),
            cost_type_max=int(text.get("cost_type_max", 10)),
            sub_job_max=int(text.get("sub_job_max", 30)),
            description_max=int(text.get("description_max", 255)),
        )
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _toml(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
