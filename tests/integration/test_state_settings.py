"""Where the state lives: SQLite by default, a PostgreSQL URL from ``[state] url`` or the
environment, and never a password in ``budget-erp.toml``."""

from __future__ import annotations

import pytest

from pipeline.adapters.postgres.migrations import MIGRATIONS as PG_MIGRATIONS
from pipeline.adapters.sqlite.migrations import MIGRATIONS as SQLITE_MIGRATIONS
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.bootstrap import bootstrap
from pipeline.config import ENV_DATABASE_URL, load_settings
from pipeline.errors import ConfigError
from tests.support.workspace import Workspace

URL = "postgresql://budget@db.example.com:5432/budget"


def test_without_a_url_the_state_stays_in_sqlite(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    settings = load_settings(workspace.root)
    assert settings.database_url == ""
    assert isinstance(bootstrap(settings).store, SqliteStore)


def test_the_environment_overrides_the_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.configure("state", url=URL)
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    assert load_settings(workspace.root).database_url == URL
    monkeypatch.setenv(ENV_DATABASE_URL, "postgresql://other:secret@db2/budget")
    assert load_settings(workspace.root).database_url == "postgresql://other:secret@db2/budget"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://budget:secret@db.example.com/budget",
        "postgresql://budget@db.example.com/budget?password=secret",
        "host=db.example.com user=budget",
    ],
)
def test_a_password_in_the_file_is_refused(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, url: str
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    workspace.configure("state", url=url)
    with pytest.raises(ConfigError, match="PGPASSWORD"):
        load_settings(workspace.root)


def test_postgresql_runs_the_same_named_migrations_as_sqlite() -> None:
    shared = [name for name, _ in PG_MIGRATIONS if not name.startswith("pg")]
    assert shared == [name for name, _ in SQLITE_MIGRATIONS]
