"""Real operating-system accounts for the identity tests: created with ``useradd`` (CI runs
as root), and files given an owner with ``os.chown``, as a share that maps users would."""

from __future__ import annotations

import fcntl
import os
import pwd
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

# The accounts people.toml lists in tests/support/workspace.py, and one nobody lists.
NAMES = ("berp_ada", "berp_carl", "berp_eve", "berp_dana", "berp_mallory")
# Shared by every process of a run (pytest-xdist's workers each hold the accounts): who holds
# them now, and which of them a run made, so the last holder removes those and only those.
REGISTRY = Path(tempfile.gettempdir()) / "budget-erp-test-accounts"


@contextmanager
def os_accounts() -> Iterator[dict[str, int]]:
    """Make sure the test accounts exist while the block runs; when the last process
    holding them (this one, or a parallel worker) lets go, remove the ones a run made."""
    if os.geteuid() != 0:
        pytest.skip("creating operating-system accounts needs root (CI runs as root)")
    holder = REGISTRY / f"holder-{os.getpid()}-{uuid.uuid4().hex}"
    with _registry() as made:
        for name in NAMES:
            try:
                pwd.getpwnam(name)
            except KeyError:
                subprocess.run(
                    ["useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name],
                    check=True,
                )
                made.add(name)
        holder.touch()
    try:
        yield {name: pwd.getpwnam(name).pw_uid for name in NAMES}
    finally:
        with _registry() as made:
            holder.unlink(missing_ok=True)
            if not _holders():
                for name in sorted(made):
                    subprocess.run(["userdel", name], check=False)
                made.clear()


@contextmanager
def _registry() -> Iterator[set[str]]:
    """The accounts made by this run, read and written back under an exclusive lock."""
    REGISTRY.mkdir(mode=0o700, exist_ok=True)
    made_file = REGISTRY / "made"
    with (REGISTRY / "lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        made = set(made_file.read_text().split()) if made_file.exists() else set()
        yield made
        made_file.write_text("\n".join(sorted(made)))


def _holders() -> list[Path]:
    """The holders still alive; a holder whose process died (a killed run) is forgotten."""
    alive = []
    for holder in REGISTRY.glob("holder-*"):
        if Path(f"/proc/{holder.name.split('-')[1]}").exists():
            alive.append(holder)
        else:
            holder.unlink(missing_ok=True)
    return alive


def give(path: Path, account: str) -> Path:
    """Make ``account`` the owner of ``path``, as if that account had saved it."""
    entry = pwd.getpwnam(account)
    os.chown(path, entry.pw_uid, entry.pw_gid)
    return path


def as_account(account: str) -> list[str]:
    """A command prefix that runs the rest as ``account``: its own uid, gid and no other
    groups, so the process's account and every file it creates are that account's.

    The process keeps the right to *read* any file (CAP_DAC_READ_SEARCH), because the
    interpreter and the code under test may sit in root's home; it writes only where the
    account may.
    """
    entry = pwd.getpwnam(account)
    return [
        "setpriv",
        f"--reuid={entry.pw_uid}",
        f"--regid={entry.pw_gid}",
        "--clear-groups",
        "--inh-caps=+dac_read_search",
        "--ambient-caps=+dac_read_search",
        "--",
    ]


def open_to_everyone(root: Path) -> None:
    """Let any account write in the workspace (a share every test account can save into)."""
    for path in [root, *root.rglob("*")]:
        try:
            if not path.is_symlink():
                path.chmod(0o777 if path.is_dir() else 0o666)
        except FileNotFoundError:  # a running daemon moved it meanwhile: nothing to open up
            continue
