"""Make the README's picture of the status page, docs/status-page.png, from scratch.

    .venv/bin/python scripts/picture_status.py [PNG]

It builds a demo workspace in a temporary folder from the samples of examples/ (four
budgets: one exported with a change waiting four days, one rejected, two waiting), drives
it through the real command line on a shifted clock, writes the page with
``budget-erp status --html``, and photographs it in Debian's headless Chromium (Playwright
pointed at /usr/bin/chromium; nothing is downloaded).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

import openpyxl
from playwright.sync_api import sync_playwright

REPOSITORY = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPOSITORY))  # run from anywhere: examples/ is not a package

from examples import make_sample_budgets as samples  # noqa: E402

START = datetime.fromisoformat("2026-03-02T08:30:00+00:00")
CHROMIUM = "/usr/bin/chromium"
EXTRA_JOBS = "P-4004,North Library,open,yes\nP-5005,Station Square,open,yes\n"


def main() -> None:
    """Build the workspace, write the page, photograph it."""
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else REPOSITORY / "docs" / "status-page.png"
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary) / "budgets"
        page = build_workspace(root)
        photograph(page, target)
    print(f"wrote {target}")


def build_workspace(root: Path) -> Path:
    """A workspace with budgets in several states; the status page's path."""
    cli(root, START, "init", str(root))
    for name in ("jobs.csv", "cost_codes.csv", "cost_types.csv"):
        (root / "rules" / name).write_bytes((REPOSITORY / "rules" / name).read_bytes())
    with (root / "rules" / "jobs.csv").open("a", encoding="utf-8") as jobs:
        jobs.write(EXTRA_JOBS)
    config = root / "budget-erp.toml"
    text = config.read_text(encoding="utf-8").replace("settle_seconds = 2.0", "settle_seconds = 0")
    config.write_text(text, encoding="utf-8")

    budget(root, "P-1001", "Riverside Clinic", "original budget", samples.LINES)
    cli(root, START, "process")
    decide(root, "P-1001_v1_review.xlsx", "Accept")
    cli(root, START + timedelta(hours=2), "process")
    budget(root, "P-1001", "Riverside Clinic", "change order 1", samples.change_order_lines())
    cli(root, START + timedelta(days=1), "process")
    budget(root, "P-2002", "Harbor Depot", "original budget", samples.LINES[:20])
    cli(root, START + timedelta(days=4), "process")
    decide(root, "P-2002_v1_review.xlsx", "Reject", "Split the site works by phase")
    cli(root, START + timedelta(days=4, hours=3), "process")
    budget(root, "P-4004", "North Library", "original budget", samples.LINES[:12])
    cli(root, START + timedelta(days=4, hours=20), "process")
    budget(root, "P-5005", "Station Square", "original budget", samples.LINES[:16])
    cli(root, START + timedelta(days=5, hours=-1), "process")
    cli(root, START + timedelta(days=5, minutes=-2), "process")  # the daemon's latest pass
    cli(root, START + timedelta(days=5), "status", "--html")
    return root / "status" / "index.html"


def budget(
    root: Path, project: str, name: str, title: str, lines: tuple[samples.Line, ...]
) -> None:
    """Drop a sample budget for ``project`` into the inbox (examples/' writer, renamed)."""
    samples.PROJECT, samples.PROJECT_NAME = project, name
    target = root / "inbox" / f"{project}_{title.replace(' ', '_')}.xlsx"
    samples.write_budget(target, title, lines)


def decide(root: Path, review: str, decision: str, reason: str = "") -> None:
    """Answer a review workbook as Carl Accountant would in Excel."""
    path = root / "approval" / review
    book = openpyxl.load_workbook(path)
    for cell, value in (
        ("Decision", decision),
        ("Reason", reason),
        ("Approver", "Carl Accountant"),
    ):
        sheet, ref = next(iter(book.defined_names[cell].destinations))
        book[sheet][ref.replace("$", "")] = value
    book.save(path)


def cli(root: Path, at: datetime, *args: str) -> None:
    """Run ``budget-erp`` on the workspace, its clock at ``at``."""
    env = {**os.environ, "BUDGET_ERP_CLOCK_START": f"{at.isoformat()}@{time.time()}"}
    command = [sys.executable, "-m", "pipeline", "--workspace", str(root), *args]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stdout}{done.stderr}")


def photograph(page: Path, target: Path) -> None:
    """A full-page PNG of ``page`` in Debian's headless Chromium."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        view = browser.new_page(viewport={"width": 1280, "height": 800})
        view.goto(page.as_uri())
        view.screenshot(path=str(target), full_page=True)
        browser.close()


if __name__ == "__main__":
    main()
