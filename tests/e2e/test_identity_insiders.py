"""Approvals an insider cannot bend (issue 24), with real operating-system accounts: the
account of a listed person is who acted whatever names are typed, a review workbook others
can write proves nothing with ``require``, and one swapped by ``renameat2`` while passes run
is never applied under the approver's name."""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import pwd
import struct
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.accounts import give
from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workspace import APPROVER, DANA, Workspace, age

ACL_XATTR = "system.posix_acl_access"


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, str]]:
    result = ws.run("history", project, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, str]] = json.loads(result.output)
    return events


def _status(ws: Workspace) -> dict[str, str]:
    rows = json.loads(ws.run("status", "--json").output)
    return {row["project_number"]: row["status"] for row in rows}


def _sent(ws: Workspace, account: str = "berp_ada") -> None:
    give(ws.drop(), account)
    result = ws.run("process")
    assert result.exit_code == 0, result.output


@pytest.fixture
def dana(workspace: Workspace, accounts: dict[str, int]) -> Workspace:
    """The default ``record`` mode, with Dana Director, who holds both roles."""
    workspace.add_people(DANA)
    return workspace


@pytest.fixture
def require(workspace: Workspace, accounts: dict[str, int]) -> Workspace:
    workspace.configure("identity", file_owner="require")
    return workspace


def test_in_record_mode_a_decision_under_another_listed_persons_account_is_refused(
    dana: Workspace,
) -> None:
    _sent(dana)
    give(dana.decide(decision="Accept"), "berp_eve")  # Eve types Carl's name

    result = dana.run("process")

    assert result.exit_code == 1
    assert "saved by the account 'berp_eve', which is Eve Estimator's" in result.output
    assert "the Approver cell names Carl Accountant" in result.output
    assert _status(dana) == {"P-1001": "awaiting_approval"}
    give(dana.decide(decision="Accept", reason="mine"), "berp_carl")
    assert dana.run("process").exit_code == 0
    assert _status(dana) == {"P-1001": "exported"}


def test_the_account_that_sent_a_version_may_not_decide_it_whatever_names_are_typed(
    dana: Workspace,
) -> None:
    # Dana sends naming Ada as Prepared By, from her own account: history shows both.
    _sent(dana, "berp_dana")
    send = _history(dana)[0]
    assert (send["actor"], send["account"]) == ("Ada Admin", "berp_dana")
    assert "saved under the account 'berp_dana' of Dana Director, not Ada Admin" in send["detail"]

    give(dana.decide(decision="Accept", approver="Dana Director"), "berp_dana")
    result = dana.run("process")

    assert result.exit_code == 1
    assert "version 1 was sent from an account of Dana Director" in result.output
    assert _status(dana) == {"P-1001": "awaiting_approval"}
    assert not (dana.root / "outbox" / "P-1001_v1_001.csv").exists()
    # Saved by root, an account of nobody listed: the names typed decide, and Dana's
    # account sent it, so Dana still may not.
    give(dana.decide(decision="Accept", approver="Dana Director", reason="again"), "root")
    assert dana.run("process").exit_code == 1
    assert _status(dana) == {"P-1001": "awaiting_approval"}


def test_an_account_of_nobody_listed_is_recorded_and_the_typed_names_decide(
    workspace: Workspace, accounts: dict[str, int]
) -> None:
    _sent(workspace, "berp_mallory")
    give(workspace.decide(decision="Accept"), "berp_mallory")

    assert workspace.run("process").exit_code == 0

    assert _status(workspace) == {"P-1001": "exported"}
    assert [(e["action"], e["account"]) for e in _history(workspace)][:2] == [
        ("send", "berp_mallory"),
        ("accept", "berp_mallory"),
    ]


def test_require_refuses_a_decision_saved_under_an_account_of_nobody_listed(
    require: Workspace,
) -> None:
    _sent(require)
    give(require.decide(decision="Accept"), "berp_mallory")

    result = require.run("process")

    assert result.exit_code == 1
    assert "saved by the account 'berp_mallory'" in result.output
    assert _status(require) == {"P-1001": "awaiting_approval"}


def _acl_granting_write(uid: int) -> bytes:
    """A POSIX ACL (as Linux stores it) letting user ``uid`` write the file."""
    entries = [(0x01, 6, 0xFFFFFFFF), (0x02, 6, uid), (0x04, 4, 0xFFFFFFFF)]
    entries += [(0x10, 6, 0xFFFFFFFF), (0x20, 4, 0xFFFFFFFF)]
    return struct.pack("<I", 2) + b"".join(struct.pack("<HHI", *e) for e in entries)


@pytest.mark.parametrize("opened", ["group", "others", "acl"])
def test_require_refuses_a_decision_others_than_its_owner_can_write(
    require: Workspace, accounts: dict[str, int], opened: str
) -> None:
    _sent(require)
    review = give(require.decide(decision="Accept"), "berp_carl")
    if opened == "acl":
        review.chmod(0o644)
        os.setxattr(review, ACL_XATTR, _acl_granting_write(accounts["berp_ada"]))
    else:
        review.chmod(0o664 if opened == "group" else 0o646)

    result = require.run("process")

    assert result.exit_code == 1, result.output
    assert "can be written by others than its owner" in result.output
    assert "files writable by their owner only" in result.output
    expected = {
        "group": "its group may write it (mode 0664)",
        "others": "everyone may write it (mode 0646)",
        "acl": "an ACL grants write to user berp_ada (mode 0664)",
    }[opened]
    assert expected in result.output
    assert _status(require) == {"P-1001": "awaiting_approval"}
    # Saved again by Carl, writable by its owner only: applied.
    review = give(require.decide(decision="Accept", reason="mine"), "berp_carl")
    review.chmod(0o644)
    assert require.run("process").exit_code == 0
    assert _status(require) == {"P-1001": "exported"}


def test_record_mode_takes_a_decision_others_can_write(
    workspace: Workspace, accounts: dict[str, int]
) -> None:
    _sent(workspace)
    give(workspace.decide(decision="Accept"), "berp_carl").chmod(0o664)

    assert workspace.run("process").exit_code == 0
    assert _status(workspace) == {"P-1001": "exported"}


# --- the racer: renameat2(RENAME_EXCHANGE) while the daemon's passes run ------------------

AT_FDCWD = -100
RENAME_EXCHANGE = 2
MIN_SWAPS = 500
SAVES = 40  # the approver's own saves, each new to the daemon when it comes
FRESH_EVERY = 0.2  # seconds between two of them


def _exchange() -> Any:
    libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
    renameat2 = libc.renameat2  # glibc 2.28 and later
    renameat2.argtypes = [
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.c_char_p,
        ctypes.c_uint,
    ]
    renameat2.restype = ctypes.c_int
    return renameat2


def _saved(review: Path, target: Path, owner: str, **cells: str) -> Path:
    """A save of the review workbook with these cells filled, owned by ``owner``."""
    book = openpyxl.load_workbook(review)
    for name, value in cells.items():
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = value
    book.save(target)
    age(target)
    return give(target, owner)


@pytest.fixture
def racing_daemon(require: Workspace, tmp_path: Path) -> Iterator[Daemon]:
    fast_settings(require)
    require.configure("watch", settle_seconds=0.0, scan_interval_seconds=0.05)
    running = Daemon.start(require, tmp_path / "daemon.log")
    yield running
    alive = running.process.poll() is None
    running.stop(timeout=30)
    assert alive, running.output()


@pytest.mark.slow
def test_a_forged_review_swapped_with_the_approvers_own_is_never_applied(
    racing_daemon: Daemon, tmp_path: Path
) -> None:
    # The approver keeps saving the review undecided (each save new bytes, owned by
    # berp_carl); Mallory's forged Accept naming Carl is exchanged with it, over and over.
    # Had the daemon hashed, checked the owner and parsed by name, it would apply the
    # Accept under Carl's account once the parse saw the forgery and the rest Carl's file.
    ws = racing_daemon.ws
    give(ws.drop(), "berp_ada")
    review = ws.review()
    assert wait_for(lambda: _status(ws) == {"P-1001": "awaiting_approval"}, 60)
    own = [
        _saved(review, tmp_path / f"own-{n}.xlsx", "berp_carl", Reason=f"draft {n}")
        for n in range(SAVES)
    ]
    forged = _saved(
        review, tmp_path / "forged.xlsx", "berp_mallory", Decision="Accept", Approver=APPROVER
    )
    spare = ws.root / "approval" / ".spare.xlsx"  # hidden: never taken for a review itself
    os.replace(own[0], review)
    os.replace(forged, spare)
    exchange = _exchange()
    swaps, errors, stop = [0], list[str](), threading.Event()
    passes_before = racing_daemon.passes()

    def race() -> None:
        # As fast as it can: each of the daemon's looks by name sees either file.
        fresh, due = 1, time.monotonic() + FRESH_EVERY
        while not stop.is_set():
            if exchange(AT_FDCWD, bytes(review), AT_FDCWD, bytes(spare), RENAME_EXCHANGE):
                errors.append(os.strerror(ctypes.get_errno()))  # the review was cleared away
                return
            swaps[0] += 1
            if time.monotonic() >= due:
                if fresh == SAVES:
                    return
                # The approver saves again: new bytes where their file is now.
                held = spare if _owner(spare) == "berp_carl" else review
                os.replace(own[fresh], held)
                fresh, due = fresh + 1, time.monotonic() + FRESH_EVERY

    racer = threading.Thread(target=race)
    racer.start()
    try:
        racer.join(timeout=SAVES * FRESH_EVERY + 60)
    finally:
        stop.set()
        racer.join()
    assert racing_daemon.wait_for_passes(racing_daemon.passes() + 2), racing_daemon.output()

    events = _history(ws)
    assert not [e for e in events if e["action"] in ("accept", "reject")], events
    assert _status(ws) == {"P-1001": "awaiting_approval"}
    assert not (ws.root / "outbox" / "P-1001_v1_001.csv").exists()
    assert not errors and swaps[0] >= MIN_SWAPS, (errors, swaps)
    assert racing_daemon.passes() - passes_before >= 10, "too few passes ran during the race"
    refused = [e for e in events if e["action"] == "refuse_decision"]
    assert refused, racing_daemon.output()  # the forgery was read, and refused
    assert all(e["account"] == "berp_mallory" for e in refused), refused


def _owner(path: Path) -> str:
    return pwd.getpwuid(path.lstat().st_uid).pw_name
