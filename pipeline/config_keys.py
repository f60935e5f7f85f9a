"""The keys ``budget-erp.toml`` and ``rules/*.toml`` may hold. A key we do not know is a
typo (``self_aproval = true``) that would change nothing, silently: it stops the start,
naming the key and the nearest known one."""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Mapping
from typing import Any

from pipeline.domain.rule_catalog import RULES

# A table's known keys: a value's key maps to None, a table's to its own keys, an array of
# tables' to a one-item list of its keys, a table whose keys are the user's own to OWN_KEYS.
OWN_KEYS = "own keys"
_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
Keys = Mapping[str, Any]

SETTINGS_KEYS: Keys = {
    "folders": dict.fromkeys(
        (
            "inbox",
            "approval",
            "rejected",
            "current",
            "outbox",
            "archive",
            "mail",
            "rules",
            "templates",
        )
    ),
    # backup_hours, backup_keep: issue 24's state backups (item 5).
    "state": dict.fromkeys(("database", "url", "lease_seconds", "backup_hours", "backup_keep")),
    "watch": dict.fromkeys(
        (
            "mode",
            "settle_seconds",
            "incomplete_seconds",
            "scan_interval_seconds",
            "poll_interval_seconds",
        )
    ),
    "limits": dict.fromkeys(
        (
            "max_workbook_mb",
            "max_zip_entries",
            "max_uncompressed_mb",
            "max_compression_ratio",
            "isolate_parsing",
            "parse_seconds",
            "parse_memory_mb",
            "parse_workers",
            "max_result_kb",
        )
    ),
    "resend": dict.fromkeys(("unchanged_flagged_lines",)),
    "identity": dict.fromkeys(("file_owner", "self_approval")),
    "mail": dict.fromkeys(
        ("transport", "from", "host", "port", "starttls", "ssl", "timeout_seconds", "max_attempts")
    ),
    "notify": dict.fromkeys(
        (
            "summary_time",
            "time_zone",
            "reminders",
            "overdue_days",
            "workdays",
            "holidays",
            "summary_grace_minutes",
            "escalate_after_days",
        )
    ),
    "status": dict.fromkeys(("page", "url", "refresh_minutes")),
    # Issue 27's retention (``budget-erp prune``).
    "retention": dict.fromkeys(("archive_days", "events_days", "mail_days", "reviews_days")),
    "export": {"profile": None, "done_marker": None, "results": None, "jobs": OWN_KEYS},
}
_COLUMN = dict.fromkeys(("max_length", "pattern"))
VALIDATION_KEYS: Keys = {
    "amount": dict.fromkeys(
        (
            "allow_negative",
            "negative_cost_codes",
            "max_decimals",
            "round_to_cents",
            "unit_tolerance",
            "decimal_separator",
            "currency",
        )
    ),
    "columns": dict.fromkeys(("sub_job", "cost_code", "cost_type", "description", "uom"), _COLUMN),
    "severity": dict.fromkeys(RULES),  # rule id = "error", "warning" or "off"
    "column_names": OWN_KEYS,  # "Column name" = "field": checked where it is read
}
PEOPLE_KEYS: Keys = {
    "person": [dict.fromkeys(("name", "email", "roles", "projects", "digest", "accounts"))],
    "delegation": [dict.fromkeys(("person", "delegate", "from", "to"))],
}
APPROVAL_KEYS: Keys = {
    "level": [
        dict.fromkeys(
            ("name", "role", "people", "when_total_over", "when_change_over", "escalate_to")
        )
    ],
}


def check_keys(data: Mapping[str, Any], known: Keys, where: str = "") -> None:
    """Raise ValueError naming the first key of ``data`` that ``known`` does not list, with
    the nearest known key of its table (or the table it belongs in, when it is misplaced)."""
    for key, value in data.items():
        dotted = _dotted(where, key)
        if key not in known:
            raise ValueError(f"unknown key {dotted}{_hint(key, known, where)}")
        expected = known[key]
        if isinstance(expected, Mapping) and isinstance(value, Mapping):
            check_keys(value, expected, dotted)
        elif isinstance(expected, list) and isinstance(value, list):
            for index, item in enumerate(value, start=1):
                if isinstance(item, Mapping):
                    check_keys(item, expected[0], f"{dotted}[{index}]")


def _hint(key: str, known: Keys, where: str) -> str:
    near = difflib.get_close_matches(key, list(known), n=1)
    if near:
        return f"; did you mean {_dotted(where, near[0])}?"
    return f"; the known ones: {', '.join(known)}" if known else ""


def _dotted(where: str, key: str) -> str:
    """The key as TOML writes it in full: ``identity.self_approval``, ``severity."row.hidden"``."""
    part = key if _BARE_KEY.fullmatch(key) else json.dumps(key)
    return f"{where}.{part}" if where else part
