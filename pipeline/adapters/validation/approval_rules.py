"""Load the approval routing from ``rules/``: the levels of ``approval.toml`` (absent: one
level, the accounting approvers) and the delegations of ``people.toml``."""

from __future__ import annotations

import datetime as dt
import tomllib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pipeline.config_keys import APPROVAL_KEYS, Keys, check_keys
from pipeline.domain.approval_route import SINGLE_LEVEL, ApprovalMatrix, Level
from pipeline.domain.delegation import Delegation
from pipeline.domain.people import Person
from pipeline.errors import ConfigError

APPROVAL_FILE = "approval.toml"


def load_matrix(rules_dir: Path, people: tuple[Person, ...] | None = None) -> ApprovalMatrix:
    """The company's approval levels; with ``people``, every person a level names (to
    decide it, or to be told when it waits too long) must be listed."""
    path = rules_dir / APPROVAL_FILE
    if not path.is_file():
        return SINGLE_LEVEL
    data = read_toml(path, APPROVAL_KEYS)
    levels = [_level(path, index, entry) for index, entry in enumerate(data.get("level", []), 1)]
    if not levels:
        raise ConfigError(f"{path}: no [[level]]: remove the file for one accounting level")
    if all(level.conditional for level in levels):
        raise ConfigError(
            f"{path}: every level has a condition, so a budget under every limit would need "
            "no approver: give at least one level no when_... condition"
        )
    names = [level.name.casefold() for level in levels]
    if len(set(names)) != len(names):
        raise ConfigError(f"{path}: two levels share a name; each level needs its own")
    if people is not None:
        _check_named(path, levels, people)
    return ApprovalMatrix(tuple(levels))


def level_roles(rules_dir: Path) -> set[str]:
    """The roles the approval levels name, which ``people.toml`` may then give people."""
    path = rules_dir / APPROVAL_FILE
    if not path.is_file():
        return set()
    data = read_toml(path, APPROVAL_KEYS)
    return {str(entry["role"]) for entry in data.get("level", []) if entry.get("role")}


def load_delegations(
    path: Path, entries: list[dict[str, Any]], people: list[Person]
) -> tuple[Delegation, ...]:
    """``[[delegation]]`` of ``people.toml``: both people listed, whole days, from <= to."""
    found = []
    for index, entry in enumerate(entries, start=1):
        where = f"{path}: delegation #{index}"
        try:
            person, delegate = str(entry["person"]), str(entry["delegate"])
            start, end = entry["from"], entry["to"]
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc}") from exc
        for key, day in (("from", start), ("to", end)):
            if not isinstance(day, dt.date) or isinstance(day, dt.datetime):
                raise ConfigError(
                    f"{where}: {key} = {day!r} is not a date; write a TOML date: {key} = "
                    "2026-12-24 (no quotes)"
                )
        if end < start:
            raise ConfigError(f"{where}: to ({end}) is before from ({start})")
        for role, name in (("person", person), ("delegate", delegate)):
            if not any(p.answers_to(name) for p in people):
                raise ConfigError(f"{where}: {role} {name!r} is not a [[person]] of the file")
        if any(p.answers_to(person) and p.answers_to(delegate) for p in people):
            raise ConfigError(f"{where}: {person} cannot stand in for themselves")
        found.append(Delegation(person, delegate, start, end))
    return tuple(found)


def read_toml(path: Path, known: Keys) -> dict[str, Any]:
    """The file's tables; a key not in ``known`` (a typo) is a ConfigError naming it."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        check_keys(data, known)
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return data


def _level(path: Path, index: int, entry: dict[str, Any]) -> Level:
    where = f"{path}: level #{index}"
    name = str(entry.get("name", "")).strip()
    if not name:
        raise ConfigError(f"{where}: name is missing (it is shown in reviews and emails)")
    role = str(entry.get("role", "")).strip()
    people = entry.get("people", [])
    if isinstance(people, str) or not all(isinstance(p, str) for p in people):
        raise ConfigError(f'{where} ({name}): people = ["Vera Controller"], a list of names')
    if not role and not people:
        raise ConfigError(f'{where} ({name}): say who decides it: role = "..." or people')
    return Level(
        name=name,
        role=role,
        people=tuple(str(p).strip() for p in people),
        when_total_over=_amount(where, entry, "when_total_over"),
        when_change_over=_amount(where, entry, "when_change_over"),
        escalate_to=str(entry.get("escalate_to", "")).strip(),
    )


def _amount(where: str, entry: dict[str, Any], key: str) -> Decimal | None:
    value = entry.get(key)
    if value is None:
        return None
    try:
        if isinstance(value, bool):
            raise InvalidOperation
        amount = Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{where}: {key} = {value!r} is not an amount") from None
    if amount < 0 or not amount.is_finite():
        raise ConfigError(f"{where}: {key} = {value!r} must be an amount of 0 or more")
    return amount


def _check_named(path: Path, levels: list[Level], people: tuple[Person, ...]) -> None:
    for level in levels:
        for name in (*level.people, *([level.escalate_to] if level.escalate_to else [])):
            if not any(p.answers_to(name) for p in people):
                raise ConfigError(
                    f"{path}: level {level.name!r} names {name!r}, who is not a [[person]] "
                    "of rules/people.toml"
                )
        if level.role and not any(level.role in p.roles for p in people):
            raise ConfigError(
                f"{path}: level {level.name!r} is decided by the role {level.role!r}, which "
                "nobody in rules/people.toml holds"
            )
