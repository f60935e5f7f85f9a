"""The daemon's first line says where the state is kept: the SQLite file, or the PostgreSQL
server's host, port and database, never a password the URL holds."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.support.daemon import Daemon
from tests.support.postgres import PostgresServer
from tests.support.workspace import Workspace

PASSWORD = "s3cret-in-the-url"


def first_line(workspace: Workspace, log: Path, **env: str) -> str:
    """Start the daemon, read its first line once it is watching, stop it."""
    daemon = Daemon.start(workspace, log, **env)
    try:
        assert daemon.wait_for_output("Ctrl-C stops"), daemon.output()
        assert daemon.stop() == 0
    finally:
        daemon.kill()
    return daemon.output().splitlines()[0]


@pytest.mark.slow
def test_on_sqlite_the_first_line_names_the_state_file(
    workspace: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)  # whichever store the run is on
    line = first_line(workspace, tmp_path / "watch.log")
    assert line.startswith("budget-erp watching ")
    database = workspace.root / "state" / "budget-erp.sqlite"
    assert f", state in SQLite, {database.resolve()}; Ctrl-C stops" in line


@pytest.mark.slow
def test_on_postgresql_the_first_line_names_host_port_and_database_not_the_password(
    workspace: Workspace, tmp_path: Path, postgres_server: PostgresServer
) -> None:
    url = urlsplit(postgres_server.new_database())
    with_password = url._replace(netloc=f"budget:{PASSWORD}@127.0.0.1:{postgres_server.port}")
    line = first_line(
        workspace, tmp_path / "watch.log", **{ENV_DATABASE_URL: with_password.geturl()}
    )
    database = url.path.lstrip("/")
    assert f", state on PostgreSQL, 127.0.0.1:{postgres_server.port}, database {database};" in line
    assert PASSWORD not in line
