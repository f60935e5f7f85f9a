"""Two real daemons on one workspace and one PostgreSQL database whose passes run side by
side (no pass lock): a burst of new budgets and of decisions on earlier ones at once, and a
daemon SIGKILLed mid-burst and never restarted. Every invariant of a crash holds after
(``tests/support/invariants.py``: each file once, at most one ERP file per accepted version,
the folders agreeing with the state), each decision is applied once, each accepted version
gets one ERP file and each email is delivered once."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.support import invariants
from tests.support.daemon import Daemon, fast_settings
from tests.support.postgres import PostgresServer
from tests.support.state import all_taken, events_by_project, review_count, state_sql
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import DANA, Workspace, age, decided_aside

pytestmark = pytest.mark.slow
FIRST, BURST = 16, 60  # budgets sent before, then decided while a burst of new ones comes


@pytest.fixture
def shared(
    workspace: Workspace, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """A workspace whose state is on the PostgreSQL server, with two approvers."""
    monkeypatch.setenv(ENV_DATABASE_URL, postgres_server.new_database())
    fast_settings(workspace)
    workspace.add_people(DANA)
    workspace.configure("state", lease_seconds=5)
    return workspace


@pytest.fixture
def daemons() -> Iterator[list[Daemon]]:
    """The daemons a test starts, killed at the end whatever happened."""
    running: list[Daemon] = []
    yield running
    for daemon in running:
        daemon.kill()


def _stage(staging: Path, projects: list[str]) -> dict[str, str]:
    """One-line budgets written aside; their names and hashes."""
    staging.mkdir(exist_ok=True)
    inputs = {}
    for project in projects:
        path = make_workbook(
            staging / f"{project}.xlsx",
            project=project,
            lines=[("", "01-100", "L", "General conditions", 1000)],
        )
        inputs[path.name] = invariants.sha(path)
    return inputs


def _drop_all(ws: Workspace, staging: Path, names: list[str]) -> None:
    for name in names:
        target = ws.root / "inbox" / name
        os.rename(staging / name, target)
        age(target)


def _each_email_once(ws: Workspace) -> None:
    keys = [key for (key,) in state_sql(ws.root, "SELECT key FROM notifications")]
    assert len(keys) == len(set(keys))
    # FileTransport names each message <time>-<template>-<key hash>.eml: one file per key
    hashes = Counter(p.name.rsplit("-", 1)[1] for p in (ws.root / "mail").glob("*.eml"))
    assert sorted(hashes.values()) == [1] * len(keys)


def test_two_daemons_take_a_burst_of_budgets_and_decisions_at_once(
    shared: Workspace, daemons: list[Daemon], tmp_path: Path
) -> None:
    ws = shared
    first = [f"P-{8000 + n}" for n in range(FIRST)]
    inputs = _stage(tmp_path / "staging", first)
    daemons += [Daemon.start(ws, tmp_path / f"daemon{n}.log") for n in range(2)]
    _drop_all(ws, tmp_path / "staging", list(inputs))
    assert wait_for(lambda: review_count(ws.root) == FIRST and all_taken(ws.root), 300), (
        review_count(ws.root)
    )

    burst = [f"P-{8100 + n}" for n in range(BURST)]
    new = _stage(tmp_path / "staging", burst)
    accepted, rejected = first[::2], first[1::2]
    decided = tmp_path / "decided"  # saved aside, then renamed in at once with the burst
    saves = [decided_aside(ws, p, decided, "Accept") for p in accepted] + [
        decided_aside(ws, p, decided, "Reject", "Wrong cost codes") for p in rejected
    ]
    for save in saves:
        os.rename(save, ws.root / "approval" / save.name)
    _drop_all(ws, tmp_path / "staging", list(new))
    inputs |= new

    def done() -> bool:
        decided = (
            events_by_project(ws.root, "accept").total()
            + events_by_project(ws.root, "reject").total()
        )
        return decided == FIRST and review_count(ws.root) == BURST and all_taken(ws.root)

    assert wait_for(done, 600), (
        review_count(ws.root),
        events_by_project(ws.root, "accept").total(),
        events_by_project(ws.root, "reject").total(),
        ws.files("inbox"),
        [str(p) for p in (ws.root / "processing").rglob("*")],
        state_sql(ws.root, "SELECT key, status FROM notifications WHERE status <> 'sent'"),
        [
            line
            for d in daemons
            for line in d.output().splitlines()
            if "pass done" not in line and ("WARN" in line or "ERROR" in line or "P-800" in line)
        ][-60:],
    )
    assert all(d.process.poll() is None for d in daemons)
    # Stopped first: a daemon may be writing its status page (a temporary) right now.
    assert [d.stop(timeout=60) for d in daemons] == [0, 0]
    assert invariants.check(ws.root, inputs) == []
    assert events_by_project(ws.root, "send") == Counter(dict.fromkeys(first + burst, 1))
    assert events_by_project(ws.root, "accept") == Counter(dict.fromkeys(accepted, 1))
    assert events_by_project(ws.root, "reject") == Counter(dict.fromkeys(rejected, 1))
    assert events_by_project(ws.root, "export") == Counter(dict.fromkeys(accepted, 1))
    assert sorted(n for n in ws.files("outbox") if n.endswith(".csv")) == sorted(
        f"{p}_v1_001.csv" for p in accepted
    )
    _each_email_once(ws)
    # The passes ran side by side: each daemon took budgets of the burst.
    assert all("review workbook in" in d.output() for d in daemons)


def test_a_daemon_killed_mid_burst_leaves_its_claims_to_the_other(
    shared: Workspace, daemons: list[Daemon], tmp_path: Path
) -> None:
    ws = shared
    projects = [f"P-{8200 + n}" for n in range(BURST)]
    inputs = _stage(tmp_path / "staging", projects)
    daemons += [Daemon.start(ws, tmp_path / f"daemon{n}.log") for n in range(2)]
    victim, survivor = daemons
    _drop_all(ws, tmp_path / "staging", list(inputs))

    def holding_claims() -> bool:  # a claim folder is named <time>-<pid>-c<session token>
        mine = f"-{victim.process.pid}-"
        try:
            folders = list((ws.root / "processing").iterdir())
            return any(mine in folder.name and any(folder.iterdir()) for folder in folders)
        except FileNotFoundError:  # a claim finished while looked at
            return False

    assert wait_for(holding_claims, 300), victim.output()
    victim.kill()  # SIGKILL with files claimed: never restarted

    assert wait_for(lambda: review_count(ws.root) == BURST and all_taken(ws.root), 600), (
        survivor.output()[-2000:]
    )
    assert survivor.process.poll() is None
    # Each pass first clears what dead writers left; the pass under way when the victim died
    # may have swept before the victim's last write: a pass begun since clears that one.
    assert survivor.wait_for_passes(survivor.passes() + 2), survivor.output()[-2000:]
    assert survivor.stop(timeout=60) == 0  # first: it may be writing its status page now
    assert invariants.check(ws.root, inputs) == []
    assert events_by_project(ws.root, "send") == Counter(dict.fromkeys(projects, 1))
    _each_email_once(ws)
