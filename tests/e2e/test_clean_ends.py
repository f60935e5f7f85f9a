"""Clean ends (issue 24, item 10), through the CLI and the daemon as real processes: a typo
in the settings or the rules stops the start naming the key and the nearest known one;
two people whose names differ only in case are refused; ``-0`` reaches the ERP as 0.00."""

from __future__ import annotations

import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tests.support.workbooks import xlsx_escaped
from tests.support.workspace import Workspace, age


def _budget_erp(
    ws: Workspace, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """``budget-erp -w ROOT ARGS`` as its own process: what an operator or cron sees."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ,
    )


def _one_clear_line(result: subprocess.CompletedProcess[str]) -> str:
    """The error line of a command that stopped: exactly one, and no traceback."""
    assert "Traceback" not in result.stderr + result.stdout
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error: ")]
    assert len(lines) == 1, result.stderr
    return lines[0]


def _misspell(path: Path, right: str, wrong: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert right in text
    path.write_text(text.replace(right, wrong, 1), encoding="utf-8")


@pytest.mark.parametrize("command", ["process", "watch"])
def test_a_misspelt_setting_stops_the_start_naming_the_key_it_meant(
    workspace: Workspace, command: str
) -> None:
    workspace.drop()
    _misspell(workspace.root / "budget-erp.toml", "self_approval = false", "self_aproval = true")

    result = _budget_erp(workspace, command)

    assert result.returncode == 2
    line = _one_clear_line(result)
    assert "budget-erp.toml: unknown key identity.self_aproval" in line
    assert "did you mean identity.self_approval?" in line
    assert (workspace.root / "inbox" / "budget.xlsx").exists()  # nothing was taken


@pytest.mark.parametrize(
    ("file", "right", "wrong", "named"),
    [
        (
            "rules/people.toml",
            'email = "carl@',
            'emial = "carl@',
            "unknown key person[3].emial; did you mean person[3].email?",
        ),
        (
            "rules/validation.toml",
            "[amount]\nallow_negative",
            "[amount]\nallow_negatives",
            "unknown key amount.allow_negatives; did you mean amount.allow_negative?",
        ),
        (
            "rules/validation.toml",
            '# "row.hidden" = "error"',
            '"row.hiden" = "off"',
            'unknown key severity."row.hiden"; did you mean severity."row.hidden"?',
        ),
    ],
)
def test_a_misspelt_rule_stops_the_start_naming_the_key_it_meant(
    workspace: Workspace, file: str, right: str, wrong: str, named: str
) -> None:
    _misspell(workspace.root / file, right, wrong)

    result = _budget_erp(workspace, "process")

    assert result.returncode == 2
    line = _one_clear_line(result)
    assert f"{file}: {named}" in line


def test_two_people_whose_names_differ_only_in_case_or_spacing_are_refused(
    workspace: Workspace,
) -> None:
    workspace.add_people(
        '\n[[person]]\nname = "carl  ACCOUNTANT"\nemail = "c2@example.com"\n'
        'roles = ["budget_admin"]\n'
    )

    result = _budget_erp(workspace, "process")

    assert result.returncode == 2
    line = _one_clear_line(result)
    assert "people.toml: 'Carl Accountant' and 'carl  ACCOUNTANT' differ only in case" in line


def test_a_negative_zero_amount_reaches_the_erp_as_zero(workspace: Workspace) -> None:
    lines = [
        ("", "01-100", "L", "General conditions", 12000.00),
        ("", "03-300", "M", "Allowance, not used", -0.0),
    ]
    workspace.drop(lines=lines)
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept")

    assert workspace.run("process").exit_code == 0

    (export,) = (workspace.root / "outbox").glob("P-1001_v1_*.csv")
    text = export.read_text(encoding="utf-8")
    assert ",0.00" in text and "-0" not in text


def test_no_control_character_of_a_project_number_reaches_an_email(workspace: Workspace) -> None:
    dropped = workspace.drop(project="P-#1001@")
    xlsx_escaped(dropped, {"#": "\x1b", "@": "\x07"})  # ESC and BEL, as Excel stores them
    age(dropped)

    refused = workspace.run("process")

    assert refused.exit_code == 1 and "project_number.hidden_character" in refused.output
    (mail,) = workspace.mail()
    parts = [p.get_content() for p in mail.walk() if p.get_content_maintype() == "text"]
    assert len(parts) == 2 and all("P-1001" in text for text in parts)
    for text in [str(mail["Subject"]), *parts]:
        controls = [c for c in text if unicodedata.category(c) == "Cc" and c not in "\r\n"]
        assert controls == [], text
