"""Fixtures only: a workspace in a temporary folder, the test accounts, a workbook factory,
and the suite's options. The helpers they use live in ``tests/support/``."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.accounts import os_accounts
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
