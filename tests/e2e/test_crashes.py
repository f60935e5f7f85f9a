"""Crash safety: the process is killed at every step boundary (BUDGET_ERP_CRASH_AT), then
restarted; and a busy daemon is killed at random moments. The invariants must hold."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.support import invariants
from tests.support.daemon import Daemon
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace

INTAKE_STEPS = ["after_claim", "after_check", "after_review_written", "after_record"]
# Each with the ERP file it leaves: a name whose intent was recorded is never tried again.
DECISION_STEPS = {
    "after_decision_recorded": "P-1001_v1_001.csv",
    "export_after_intent": "P-1001_v1_002.csv",
    "export_before_rename": "P-1001_v1_002.csv",
    "export_after_rename": "P-1001_v1_001.csv",  # adopted
    "export_after_commit": "P-1001_v1_001.csv",  # recorded; current/ written after restart
}


def _process(ws: Workspace, crash_at: str = "") -> int:
    env = {**os.environ, "BUDGET_ERP_CRASH_AT": crash_at}
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        env=env,
        capture_output=True,
        timeout=300,
    ).returncode


def _drop(ws: Workspace, name: str, **kwargs: object) -> tuple[str, str]:
    path = ws.drop(name, **kwargs)
    return name, invariants.sha(path)


@pytest.mark.slow
@pytest.mark.parametrize("step", INTAKE_STEPS)
def test_a_crash_during_intake_is_finished_after_restart(workspace: Workspace, step: str) -> None:
    inputs = dict([_drop(workspace, "a.xlsx"), _drop(workspace, "b.xlsx", project="P-2")])

    assert _process(workspace, crash_at=step) == 75
    assert _process(workspace) in (0, 1)

    assert invariants.check(workspace.root, inputs) == []
    assert sorted(workspace.files("approval")) == ["P-1001_v1_review.xlsx", "P-2_v1_review.xlsx"]
    mail = [p for p in workspace.files("mail") if "sent_for_approval" in p]
    assert len(mail) == 2  # each approver email once, even across the crash


@pytest.mark.slow
def test_files_claimed_ahead_when_the_process_died_are_each_finished_once(
    workspace: Workspace,
) -> None:
    workspace.configure("limits", parse_workers=2)
    inputs = dict(_drop(workspace, f"b{n}.xlsx", project=f"P-{n}") for n in range(4))

    assert _process(workspace, crash_at="after_review_written") == 75
    # Killed while recording the first: it and the two read ahead (parse_workers = 2) are
    # claimed; the fourth still waits in the inbox.
    assert len(list((workspace.root / "processing").rglob("*.xlsx"))) == 3
    assert workspace.files("inbox") == ["b3.xlsx"]
    assert _process(workspace) in (0, 1)

    assert invariants.check(workspace.root, inputs) == []
    assert sorted(workspace.files("approval")) == [f"P-{n}_v1_review.xlsx" for n in range(4)]
    assert list((workspace.root / "processing").rglob("*.xlsx")) == []
    mail = [p for p in workspace.files("mail") if "sent_for_approval" in p]
    assert len(mail) == 4


@pytest.mark.slow
@pytest.mark.parametrize("step", DECISION_STEPS)
def test_a_crash_while_applying_an_accept_leaves_one_export(
    workspace: Workspace, step: str
) -> None:
    inputs = dict([_drop(workspace, "a.xlsx")])
    assert _process(workspace) == 0
    workspace.decide(decision="Accept")

    assert _process(workspace, crash_at=step) == 75
    assert _process(workspace) == 0

    assert invariants.check(workspace.root, inputs) == []
    data = [n for n in workspace.files("outbox") if n.endswith(".csv")]
    assert data == [DECISION_STEPS[step]]
    assert not (workspace.root / "outbox" / "foreign").exists()  # nothing of ours set aside


@pytest.mark.slow
def test_a_crash_between_sending_and_marking_mail_is_at_most_once_for_file_mail(
    workspace: Workspace,
) -> None:
    _drop(workspace, "a.xlsx")
    assert _process(workspace, crash_at="after_mail_sent") == 75
    assert _process(workspace) == 0
    assert len([p for p in workspace.files("mail") if p.endswith(".eml")]) == 1


# Every folder a pass writes into, and how long each write there holds its temporary file
# in the kill test (a slow share), so that a kill can find one in progress.
WRITTEN = {"approval", "rejected", "current", "outbox", "mail", "archive"}
SLOW_WRITES = "0.15"
HUNT_SECONDS = 20.0


def _kill(daemon: Daemon, at: float, wanted: set[str]) -> set[str]:
    """SIGKILL the daemon at the moment ``at`` or, while a folder in ``wanted`` has never had
    a write cut short, at the first moment after it that one has a write in progress there.
    Return the folders where the kill left a temporary file of that daemon's."""
    root, pid = daemon.ws.root, daemon.process.pid
    # Not a wait for an event: the random moment is what this test is about.
    time.sleep(max(0.0, at - time.monotonic()))
    give_up = at + HUNT_SECONDS
    while wanted and time.monotonic() < give_up and daemon.process.poll() is None:
        if wanted & set(invariants.temporaries(root, pid)):
            break
        time.sleep(0.002)  # a hunt for a short-lived file, finer than wait_for's poll
    daemon.kill()
    return set(invariants.temporaries(root, pid))


@pytest.mark.slow
def test_random_kills_of_a_busy_daemon_lose_and_duplicate_nothing(
    workspace: Workspace, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    """Kills at random moments (nudged, until every folder has had one, to a moment with a
    write in progress there): after recovery nothing is lost, duplicated or half-written."""
    rounds = request.config.getoption("--kill-rounds")
    rng = random.Random(request.config.getoption("--kill-seed"))
    workspace.configure("watch", settle_seconds=0.2, scan_interval_seconds=1.0)
    inputs: dict[str, str] = {}
    decided: set[str] = set()
    cut_short: Counter[str] = Counter()
    log = tmp_path / "daemon.log"
    for round_number in range(rounds):
        for i in range(3):  # a busy inbox: new budgets arrive every round
            name = f"r{round_number}-{i}.xlsx"
            path = make_workbook(workspace.root / "inbox" / name, project=f"P-{round_number}-{i}")
            inputs[name] = invariants.sha(path)
        broken = make_workbook(  # and one is refused: handed back with its marked-up copy
            workspace.root / "inbox" / f"r{round_number}-bad.xlsx",
            project=f"P-{round_number}-bad",
            lines=[("", "01-100", "L", "General conditions", "twelve")],
        )
        inputs[broken.name] = invariants.sha(broken)
        for review in (workspace.root / "approval").glob("*_review.xlsx"):
            if review.name not in decided:  # and the approver answers what is waiting
                project, version = review.name.rsplit("_v", 1)[0], 1
                workspace.decide(
                    project, version, decision=rng.choice(["Accept", "Reject"]), reason="Too high"
                )
                decided.add(review.name)
        daemon = Daemon.start(workspace, log, BUDGET_ERP_SLOW_WRITES=SLOW_WRITES)
        at = time.monotonic() + rng.uniform(0.3, 2.5)
        cut_short.update(_kill(daemon, at, WRITTEN - set(cut_short)))
    for _ in range(3):  # then let it finish in peace
        assert _process(workspace) in (0, 1)
    assert invariants.check(workspace.root, inputs) == []  # no temporary file left either
    print(f"writes cut short by {rounds} kills, by folder: {dict(sorted(cut_short.items()))}")
    assert sorted(WRITTEN - set(cut_short)) == [], "no write was cut short there"


@pytest.mark.slow
def test_old_bytes_claimed_again_are_not_mistaken_for_a_leftover(workspace: Workspace) -> None:
    """Version 1 was budget.xlsx; after two rejections the same bytes come back and the
    process dies right after claiming them: the restart must process them, not drop them."""
    original = workspace.drop("budget.xlsx")
    first_bytes = original.read_bytes()
    assert _process(workspace) == 0
    workspace.decide(decision="Reject", reason="Too high")
    assert _process(workspace) == 0
    workspace.drop(
        "budget.xlsx",
        project_name="Riverside Clinic, second try",
        lines=[("", "01-100", "L", "General conditions", 11000)],
    )
    assert _process(workspace) == 0
    workspace.decide(version=2, decision="Reject", reason="Still too high")
    assert _process(workspace) == 0
    again = workspace.root / "inbox" / "budget.xlsx"
    again.write_bytes(first_bytes)
    os.utime(again, (0, 0))

    assert _process(workspace, crash_at="after_claim") == 75
    assert _process(workspace) in (0, 1)

    assert workspace.files("approval") == ["P-1001_v3_review.xlsx"]
