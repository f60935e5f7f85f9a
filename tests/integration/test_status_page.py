"""The status page on a real workspace (files, SQLite, the CLI): written at the end of a pass
that changed something and not otherwise, whole or not at all, on demand by
``status --html``, turned off by an empty ``[status] page``; and the emails' link to it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline.adapters.files import file_operations
from pipeline.adapters.files.temp_files import is_temporary
from pipeline.bootstrap import bootstrap
from pipeline.config import load_settings
from pipeline.faults import CRASH_EXIT_CODE
from pipeline.services.processing import process_once
from tests.support.workspace import Workspace


def _page(workspace: Workspace) -> Path:
    return workspace.root / "status" / "index.html"


def test_a_pass_rewrites_the_page_only_when_it_changed_something(workspace: Workspace) -> None:
    app = bootstrap(load_settings(workspace.root))  # one process: one daemon's passes
    page = _page(workspace)

    process_once(app)  # the first pass writes it, even with nothing to do
    assert "No budgets yet" in page.read_text(encoding="utf-8")
    first = page.stat().st_ino

    process_once(app)  # nothing changed: the same file, untouched
    assert page.stat().st_ino == first

    workspace.drop()
    process_once(app)
    html = page.read_text(encoding="utf-8")
    assert page.stat().st_ino != first  # a new file renamed into place, not an edit
    assert "P-1001" in html and "awaiting approval" in html
    assert app.store.last_pass() is not None


def test_the_page_is_replaced_whole_never_written_in_place(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = bootstrap(load_settings(workspace.root))
    process_once(app)
    page = _page(workspace)
    before = page.read_bytes()
    seen: list[tuple[bytes, list[str]]] = []

    def at_rename(folder: Path) -> None:
        if folder == page.parent:  # the new page is complete in a temporary file
            seen.append((page.read_bytes(), [p.name for p in folder.iterdir()]))

    monkeypatch.setattr(file_operations, "before_rename", at_rename)
    workspace.drop()
    process_once(app)

    [(old, names)] = seen
    assert old == before  # a reader opening the page meanwhile gets the old page, whole
    [temporary] = [name for name in names if name != "index.html"]
    assert is_temporary(temporary)  # named so the crash sweep clears it
    assert b"P-1001" in page.read_bytes()


def test_a_write_cut_short_leaves_the_old_page_and_a_temporary_the_next_pass_clears(
    workspace: Workspace,
) -> None:
    assert workspace.run("status", "--html").exit_code == 0
    page = _page(workspace)
    before = page.read_bytes()
    workspace.drop()
    assert workspace.run("process").exit_code == 0  # the budget is sent, the page too
    changed = page.read_bytes()
    assert changed != before

    env = {**os.environ, "BUDGET_ERP_CRASH_AT": "before_rename:status"}
    crashed = subprocess.run(
        [sys.executable, "-m", "pipeline", "--workspace", str(workspace.root), "status", "--html"],
        env=env,
        capture_output=True,
        check=False,
    )

    assert crashed.returncode == CRASH_EXIT_CODE, crashed.stderr
    assert page.read_bytes() == changed
    assert [p for p in page.parent.iterdir() if is_temporary(p.name)]
    assert workspace.run("process").exit_code == 0
    assert not [p for p in page.parent.iterdir() if is_temporary(p.name)]


def test_status_html_writes_the_page_to_a_file_named(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    target = workspace.root / "reports" / "budgets.html"

    result = workspace.run("status", "--html", str(target))

    assert result.exit_code == 0, result.output
    assert f"status page written: {target}" in result.output
    html = target.read_text(encoding="utf-8")
    # Its links are relative to its own folder.
    assert 'href="../approval/P-1001_v1_review.xlsx"' in html


def test_an_empty_page_setting_turns_the_page_off(workspace: Workspace) -> None:
    workspace.configure("status", page="")
    workspace.drop()

    assert workspace.run("process").exit_code == 0
    assert not (workspace.root / "status").exists()
    result = workspace.run("status", "--html")
    assert result.exit_code == 1
    assert "no status page is configured" in result.output


def test_a_page_outside_the_workspace_is_refused(workspace: Workspace) -> None:
    workspace.configure("status", page="../elsewhere.html")
    result = workspace.run("status")
    assert result.exit_code == 2
    assert "status.page = '../elsewhere.html' points outside the workspace" in result.output


def test_emails_link_the_page_when_the_workspace_address_is_set(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    [without] = workspace.mail()
    assert "Status of all budgets" not in without.as_string()

    workspace.configure("status", url="https://files.example.com/budgets/")
    workspace.decide(decision="Reject", reason="Too dear")
    assert workspace.run("process").exit_code == 0

    [rejected] = [m for m in workspace.mail() if "rejected" in str(m["Subject"])]
    link = "https://files.example.com/budgets/status/index.html"
    text = rejected.get_body(("plain",))
    html = rejected.get_body(("html",))
    assert text is not None and html is not None
    assert f"Status of all budgets: {link}" in text.get_content()
    assert f'<a href="{link}">{link}</a>' in html.get_content()


def test_a_retrieve_shows_on_the_page_at_once(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    assert "awaiting approval" in _page(workspace).read_text(encoding="utf-8")

    assert workspace.run("retrieve", "P-1001", "--by", "Ada Admin").exit_code == 0

    html = _page(workspace).read_text(encoding="utf-8")
    assert ">retrieved<" in html and "awaiting approval" not in html


def test_the_page_says_what_files_wait_on_and_since_when(workspace: Workspace) -> None:
    jobs = workspace.root / "rules" / "jobs.csv"
    jobs.write_text("job_number,name\n", encoding="utf-8")  # being rewritten by the ERP
    app = bootstrap(load_settings(workspace.root))
    workspace.drop()

    process_once(app)  # the file waits: a fault of the environment, noted with its time
    html = _page(workspace).read_text(encoding="utf-8")

    assert re.search(r"Files wait since \d{4}-\d\d-\d\d \d\d:\d\d UTC", html)  # its zone
    assert html.count("rules/jobs.csv has no rows (being rewritten?)") == 2  # then, and now
    jobs.write_text("job_number,name\nP-1001,Riverside Clinic\n", encoding="utf-8")
    process_once(app)
    assert "Files wait" not in _page(workspace).read_text(encoding="utf-8")
    app.close()


def test_every_time_on_the_page_is_in_the_workspace_zone_with_its_abbreviation(
    workspace: Workspace,
) -> None:
    workspace.configure("notify", time_zone="America/Chicago")  # the clock: 07:00 UTC
    workspace.drop()
    workspace.drop("broken.xlsx", total="lots")  # refused: listed with the time it came back
    assert workspace.run("process").exit_code == 1
    html = _page(workspace).read_text(encoding="utf-8")

    shown = re.findall(r"\d{4}-\d\d-\d\d \d\d:\d\d(?::\d\d)?(?: [A-Z]{3,4})?", html)
    assert len(shown) >= 4, shown  # written, waiting since, the event, the refused workbook
    assert [t for t in shown if not t.endswith((" CST", " CDT"))] == []
    assert "Written 2026-03-02 01:0" in html  # 07:00 UTC is 01:00 in Chicago
    assert "2026-03-02 07:0" not in html
