"""An idle pass, ``status`` and the status page cost what changed, not what exists: they issue
as many queries with 50 budgets as with 5 (counted on SQLite's connection; PostgreSQL's store
runs the same query classes). The workspaces are ``benchmarks.scale``'s: four budgets in ten
awaiting approval with their review workbooks in approval/, the rest rejected or exported,
the daily summary due and escalation on."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest

from benchmarks.scale_state import scaled_workspace
from pipeline.adapters.sql.queries import Connection, Cursor
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.bootstrap import bootstrap
from pipeline.config import load_settings
from pipeline.services.admin import status
from pipeline.services.context import Services
from pipeline.services.processing import process_once
from pipeline.services.status_page import gather


class CountingConnection:
    """The store's connection, counting the statements it is given."""

    def __init__(self, connection: Connection, count: list[str]) -> None:
        self.connection, self.count = connection, count

    def execute(self, sql: str, parameters: Sequence[Any] = (), /) -> Cursor:
        self.count.append(sql)
        return self.connection.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Any, /) -> Cursor:
        self.count.append(sql)
        return self.connection.executemany(sql, parameters)


@pytest.fixture(scope="module")
def workspaces(tmp_path_factory: pytest.TempPathFactory) -> dict[int, Path]:
    """A workspace of 5 budgets and one of 50 (with the seed budget each)."""
    scratch = tmp_path_factory.mktemp("scaled")
    return {n: scaled_workspace(scratch / f"ws-{n}", n) for n in (5, 50)}


@pytest.fixture
def counted(workspaces: dict[int, Path]) -> Iterator[Callable[[int], tuple[Services, list[str]]]]:
    """Services on a workspace, warmed by a first pass, and the statements issued since."""
    opened: list[Services] = []

    def open_counted(size: int) -> tuple[Services, list[str]]:
        app = bootstrap(load_settings(workspaces[size]))
        opened.append(app)
        assert process_once(app, settle_seconds=0) == []  # the first pass: nothing to do
        store = app.store
        assert isinstance(store, SqliteStore)
        count: list[str] = []
        connect = store._connect
        store._connect = lambda: CountingConnection(connect(), count)
        return app, count

    yield open_counted
    for app in opened:
        app.close()


def _queries(
    counted: Callable[[int], tuple[Services, list[str]]], work: Callable[[Services], object]
) -> dict[int, int]:
    found = {}
    for size in (5, 50):
        app, count = counted(size)
        work(app)
        found[size] = len(count)
    return found


def test_an_idle_pass_issues_as_many_queries_with_50_budgets_as_with_5(
    counted: Callable[[int], tuple[Services, list[str]]],
) -> None:
    def idle(app: Services) -> None:
        assert process_once(app, settle_seconds=0) == []

    found = _queries(counted, idle)
    assert found[5] == found[50], found
    assert found[5] < 30, found


def test_status_issues_as_many_queries_with_50_budgets_as_with_5(
    counted: Callable[[int], tuple[Services, list[str]]],
) -> None:
    rows: dict[int, int] = {}

    def listed(app: Services) -> None:
        rows[len(rows)] = len(status(app))

    found = _queries(counted, listed)
    assert list(rows.values()) == [6, 51]  # every budget is listed, the seed too
    assert found[5] == found[50], found


def test_the_status_page_issues_as_many_queries_with_50_budgets_as_with_5(
    counted: Callable[[int], tuple[Services, list[str]]],
) -> None:
    pages: list[int] = []

    def page(app: Services) -> None:
        view = gather(app, app.settings.root / "status" / "index.html")
        pages.append(len(view.budgets))
        assert sum(1 for row in view.budgets if row.links) == len(view.budgets)

    found = _queries(counted, page)
    assert pages == [6, 51]
    assert found[5] == found[50], found
