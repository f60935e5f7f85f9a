"""Load the company's rules from ``rules/``: people, validation limits and the ERP's lists."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from pipeline.adapters.layouts.budget import COLUMN_NAMES
from pipeline.adapters.reading.amounts import DECIMAL_SEPARATORS, NumberFormat
from pipeline.adapters.validation.approval_rules import level_roles, load_delegations, read_toml
from pipeline.adapters.validation.column_names_rules import company_column_names
from pipeline.config_keys import PEOPLE_KEYS, VALIDATION_KEYS
from pipeline.domain.column_names import ColumnNames
from pipeline.domain.erp_lists import ErpLists, Job
from pipeline.domain.erp_profile import ProfileSpec
from pipeline.domain.identifiers import project_key
from pipeline.domain.people import Directory, Person, make_person, name_clashes
from pipeline.domain.summary_figures import SummaryNames, division_names
from pipeline.errors import ConfigError, ErpListUnavailable

TEXT_COLUMNS = ("sub_job", "cost_code", "cost_type", "description", "uom")
DEFAULT_LENGTHS = {"sub_job": 30, "cost_code": 30, "cost_type": 10, "description": 255, "uom": 10}
SEVERITIES = ("error", "warning", "off")


@dataclass(frozen=True)
class ColumnRule:
    """Limits for one text column of the line table."""

    max_length: int
    pattern: re.Pattern[str] | None = None
    erp_length: int | None = None  # the ERP layout's own limit, the formula guard's ' included


@dataclass(frozen=True, kw_only=True)
class ValidationRules:
    """Everything a budget is checked against, from ``rules/validation.toml`` and the lists."""

    allow_negative: bool = True
    negative_cost_codes: tuple[str, ...] = ()
    max_decimals: int = 2
    round_to_cents: bool = True  # False: more than two decimals is refused, not rounded
    unit_tolerance: Decimal = Decimal("0.01")
    number_format: NumberFormat = field(default_factory=NumberFormat)  # numbers typed as text
    columns: dict[str, ColumnRule] = field(
        default_factory=lambda: {name: ColumnRule(n) for name, n in DEFAULT_LENGTHS.items()}
    )
    severity: dict[str, str] = field(default_factory=dict)
    lists: ErpLists = field(default_factory=ErpLists)
    profile: str = ""  # the ERP layout the budget must fit
    profile_sub_jobs: bool = True
    layout: ProfileSpec | None = None  # that layout's fields; None: not known (no checks)
    column_names: ColumnNames = COLUMN_NAMES  # ours, after the company's [column_names]


def apply_profile_limits(rules: ValidationRules, profile: ProfileSpec) -> ValidationRules:
    """Tighten the rules to what the job's ERP layout can hold, so intake refuses what the
    export could not write (a 16-character code for Sage 300, a sub job for Spectrum, or a
    15-character one that starts with ``=`` and takes the formula guard's ``'``); the
    ``layout`` kept for the checks of its job fields, characters and decimals
    (``layout_checks``)."""
    limits = profile.limits()
    columns = {
        name: replace(
            rule,
            max_length=min(rule.max_length, limits.get(name, rule.max_length)),
            erp_length=limits.get(name),
        )
        for name, rule in rules.columns.items()
    }
    return replace(
        rules,
        columns=columns,
        profile=profile.name,
        profile_sub_jobs=profile.sub_jobs,
        layout=profile,
    )


def load_directory(rules_dir: Path) -> Directory:
    """Read ``rules/people.toml`` into a Directory; a missing file means nobody may act."""
    path = rules_dir / "people.toml"
    if not path.is_file():
        raise ConfigError(f"{path} is missing: list the budget admins and accounting approvers")
    data = read_toml(path, PEOPLE_KEYS)
    more_roles = level_roles(rules_dir)
    people = []
    for index, entry in enumerate(data.get("person", []), start=1):
        try:
            people.append(
                make_person(
                    str(entry["name"]),
                    str(entry.get("email", "")),
                    [str(r) for r in entry.get("roles", [])],
                    [str(p) for p in entry.get("projects", ["*"])],
                    bool(entry.get("digest", True)),
                    _accounts(entry.get("accounts", [])),
                    more_roles,
                )
            )
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"{path}: person #{index}: bad or missing {exc}") from exc
    _check_accounts_unshared(path, people)
    if clashes := name_clashes(people):
        earlier, later = clashes[0]
        raise ConfigError(
            f"{path}: {earlier.name!r} and {later.name!r} differ only in case or spacing; "
            "a name typed in a workbook would mean either: give each person a distinct name"
        )
    return Directory(tuple(people), load_delegations(path, data.get("delegation", []), people))


def _accounts(value: Any) -> list[str]:
    if isinstance(value, str) or not all(isinstance(a, str) for a in value):
        raise ValueError("accounts: expected a list of account names, e.g. ['carl']")
    return [str(a) for a in value]


def _check_accounts_unshared(path: Path, people: list[Person]) -> None:
    """One account is one person: a shared account would let either act as the other."""
    owners: dict[str, str] = {}
    for person in people:
        for account in person.accounts:
            if owners.setdefault(account, person.name) != person.name:
                raise ConfigError(
                    f"{path}: the account {account!r} is listed for both "
                    f"{owners[account]} and {person.name}; an account belongs to one person"
                )


def load_validation_rules(rules_dir: Path) -> ValidationRules:
    """Read ``rules/validation.toml`` and the ERP lists; absent keys keep their defaults."""
    path = rules_dir / "validation.toml"
    data = read_toml(path, VALIDATION_KEYS) if path.is_file() else {}
    amount, columns = data.get("amount", {}), data.get("columns", {})
    try:
        severity = {str(k): str(v) for k, v in data.get("severity", {}).items()}
        bad = {k: v for k, v in severity.items() if v not in SEVERITIES}
        if bad:
            raise ValueError(f"[severity] values must be one of {SEVERITIES}: {bad}")
        return ValidationRules(
            allow_negative=bool(amount.get("allow_negative", True)),
            negative_cost_codes=tuple(str(p) for p in amount.get("negative_cost_codes", [])),
            max_decimals=int(amount.get("max_decimals", 2)),
            round_to_cents=_flag(amount, "round_to_cents", True),
            unit_tolerance=Decimal(str(amount.get("unit_tolerance", "0.01"))),
            number_format=_number_format(amount),
            columns={name: _column_rule(name, columns.get(name, {})) for name in TEXT_COLUMNS},
            severity=severity,
            lists=load_erp_lists(rules_dir),
            column_names=company_column_names(data.get("column_names", {})),
        )
    except (TypeError, ValueError, re.error) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _number_format(amount: dict[str, Any]) -> NumberFormat:
    """``decimal_separator`` and ``currency`` of ``[amount]``: a text such as ``1.234,56`` is
    read only against them, so a value that could itself look like a number is refused."""
    separator = amount.get("decimal_separator", ".")
    if separator not in DECIMAL_SEPARATORS:
        raise ValueError(f'decimal_separator must be "." or ",", not {separator!r}')
    currency = amount.get("currency", "$")
    if not isinstance(currency, str) or not currency.strip():
        raise ValueError(
            f'currency must be the sign or code amounts may carry, such as "$", not {currency!r}'
        )
    if currency != currency.strip() or any(
        ch.isnumeric() or ch.isspace() or ch in ".,+-()" for ch in currency
    ):
        raise ValueError(
            f"currency must hold no digit, space, sign, parenthesis or separator: {currency!r}"
        )
    return NumberFormat(separator, currency)


def load_column_names(rules_dir: Path) -> ColumnNames:
    """The names the line table's columns are read under: the company's ``[column_names]``
    of ``rules/validation.toml``, then ours."""
    path = rules_dir / "validation.toml"
    data = read_toml(path, VALIDATION_KEYS) if path.is_file() else {}
    try:
        return company_column_names(data.get("column_names", {}))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def _flag(table: dict[str, Any], key: str, default: bool) -> bool:
    value = table.get(key, default)
    if not isinstance(value, bool):
        raise ValueError(f"{key} must be true or false, not {value!r}")
    return value


def _column_rule(name: str, entry: dict[str, Any]) -> ColumnRule:
    pattern = str(entry.get("pattern", ""))
    return ColumnRule(
        int(entry.get("max_length", DEFAULT_LENGTHS[name])),
        re.compile(pattern) if pattern else None,
    )


def load_erp_lists(rules_dir: Path) -> ErpLists:
    """Read ``jobs.csv``, ``cost_codes.csv`` and ``cost_types.csv``; each one is optional,
    but one that is there with no rows is unavailable (``ErpListUnavailable``), not empty."""
    missing = []
    jobs: dict[str, Job] | None = None
    cost_codes: dict[str, frozenset[str]] | None = None
    cost_types: dict[str, tuple[str, ...]] | None = None
    code_names: dict[str, str] = {}
    type_names: dict[str, str] = {}
    if (rows := _csv(rules_dir / "jobs.csv", "job_number")) is not None:
        jobs = {
            project_key(r["job_number"]): Job(
                r["job_number"],
                r.get("name", ""),
                r.get("status", "open").casefold() != "closed",
                _yes(r.get("sub_jobs_allowed", "yes")),
            )
            for r in rows
        }
    else:
        missing.append("jobs")
    if (rows := _csv(rules_dir / "cost_codes.csv", "cost_code")) is not None:
        company: set[str] = set()
        by_job: dict[str, set[str]] = {}
        for r in rows:
            code_names.setdefault(r["cost_code"], r.get("description", ""))
            job = project_key(r.get("job_number", ""))
            if job:
                by_job.setdefault(r["cost_code"], set()).add(job)
            else:
                company.add(r["cost_code"])
        cost_codes = {code: frozenset() for code in company}
        cost_codes |= {c: frozenset(j) for c, j in by_job.items() if c not in company}
    else:
        missing.append("cost_codes")
    if (rows := _csv(rules_dir / "cost_types.csv", "cost_type")) is not None:
        cost_types = {
            r["cost_type"]: tuple(re.split(r"[;\s|]+", r.get("cost_codes", "").strip()))
            if r.get("cost_codes", "").strip()
            else ()
            for r in rows
        }
        type_names = {r["cost_type"]: r.get("description", "") for r in rows}
    else:
        missing.append("cost_types")
    return ErpLists(
        jobs=jobs,
        cost_codes=cost_codes,
        cost_types=cost_types,
        missing=tuple(missing),
        code_names=code_names,
        type_names=type_names,
    )


def load_summary_names(rules_dir: Path) -> SummaryNames:
    """What ``cost_types.csv`` and ``cost_codes.csv`` call cost types and divisions (a
    division's heading row, ``03`` or ``03-000``, names it); empty where a list is absent."""
    types = _csv(rules_dir / "cost_types.csv", "cost_type") or []
    codes = _csv(rules_dir / "cost_codes.csv", "cost_code") or []
    return SummaryNames(
        {r["cost_type"]: r.get("description", "") for r in types},
        division_names((r["cost_code"], r.get("description", "")) for r in codes),
    )


def _csv(path: Path, key: str) -> list[dict[str, str]] | None:
    if not path.is_file():
        return None
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            rows = [
                {k.strip(): (v or "").strip() for k, v in row.items() if k}
                for row in csv.DictReader(handle)
            ]
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if rows and key not in rows[0]:
        raise ConfigError(f"{path}: the header needs a {key!r} column")
    listed = [row for row in rows if row.get(key)]
    if not listed:  # the ERP truncates the file before it writes it again
        raise ErpListUnavailable(
            f"{path.parent.name}/{path.name} has no rows (being rewritten?): "
            "budgets wait until it lists something"
        )
    return listed


def _rows_if_any(path: Path, key: str) -> list[dict[str, str]]:
    try:
        return _csv(path, key) or []
    except ErpListUnavailable:
        return []


def erp_list_problems(rules_dir: Path) -> list[str]:
    """What keeps the ERP lists from being used now (a list with no rows), for ``status``."""
    try:
        load_erp_lists(rules_dir)
    except (ErpListUnavailable, ConfigError) as exc:
        return [str(exc)]
    return []


def _yes(text: str) -> bool:
    return text.strip().casefold() in ("yes", "y", "true", "1", "x")
