"""A budget-erp workspace in a temporary folder, driven through the real CLI, with the test
people; and ``configure``, the one way tests change budget-erp.toml."""

from __future__ import annotations

import email.policy
import os
import time
from dataclasses import dataclass
from email import message_from_bytes
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import openpyxl
import tomlkit
from click.testing import CliRunner, Result
from tomlkit.items import AoT, Table

from pipeline.cli import cli
from pipeline.config import CONFIG_NAME, ENV_DATABASE_URL, init_workspace
from tests.support.workbooks import make_workbook

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
MORNING = "2026-03-02T07:00:00+00:00"  # before the 08:00 summary: no summary unless a test asks


def age(path: Path) -> None:
    """Set the modification time two minutes back, so the file counts as settled."""
    past = time.time() - 120
    os.utime(path, (past, past))


def new_workspace(root: Path) -> Workspace:
    """A workspace in ``root`` with the test people."""
    init_workspace(root)
    (root / "rules" / "people.toml").write_text(PEOPLE, encoding="utf-8")
    return Workspace(root)


@dataclass
class Workspace:
    """A budget-erp workspace in a temporary folder, driven through the real CLI."""

    root: Path

    @property
    def on_postgres(self) -> bool:
        """Whether the state is on the PostgreSQL test server (``pytest --store=postgres``)."""
        return bool(os.environ.get(ENV_DATABASE_URL))

    def run(self, *args: str) -> Result:
        """Run ``budget-erp --workspace ROOT ARGS``."""
        return CliRunner().invoke(
            cli, ["--workspace", str(self.root), *args], catch_exceptions=False
        )

    def drop(self, name: str = "budget.xlsx", **kwargs: Any) -> Path:
        """Drop a new budget workbook (``make_workbook``'s keywords) into the inbox, settled."""
        path = make_workbook(self.root / "inbox" / name, **kwargs)
        age(path)
        return path

    def drop_file(self, source: Path, name: str | None = None) -> Path:
        """Copy an existing workbook into the inbox."""
        target = self.root / "inbox" / (name or source.name)
        target.write_bytes(source.read_bytes())
        age(target)
        return target

    def add_people(self, toml: str) -> None:
        """List more people in rules/people.toml."""
        people = self.root / "rules" / "people.toml"
        people.write_text(people.read_text(encoding="utf-8") + toml, encoding="utf-8")

    def configure(self, section: str, *, new: bool = False, **values: object) -> None:
        """Set keys of ``[section]`` in budget-erp.toml, keeping its comments and layout.

        The section and every key must be in the file already, so a typo fails the test
        instead of changing nothing; ``new=True`` adds keys the file does not have yet.
        """
        path = self.root / CONFIG_NAME
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
        table = document.get(section)
        assert isinstance(table, Table), f"{CONFIG_NAME} has no [{section}]"
        _set(table, values, new, f"[{section}] of {CONFIG_NAME}")
        path.write_text(tomlkit.dumps(document), encoding="utf-8")

    def change_person(self, name: str, *, new: bool = False, **values: object) -> None:
        """Set keys of one ``[[person]]`` of rules/people.toml, as ``configure`` does."""
        path = self.root / "rules" / "people.toml"
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
        people = document.get("person")
        assert isinstance(people, AoT), "rules/people.toml lists nobody"
        found = [entry for entry in people if entry.get("name") == name]
        assert len(found) == 1, f"{len(found)} people named {name!r} in rules/people.toml"
        person = found[0]
        _set(person, values, new, f"the [[person]] {name!r} of rules/people.toml")
        path.write_text(tomlkit.dumps(document), encoding="utf-8")

    def mail(self) -> list[EmailMessage]:
        """Every message budget-erp wrote into mail/, oldest first."""
        folder = self.root / "mail"
        if not folder.is_dir():
            return []
        messages = []
        for path in sorted(folder.glob("*.eml")):
            message = message_from_bytes(path.read_bytes(), policy=email.policy.default)
            assert isinstance(message, EmailMessage)  # what the default policy builds
            messages.append(message)
        return messages

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
        age(path)
        return path


def _set(table: Table, values: dict[str, object], new: bool, where: str) -> None:
    """Write ``values`` into a TOML table: existing keys only, or (``new``) absent ones only."""
    for key, value in values.items():
        if new:
            assert key not in table, f"{key} is already in {where}: leave out new=True"
        else:
            assert key in table, f"{key} is not in {where} (a typo? new=True adds a key)"
        table[key] = _inline(value)


def _inline(value: object) -> object:
    """A dict as an inline table (``jobs = { ... }``), as a person writes one."""
    if not isinstance(value, dict):
        return value
    inline = tomlkit.inline_table()
    inline.update(value)
    return inline


def decided_aside(
    ws: Workspace, project: str, folder: Path, decision: str, reason: str = ""
) -> Path:
    """A copy of a project's review workbook filled in as the approver would, saved aside
    and dated in the past: renamed over the review, it lands whole, as Excel saves (a
    daemon running beside ``Workspace.decide`` could read its save half-written)."""
    folder.mkdir(exist_ok=True)
    path = folder / ws.review(project, 1).name
    book = openpyxl.load_workbook(ws.review(project, 1))
    for name, value in (("Decision", decision), ("Reason", reason), ("Approver", APPROVER)):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = value
    book.save(path)
    age(path)
    return path
