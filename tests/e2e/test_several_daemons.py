"""Several real daemons (``budget-erp watch`` processes) on one workspace and one PostgreSQL
database, as on several machines: a burst of 500 budgets with one daemon killed midway and
restarted, then decisions and ERP results while they all run. Each piece of work is done
exactly once: one version, one review workbook, one approver email per budget; one daily
summary per approver; one decision, one ERP file and one result per budget decided."""

from __future__ import annotations

import email.policy
import json
import os
from collections import Counter
from collections.abc import Iterator
from email import message_from_bytes
from pathlib import Path

import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.support.daemon import Daemon, fast_settings
from tests.support.postgres import PostgresServer
from tests.support.state import all_taken, events_by_project, review_count, state_sql
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import DANA, Workspace, age, decided_aside

pytestmark = pytest.mark.slow
BURST = 500
APPROVERS = ["carl@example.com", "dana@example.com"]
DECIDED = 12  # half accepted (then answered by the ERP), half rejected
LEASE = 5  # seconds: the killed daemon is listed as stale soon after


@pytest.fixture
def shared(
    workspace: Workspace, postgres_server: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> Workspace:
    """A workspace whose state is on the PostgreSQL server, with two approvers (Carl, Dana)
    and the daily summary due from the first pass (the test clock says 07:00), listing budgets
    sent moments ago (no grace after their first email: the burst is what it must list)."""
    monkeypatch.setenv(ENV_DATABASE_URL, postgres_server.new_database())
    fast_settings(workspace)
    workspace.configure("notify", summary_time="06:00", summary_grace_minutes=0)
    workspace.add_people(DANA)
    workspace.configure("state", lease_seconds=LEASE)
    return workspace


@pytest.fixture
def daemons(tmp_path: Path) -> Iterator[list[Daemon]]:
    """The daemons a test starts, killed at the end whatever happened."""
    running: list[Daemon] = []
    yield running
    for daemon in running:
        daemon.kill()


def _burst(ws: Workspace, staging: Path) -> list[str]:
    """Write BURST one-line budgets aside, then rename them all into the inbox at once."""
    projects = [f"P-{7000 + n}" for n in range(BURST)]
    for project in projects:
        make_workbook(
            staging / f"{project}.xlsx",
            project=project,
            lines=[("", "01-100", "L", "General conditions", 1000)],
        )
    for project in projects:
        target = ws.root / "inbox" / f"{project}.xlsx"
        os.rename(staging / f"{project}.xlsx", target)
        age(target)
    return projects


def _mail_by_template(ws: Workspace) -> Counter[str]:
    # FileTransport names each message <time>-<template>-<key hash>.eml
    return Counter(p.name.split("-")[1] for p in (ws.root / "mail").glob("*.eml"))


@pytest.mark.parametrize("count", [2, 3])
def test_several_daemons_take_a_burst_once_through_a_crash(
    shared: Workspace, daemons: list[Daemon], tmp_path: Path, count: int
) -> None:
    ws = shared
    projects = _burst(ws, tmp_path / "staging")
    logs = [tmp_path / f"daemon{n}.log" for n in range(count)]
    daemons += [Daemon.start(ws, log) for log in logs]

    # Midway, the daemon doing the work (the pass holder logs each budget it takes) dies.
    assert wait_for(lambda: review_count(ws.root) >= BURST // 3, timeout=600), [
        d.output() for d in daemons
    ]
    working = max(range(count), key=lambda n: daemons[n].output().count("review workbook in"))
    daemons[working].kill()
    daemons[working] = Daemon.start(ws, logs[working])  # and is started again

    assert wait_for(lambda: review_count(ws.root) == BURST and all_taken(ws.root), timeout=900), (
        review_count(ws.root)
    )
    assert all(d.process.poll() is None for d in daemons)
    assert events_by_project(ws.root, "send") == Counter(dict.fromkeys(projects, 1))
    assert state_sql(ws.root, "SELECT count(*) FROM submissions") == [(BURST,)]
    assert sorted(ws.files("approval")) == sorted(f"{p}_v1_review.xlsx" for p in projects)
    assert ws.files("rejected") == []
    asks = [
        message_from_bytes(p.read_bytes(), policy=email.policy.default)
        for p in (ws.root / "mail").glob("*-sent_for_approval-*.eml")
    ]
    # "Budget P-7000 sent for your acceptance (version 1)", once to each approver
    assert Counter((str(m["Subject"]).split()[1], str(m["To"])) for m in asks) == Counter(
        {(p, to): 1 for p in projects for to in APPROVERS}
    )
    summaries = [
        str(message_from_bytes(p.read_bytes(), policy=email.policy.default)["To"])
        for p in (ws.root / "mail").glob("*-daily_summary-*.eml")
    ]
    assert sorted(summaries) == APPROVERS
    # Each daemon with its heartbeat; the killed one stale once its lease ran out.
    assert wait_for(lambda: "stale" in ws.run("status").output, timeout=5 * LEASE)
    status = ws.run("status").output
    assert (status.count(" alive"), status.count(" stale")) == (count, 1), status

    # Decisions, then the ERP's answers, while every daemon runs.
    decided = projects[:DECIDED]
    accepted, rejected = decided[::2], decided[1::2]
    # Saved whole aside, then renamed in (as Excel and an ERP connector write): the daemons
    # run beside, and a save written in place could be read half-written.
    aside = tmp_path / "aside"
    saves = [decided_aside(ws, p, aside, "Accept") for p in accepted] + [
        decided_aside(ws, p, aside, "Reject", "Wrong cost codes") for p in rejected
    ]
    for save in saves:
        os.rename(save, ws.root / "approval" / save.name)
    exports = [f"{p}_v1_001.csv" for p in accepted]
    assert wait_for(lambda: all((ws.root / "outbox" / e).exists() for e in exports), 300)
    for export in exports:
        path = aside / f"{export}.json"
        path.write_text(json.dumps({"export": export, "status": "success", "message": ""}))
        age(path)
        os.rename(path, ws.root / "outbox" / "results" / path.name)
    # The rejections are saved last, so they may settle after the ERP's answers are taken.
    assert wait_for(
        lambda: (
            events_by_project(ws.root, "sync").total() == len(accepted)
            and events_by_project(ws.root, "reject").total() == len(rejected)
            and all_taken(ws.root)
        ),
        300,
    ), (
        events_by_project(ws.root, "sync"),
        events_by_project(ws.root, "reject"),
        ws.files("outbox/results/refused"),
        [line for d in daemons for line in d.output().splitlines() if "ERROR" in line][-20:],
    )

    assert events_by_project(ws.root, "accept") == Counter(dict.fromkeys(accepted, 1))
    assert events_by_project(ws.root, "reject") == Counter(dict.fromkeys(rejected, 1))
    assert events_by_project(ws.root, "export") == Counter(dict.fromkeys(accepted, 1))
    assert events_by_project(ws.root, "sync") == Counter(dict.fromkeys(accepted, 1))
    data = [n for n in ws.files("outbox") if n.endswith(".csv")]
    assert sorted(data) == sorted(exports)  # one ERP file per accepted version
    assert sorted(ws.files("outbox/results/processed")) == sorted(f"{e}.json" for e in exports)
    handed_back = Counter(name.split("_")[0] for name in ws.files("rejected"))
    assert handed_back == Counter(dict.fromkeys(rejected, 1))  # one editable workbook each
    for daemon in daemons:
        assert daemon.stop() == 0
    assert " alive" not in ws.run("status").output  # stopped cleanly: their rows are gone
