"""Fixtures only: a workspace in a temporary folder, the test accounts, a workbook factory,
and the suite's options. The helpers they use live in ``tests/support/``."""

from __future__ import annotations

import time
from collections.abc import Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser

from tests.support.accounts import os_accounts
from tests.support.browser import Watched, artifacts, chromium, screenshot_name, watch
from tests.support.workbooks import WorkbookFactory, make_workbook
from tests.support.workspace import MORNING, Workspace, new_workspace


@pytest.fixture
def workspace(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Workspace:
    """A fresh workspace with test people, its clock set to a quiet morning."""
    # One timeline for every process of the test (CLI runs, daemons, restarts).
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")
    return new_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def accounts() -> Iterator[dict[str, int]]:
    """The test's operating-system accounts (``tests/support/accounts.py``), made once a run."""
    with os_accounts() as uids:
        yield uids


@pytest.fixture
def workbook_factory(tmp_path: Path) -> WorkbookFactory:
    """``make_workbook`` writing into the test's temporary folder."""

    def factory(name: str = "budget.xlsx", **kwargs: Any) -> Path:
        return make_workbook(tmp_path / name, **kwargs)

    return factory


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's headless Chromium, once per module of browser tests."""
    with chromium() as launched:
        yield launched


@pytest.fixture(params=[False, True], ids=["no-javascript", "javascript"])
def browser_page(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Watched]:
    """A fresh page, with JavaScript off and on (the page must need none); a failed test
    leaves its screenshot in the test artefacts (``tests/support/browser.py``)."""
    context = browser.new_context(
        java_script_enabled=request.param, viewport={"width": 1400, "height": 900}
    )
    page = context.new_page()
    try:
        yield watch(page)
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed and page.url != "about:blank":
            folder = artifacts()
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / screenshot_name(request.node.nodeid), full_page=True)
        context.close()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """Keep each phase's report on the test (``rep_call``), for fixtures that act on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


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
