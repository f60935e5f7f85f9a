"""Fixtures only: a workspace in a temporary folder, the test accounts, a workbook factory,
and the suite's options. The helpers they use live in ``tests/support/``."""

from __future__ import annotations

import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any, TypeAlias

import pytest
from hypothesis import HealthCheck, settings
from playwright.sync_api import Browser

from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.config import ENV_DATABASE_URL
from pipeline.services.records import Store
from tests.support.accounts import os_accounts
from tests.support.browser import Watched, artifacts, chromium, screenshot_name, watch
from tests.support.memory_store import MemoryStore
from tests.support.memory_tables import MemoryState
from tests.support.postgres import PostgresServer, running_postgres
from tests.support.workbooks import WorkbookFactory, make_workbook
from tests.support.workspace import MORNING, Workspace, new_workspace

OpenStore: TypeAlias = Callable[[], Store]


@pytest.fixture
def workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> Workspace:
    """A fresh workspace with test people, its clock set to a quiet morning; its state in
    SQLite, or (``--store=postgres``) in a fresh database on the test server."""
    # One timeline for every process of the test (CLI runs, daemons, restarts).
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")
    if request.config.getoption("--store") == "postgres":
        server: PostgresServer = request.getfixturevalue("postgres_server")
        # The variable reaches the CLI run here and every daemon process the test starts.
        monkeypatch.setenv(ENV_DATABASE_URL, server.new_database())
    else:
        monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    return new_workspace(tmp_path / "ws")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """One PostgreSQL server for the run, started on first use; each test makes its own
    database on it."""
    with running_postgres() as server:
        yield server


@pytest.fixture(params=["sqlite", "postgres", "memory"])
def open_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[OpenStore]:
    """Open stores on one empty state, on each engine in turn (the store's contract tests),
    the use-case tests' dict-backed fake (``tests/support/memory_store.py``) among them."""
    opened: list[Store] = []
    if request.param == "postgres":
        url = request.getfixturevalue("postgres_server").new_database()
        from pipeline.adapters.postgres.store import PostgresStore

        def make() -> Store:
            return PostgresStore(url)
    elif request.param == "memory":
        state = MemoryState()

        def make() -> Store:
            return MemoryStore(state)
    else:

        def make() -> Store:
            return SqliteStore(tmp_path / "state.sqlite")

    def open_one() -> Store:
        opened.append(make())
        return opened[-1]

    yield open_one
    for store in opened:
        store.close()


@pytest.fixture(scope="session")
def accounts() -> Iterator[dict[str, int]]:
    """The test's operating-system accounts (``tests/support/accounts.py``), made once a run
    and held by each parallel worker that needs them."""
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


def pytest_configure(config: pytest.Config) -> None:
    """Hypothesis without its per-example deadline and slow-generation check: the suite runs
    on several workers of a 2-core machine, where a slow example is load, not a finding."""
    settings.register_profile(
        "budget-erp", deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    settings.load_profile("budget-erp")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites the golden files from the current output."""
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files")
    parser.addoption(
        "--store",
        choices=("sqlite", "postgres"),
        default="sqlite",
        help="the engine of every test workspace's state: SQLite, or PostgreSQL on a server "
        "the tests start (CI runs the end-to-end suite on both). The store's contract tests "
        "run on both engines whatever this says.",
    )
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
