"""``budget-erp migrate-state``: a workspace's SQLite state, after a real workflow through the
CLI, moves into an empty PostgreSQL database; the history, status and mail queue read the same
afterwards, and a database that holds a state already is refused."""

from __future__ import annotations

import json

import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.support.postgres import PostgresServer
from tests.support.state import state_sql
from tests.support.workspace import Workspace, age

CHANGED = [
    ("", "01-100", "L", "General conditions", 12000),
    ("", "03-300", "M", "Concrete", 41000.5),
    ("", "03-300", "L", "Concrete labour", 30000),
]
TABLES = ("budgets", "submissions", "lines", "events", "notifications", "erp_exports")


def _workflow(ws: Workspace) -> None:
    """Send, reject, re-send, accept, export and the ERP's answer; a refusal; a second budget."""
    ws.drop()
    ws.drop("other.xlsx", project="P-2002")
    ws.drop("broken.xlsx", total="lots")  # refused: a history without a version
    assert ws.run("process").exit_code == 1
    ws.decide(decision="Reject", reason="Concrete is over the estimate")
    assert ws.run("process").exit_code == 0
    ws.drop("fixed.xlsx", lines=CHANGED)
    assert ws.run("process").exit_code == 0
    ws.decide(version=2, decision="Accept")
    assert ws.run("process").exit_code == 0
    result = ws.root / "outbox" / "results" / "P-1001_v2_001.csv.json"
    result.write_text(json.dumps({"export": "P-1001_v2_001.csv", "status": "success"}))
    age(result)
    assert ws.run("process").exit_code == 0


def _readings(ws: Workspace) -> tuple[str, ...]:
    return (
        ws.run("history", "P-1001").output,
        ws.run("history", "P-2002").output,
        ws.run("history", "--json", "P-1001").output,
        ws.run("status", "--json").output,
        ws.run("mail", "--limit", "100").output,
    )


def test_the_state_moves_to_postgresql_and_reads_the_same(
    workspace: Workspace, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)  # the workspace starts on SQLite
    _workflow(workspace)
    before = _readings(workspace)
    counts = {t: state_sql(workspace.root, f"SELECT count(*) FROM {t}") for t in TABLES}
    assert "sync" in before[0] and "reject" in before[0] and "refuse" in before[0]
    url = postgres_server.new_database()

    moved = workspace.run("migrate-state", "--to", url)

    assert moved.exit_code == 0, moved.output
    assert "the counts match" in moved.output
    monkeypatch.setenv(ENV_DATABASE_URL, url)
    assert _readings(workspace) == before
    assert {t: state_sql(workspace.root, f"SELECT count(*) FROM {t}") for t in TABLES} == counts
    # The moved state goes on: a new version takes the next event numbers, after the old.
    workspace.drop("third.xlsx", project="P-3003")
    assert workspace.run("process").exit_code == 0
    assert "P-3003" in workspace.run("status").output


def test_a_database_holding_a_state_is_refused_and_left_alone(
    workspace: Workspace, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(ENV_DATABASE_URL, raising=False)
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    url = postgres_server.new_database()
    assert workspace.run("migrate-state", "--to", url).exit_code == 0

    again = workspace.run("migrate-state", "--to", url)

    assert again.exit_code == 1
    assert "already holds a state" in again.output and "empty database" in again.output
    monkeypatch.setenv(ENV_DATABASE_URL, url)
    assert state_sql(workspace.root, "SELECT count(*) FROM budgets") == [(1,)]
