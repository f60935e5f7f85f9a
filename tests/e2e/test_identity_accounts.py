"""Who saved it, with real operating-system accounts: files owned by the accounts of
rules/people.toml (given with chown, or saved by LibreOffice running as that account),
commands run as those accounts, and the daemon as a real process."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import openpyxl
import pytest

from tests.support.accounts import as_account, give, open_to_everyone
from tests.support.daemon import Daemon
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace, new_workspace

SCRIPT = Path(__file__).with_name("libreoffice_decide.py")
SLOW = 120.0  # seconds a wait may take here: LibreOffice starts, under other accounts
SYSTEM_PYTHON = "/usr/bin/python3"


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, str]]:
    result = ws.run("history", project, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, str]] = json.loads(result.output)
    return events


def _status(ws: Workspace) -> dict[str, str]:
    rows = json.loads(ws.run("status", "--json").output)
    return {row["project_number"]: row["status"] for row in rows}


def _run_as(ws: Workspace, account: str, *args: str) -> subprocess.CompletedProcess[str]:
    """``budget-erp ARGS`` as a process of ``account``."""
    open_to_everyone(ws.root)
    return subprocess.run(
        [*as_account(account), sys.executable, "-m", "pipeline", "-w", str(ws.root), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "HOME": str(ws.root)},
    )


@pytest.fixture
def shared(workspace: Workspace, accounts: dict[str, int]) -> Iterator[Workspace]:
    """A workspace every test account can reach, as on a share (pytest's own temporary
    folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="budget-erp-share-"))
    folder.chmod(0o755)
    try:
        yield new_workspace(folder / "ws")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def require(shared: Workspace) -> Workspace:
    """A shared workspace where a file's owner must be an account of the person it names."""
    shared.configure("identity", file_owner="require")
    return shared


def test_history_records_the_account_that_saved_each_file(
    workspace: Workspace, accounts: dict[str, int]
) -> None:
    give(workspace.drop(), "berp_ada")
    assert workspace.run("process").exit_code == 0
    give(workspace.decide(decision="Accept"), "berp_carl")
    assert workspace.run("process").exit_code == 0

    accounts_by_action = {e["action"]: e["account"] for e in _history(workspace)}
    assert accounts_by_action["send"] == "berp_ada"
    assert accounts_by_action["accept"] == "berp_carl"
    assert "Carl Accountant [account berp_carl]" in workspace.run("history", "P-1001").output


def test_require_takes_a_workbook_saved_by_the_person_it_names(require: Workspace) -> None:
    give(require.drop(), "berp_ada")

    assert require.run("process").exit_code == 0
    assert _status(require) == {"P-1001": "awaiting_approval"}


def test_require_hands_back_a_workbook_saved_under_another_account(require: Workspace) -> None:
    give(require.drop("budget.xlsx"), "berp_mallory")

    result = require.run("process")

    assert result.exit_code == 1
    assert "saved by the account 'berp_mallory'" in result.output
    assert "names Ada Admin, whose accounts are berp_ada" in result.output
    assert require.files("rejected") == ["budget.xlsx", "budget.xlsx.refused.txt"]
    assert _status(require) == {}
    refused = [m for m in require.mail() if "was not taken" in str(m["Subject"])]
    assert [str(m["To"]) for m in refused] == ["ada@example.com"]
    assert [e["account"] for e in _history(require)] == ["berp_mallory"]


def test_require_refuses_a_decision_saved_under_another_account(require: Workspace) -> None:
    give(require.drop(), "berp_ada")
    assert require.run("process").exit_code == 0
    give(require.decide(decision="Accept"), "berp_eve")

    result = require.run("process")

    assert result.exit_code == 1
    assert "saved by the account 'berp_eve'" in result.output
    assert "the Approver cell names Carl Accountant" in result.output
    assert _status(require) == {"P-1001": "awaiting_approval"}
    assert "P-1001_v1_review.xlsx.refused.txt" in require.files("approval")
    told = [str(m["To"]) for m in require.mail() if "not applied" in str(m["Subject"])]
    assert len(told) == 1 and {"carl@example.com", "eve@example.com"} <= set(told[0].split(", "))
    give(require.decide(decision="Accept", reason="mine now"), "berp_carl")
    assert require.run("process").exit_code == 0
    assert _status(require) == {"P-1001": "exported"}


def test_a_review_saved_under_the_senders_account_is_refused_even_naming_another(
    workspace: Workspace, accounts: dict[str, int]
) -> None:
    give(workspace.drop(), "berp_ada")
    assert workspace.run("process").exit_code == 0
    give(workspace.decide(decision="Accept"), "berp_ada")  # Ada types Carl's name

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "saved under an account of Ada Admin, who sent version 1" in result.output
    assert _status(workspace) == {"P-1001": "awaiting_approval"}


@pytest.mark.slow
@pytest.mark.parametrize(
    ("command", "state"),
    [("retrieve", "awaiting_approval"), ("withdraw", "rejected"), ("export", "exported")],
)
def test_commands_run_by_hand_must_run_under_the_account_of_by(
    require: Workspace, command: str, state: str
) -> None:
    give(require.drop(), "berp_ada")
    assert require.run("process").exit_code == 0
    if state != "awaiting_approval":
        verdict = "Accept" if state == "exported" else "Reject"
        give(require.decide(decision=verdict, reason="Too high"), "berp_carl")
        assert require.run("process").exit_code == 0
    args = [command, "P-1001", *(["--again"] if command == "export" else [])]

    refused = _run_as(require, "berp_eve", *args, "--by", "Ada Admin")

    assert refused.returncode == 1, refused.stderr
    assert "runs as the account 'berp_eve', which is not one of Ada Admin's" in refused.stderr
    allowed = _run_as(require, "berp_ada", *args)  # --by left out: the account says who
    assert allowed.returncode == 0, allowed.stderr
    # the command's own event (a withdraw's tidying of rejected/ is budget-erp's, after it)
    last = [e for e in _history(require) if e["actor"] != "budget-erp"][-1]
    assert (last["actor"], last["account"]) == ("Ada Admin", "berp_ada")


def _libreoffice_as(
    account: str, review: Path, *args: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    """LibreOffice, run as ``account``, saving ``args`` into the review (libreoffice_decide).
    The review is first made writable by that account alone, as a share that creates files
    writable by their owner only has it: LibreOffice keeps the mode of the file it saves
    over, and with ``require`` a review others can write proves nothing (issue 24)."""
    give(review, account).chmod(0o644)
    home = Path(tempfile.mkdtemp(prefix="lo-home-"))
    give(home, account)
    office = subprocess.Popen(
        [*as_account(account), SYSTEM_PYTHON, str(SCRIPT), str(review), *args],
        env={**os.environ, "HOME": str(home), **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its soffice in its process group: see _no_office_left
    )
    _started.append(office)
    return office


_started: list[subprocess.Popen[bytes]] = []


@pytest.fixture(autouse=True)
def _no_office_left(accounts: dict[str, int]) -> Iterator[None]:
    """A failed test must not leave a LibreOffice of a test account running: each one the
    test started is killed with its process group, and nobody else's (a parallel worker's
    test may run LibreOffice under the same account)."""
    yield
    while _started:
        office = _started.pop()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(office.pid, signal.SIGKILL)
        office.wait()


@pytest.fixture
def daemon(require: Workspace, tmp_path: Path) -> Iterator[Daemon]:
    """``budget-erp watch`` on the workspace, settling fast, holding open files for 2 min."""
    require.configure("watch", settle_seconds=0.3, scan_interval_seconds=1.0)
    running = Daemon.start(require, tmp_path / "daemon.log")
    yield running
    alive = running.process.poll() is None
    running.stop(timeout=30)
    assert alive, running.output()


def _sent_by_ada(ws: Workspace, name: str = "budget.xlsx", project: str = "P-1001") -> Path:
    staged = give(make_workbook(ws.root / f"{name}.part", project=project), "berp_ada")
    os.replace(staged, ws.root / "inbox" / name)
    review = ws.review(project)
    assert wait_for(review.exists, SLOW), "no review workbook appeared"
    open_to_everyone(ws.root)
    return review


@pytest.mark.slow
def test_libreoffice_saves_by_the_approvers_account_are_taken_and_by_others_refused(
    daemon: Daemon,
) -> None:
    ws = daemon.ws
    review = _sent_by_ada(ws)

    _libreoffice_as("berp_mallory", review, "Accept", "", "Carl Accountant").wait(timeout=180)
    note = review.with_name(review.name + ".refused.txt")
    assert wait_for(note.exists, SLOW), daemon.output()
    assert "saved by the account 'berp_mallory'" in note.read_text()

    _libreoffice_as("berp_carl", review, "Accept", "", "Carl Accountant").wait(timeout=180)
    assert wait_for((ws.root / "outbox" / "P-1001_v1_001.csv").exists, SLOW), daemon.output()
    accept = [e for e in _history(ws) if e["action"] == "accept"]
    assert [e["account"] for e in accept] == ["berp_carl"]


@pytest.mark.slow
def test_an_approver_who_changes_their_mind_before_closing_libreoffice_is_heard(
    daemon: Daemon,
) -> None:
    ws = daemon.ws
    review = _sent_by_ada(ws)
    signals = ws.root.parent / "signals"  # where LibreOffice's account may write
    signals.mkdir(mode=0o777)
    signals.chmod(0o777)
    saved, after = signals / "first-save-done", signals / "save-again"
    office = _libreoffice_as(
        "berp_carl",
        review,
        "Accept",
        "",
        "Carl Accountant",
        env={
            "LO_THEN": "Reject|Labour is 12% over",
            "LO_SAVED": str(saved),
            "LO_AFTER": str(after),
        },
    )
    assert wait_for(saved.exists, timeout=180), "LibreOffice did not save"
    lock = review.with_name(f".~lock.{review.name}#")
    assert lock.exists()
    # Three of the daemon's passes go by while the workbook stays open: nothing is applied.
    assert daemon.wait_for_passes(daemon.passes() + 3), daemon.output()
    assert lock.exists()  # still open throughout: LibreOffice waits for the test's word
    assert _status(ws)["P-1001"] == "awaiting_approval"

    after.touch()
    assert office.wait(timeout=180) == 0
    assert wait_for(lambda: _status(ws)["P-1001"] == "rejected", SLOW), daemon.output()
    assert not (ws.root / "outbox" / "P-1001_v1_001.csv").exists()


@pytest.mark.slow
def test_a_far_corner_review_is_refused_while_the_daemon_keeps_going(daemon: Daemon) -> None:
    ws = daemon.ws
    review = _sent_by_ada(ws)
    book = openpyxl.load_workbook(review)
    for name, value in (("Decision", "Accept"), ("Approver", "Carl Accountant")):
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = value
    book["Lines"]["XFD1048576"] = "stray"
    staged = review.with_name("staged.xlsx.part")
    book.save(staged)
    give(staged, "berp_carl")
    os.replace(staged, review)

    note = review.with_name(review.name + ".refused.txt")
    assert wait_for(note.exists, SLOW), daemon.output()
    assert "XFD1048576" in note.read_text()
    second = _sent_by_ada(ws, "second.xlsx", project="P-2")
    assert second.exists()
    # The review workbook is written just before the commit that records it: wait for that.
    expected = {"P-1001": "awaiting_approval", "P-2": "awaiting_approval"}
    assert wait_for(lambda: _status(ws) == expected), _status(ws)
