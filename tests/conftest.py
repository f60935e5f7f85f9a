"""Shared fixtures: a workspace in a temporary folder, a ``make_workbook`` factory, a CLI runner."""

from __future__ import annotations

import email.policy
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner, Result

from pipeline.cli import cli
from pipeline.config import init_workspace

ADMIN = "Ada Admin"
APPROVER = "Carl Accountant"
PEOPLE = """
[[person]]
name = "Ada Admin"
email = "ada@example.com"
accounts = ["berp_ada"]
roles = ["budget_admin"]
projects = ["*"]

[[person]]
name = "Bob Builder"
email = "bob@example.com"
roles = ["budget_admin"]
projects = ["P-OTHER"]

[[person]]
name = "Carl Accountant"
email = "carl@example.com"
accounts = ["berp_carl"]
roles = ["accounting_approver"]
projects = ["*"]

[[person]]
name = "Eve Estimator"
email = "eve@example.com"
accounts = ["berp_eve"]
roles = ["budget_admin"]
projects = ["*"]
"""
# A person holding both roles, for the tests of segregation of duties.
DANA = """
[[person]]
name = "Dana Director"
email = "dana@example.com"
accounts = ["berp_dana"]
roles = ["accounting_approver", "budget_admin"]
projects = ["*"]
"""

Line = tuple[Any, ...]  # (sub job, cost code, cost type, description, amount)
DEFAULT_LINES: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000),
    ("", "03-300", "M", "Concrete", 45000.5),
    ("", "03-300", "L", "Concrete labour", 30000),
    ("", "09-900", "S", "Painting subcontract", 8000),
]


def make_workbook(
    path: Path,
    *,
    project: str = "P-1001",
    lines: Sequence[Line] = DEFAULT_LINES,
    prepared_by: str | None = ADMIN,
    project_name: str = "Riverside Clinic",
    total: Any = "auto",
    sheet: str = "Budget",
    headers: Sequence[str] = (
        "Sub Job",
        "Cost Code",
        "Cost Type",
        "Description",
        "Original Budget Amount",
    ),
    extra_rows: Sequence[Sequence[Any]] = (),
) -> Path:
    """Write a budget workbook in the contract's layout with openpyxl."""
    book = openpyxl.Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet
    ws.append(["Budget"])
    ws.append(["Project Number", project])
    ws.append(["Project Name", project_name])
    if prepared_by is not None:
        ws.append(["Prepared By", prepared_by])
    if total == "auto":
        total = round(sum(float(line[4]) for line in lines if _is_number(line[4])), 2)
    if total is not None:
        ws.append(["Budget Total", total])
    ws.append([])
    ws.append(list(headers))
    for line in lines:
        ws.append(list(line))
    for row in extra_rows:
        ws.append(list(row))
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float)


@dataclass
class Workspace:
    """A budget-erp workspace in a temporary folder, driven through the real CLI."""

    root: Path

    def run(self, *args: str) -> Result:
        """Run ``budget-erp --workspace ROOT ARGS``."""
        return CliRunner().invoke(
            cli, ["--workspace", str(self.root), *args], catch_exceptions=False
        )

    def drop(self, name: str = "budget.xlsx", **kwargs: Any) -> Path:
        """Drop a new budget workbook into the inbox, settled in the past."""
        path = make_workbook(self.root / "inbox" / name, **kwargs)
        _age(path)
        return path

    def drop_file(self, source: Path, name: str | None = None) -> Path:
        """Copy an existing workbook into the inbox."""
        target = self.root / "inbox" / (name or source.name)
        target.write_bytes(source.read_bytes())
        _age(target)
        return target

    def add_people(self, toml: str) -> None:
        """List more people in rules/people.toml."""
        people = self.root / "rules" / "people.toml"
        people.write_text(people.read_text(encoding="utf-8") + toml, encoding="utf-8")

    def configure(self, section: str, **values: object) -> None:
        """Set keys of one section of budget-erp.toml (the section must exist)."""
        config = self.root / "budget-erp.toml"
        lines = config.read_text(encoding="utf-8").split("\n")
        header = next(
            (i for i, line in enumerate(lines) if line.split("#")[0].strip() == f"[{section}]"),
            None,
        )
        assert header is not None, f"no [{section}] in budget-erp.toml"
        end = next(
            (i for i in range(header + 1, len(lines)) if lines[i].startswith("[")), len(lines)
        )
        for key, value in values.items():
            rendered = f'"{value}"' if isinstance(value, str) else str(value).lower()
            found = [i for i in range(header + 1, end) if lines[i].split("=")[0].strip() == key]
            if found:
                lines[found[0]] = f"{key} = {rendered}"
            else:
                lines.insert(header + 1, f"{key} = {rendered}")
                end += 1
        config.write_text("\n".join(lines), encoding="utf-8")

    def mail(self) -> list[EmailMessage]:
        """Every message budget-erp wrote into mail/, oldest first."""
        folder = self.root / "mail"
        if not folder.is_dir():
            return []
        return [
            message_from_bytes(path.read_bytes(), policy=email.policy.default)
            for path in sorted(folder.glob("*.eml"))
        ]

    def files(self, folder: str) -> list[str]:
        """File names in a workspace folder, sorted, hidden files left out."""
        return sorted(
            p.name for p in (self.root / folder).iterdir() if p.is_file() and p.name[0] != "."
        )

    def review(self, project: str = "P-1001", version: int = 1) -> Path:
        """The review workbook of a version."""
        return self.root / "approval" / f"{project}_v{version}_review.xlsx"

    def decide(
        self,
        project: str = "P-1001",
        version: int = 1,
        *,
        decision: str,
        reason: str = "",
        approver: str = APPROVER,
        line_flags: dict[str, str] | None = None,
    ) -> Path:
        """Fill the review workbook as an approver would in Excel, and save it."""
        path = self.review(project, version)
        book = openpyxl.load_workbook(path)
        for name, value in (("Decision", decision), ("Reason", reason), ("Approver", approver)):
            sheet, ref = next(iter(book.defined_names[name].destinations))
            book[sheet][ref.replace("$", "")] = value
        lines = book["Lines"]
        header = [c.value for c in lines[1]]
        code, kind = header.index("Cost Code") + 1, header.index("Cost Type") + 1
        for row in range(2, lines.max_row + 1):
            key = f"{lines.cell(row, code).value}/{lines.cell(row, kind).value}"
            if line_flags and key in line_flags:
                lines.cell(row, header.index("Line Decision") + 1, "Reject")
                lines.cell(row, header.index("Line Note") + 1, line_flags[key])
        book.save(path)
        _age(path)
        return path


def _age(path: Path) -> None:
    """Set the modification time two minutes back, so the file counts as settled."""
    past = time.time() - 120
    os.utime(path, (past, past))


MORNING = "2026-03-02T07:00:00+00:00"  # before the 08:00 summary: no summary unless a test asks


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh workspace with test people, its clock set to a quiet morning."""
    # One timeline for every process of the test (CLI runs, daemons, restarts).
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")
    return new_workspace(tmp_path / "ws")


def new_workspace(root: Path) -> Workspace:
    """A workspace in ``root`` with the test people."""
    init_workspace(root)
    (root / "rules" / "people.toml").write_text(PEOPLE, encoding="utf-8")
    return Workspace(root)


@pytest.fixture(scope="session")
def accounts() -> Iterator[dict[str, int]]:
    """The test's operating-system accounts (``tests/accounts.py``), created once a run."""
    from tests.accounts import os_accounts

    with os_accounts() as uids:
        yield uids


@pytest.fixture
def workbook_factory(tmp_path: Path) -> Callable[..., Path]:
    """``make_workbook`` writing into the test's temporary folder."""

    def factory(name: str = "budget.xlsx", **kwargs: Any) -> Path:
        return make_workbook(tmp_path / name, **kwargs)

    return factory


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden files from the current output."""
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")
    parser.addoption(
        "--kill-rounds",
        type=int,
        default=8,
        help="rounds of the randomised daemon kill test (CI runs the default, 8: enough to "
        "cut a write short in each of the five folders a pass writes into)",
    )
    parser.addoption(
        "--kill-seed", type=int, default=20261127, help="seed of the randomised daemon kill test"
    )
