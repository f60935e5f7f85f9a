"""The README's "Several daemons on PostgreSQL" steps, as written: the one-machine trial's
blocks run verbatim in a shell, as an ordinary account (PostgreSQL refuses root; the
account may read root's interpreter, see ``as_account``), in a copy of the repository's
workspace; then budget-erp takes a budget with its state in that
database, and the README's last block stops the server."""

from __future__ import annotations

import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from pipeline.config import ENV_DATABASE_URL
from tests.e2e.test_try_it import copy_of_the_repository_workspace, sh_blocks
from tests.support.accounts import as_account
from tests.support.postgres import postgres_bin
from tests.support.workspace import MORNING, age

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
TRIAL_ACCOUNT = "berp_ada"  # any account but root: one of the test accounts
TRIAL_PORT = 5433  # the README's


def postgres_section() -> str:
    """The README's "Several daemons on PostgreSQL" section, up to the next section."""
    return README.split("\n## Several daemons on PostgreSQL\n", 1)[1].split("\n## ", 1)[0]


def trial_blocks() -> tuple[str, str]:
    """The trial's two blocks: start the server and use it; stop it."""
    start, stop = sh_blocks(postgres_section())
    return start, stop


def as_trial_account(block: str, root: Path) -> subprocess.CompletedProcess[str]:
    """``block`` pasted into a shell of the trial account, in the workspace folder."""
    env = {k: v for k, v in os.environ.items() if k != ENV_DATABASE_URL}
    env["BUDGET_ERP_CLOCK_START"] = f"{MORNING}@{time.time()}"  # a quiet morning: no summary
    command = ["bash", "-ec", block]
    if os.geteuid() == 0:
        command = [*as_account(TRIAL_ACCOUNT), *command]
    return subprocess.run(
        command, cwd=root, env=env, capture_output=True, text=True, timeout=180, check=False
    )


def port_in_use(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def trial_workspace(request: pytest.FixtureRequest) -> Iterator[Path]:
    """A copy of the repository's workspace owned by the trial account, with .venv the
    environment running the tests; the trial's server is stopped at the end whatever
    happened."""
    if os.geteuid() == 0:  # the account must exist, whichever tests ran before on this worker
        request.getfixturevalue("accounts")
    assert postgres_bin() is not None, "PostgreSQL is not installed (scripts/test installs it)"
    assert not port_in_use(TRIAL_PORT), f"port {TRIAL_PORT} is taken: the trial needs it"
    top = Path(tempfile.mkdtemp(prefix="budget-erp-trial-", dir="/tmp"))
    root = copy_of_the_repository_workspace(top / "budget-erp")
    (root / ".venv").symlink_to(Path(sys.prefix), target_is_directory=True)
    if os.geteuid() == 0:
        account = pwd.getpwnam(TRIAL_ACCOUNT)
        for folder, folders, files in os.walk(top):
            for name in (".", *folders, *files):  # the .venv link itself, not what it points to
                os.lchown(Path(folder, name), account.pw_uid, account.pw_gid)
    try:
        yield root
    finally:
        if (root / "pg-trial" / "postmaster.pid").exists():
            stop = f'{_pgbin_line()}\n"$PGBIN/pg_ctl" -D pg-trial -m immediate stop'
            as_trial_account(stop, root)
        shutil.rmtree(top, ignore_errors=True)


def _pgbin_line() -> str:
    """The start block's line that finds Debian's PostgreSQL programs."""
    start, _ = trial_blocks()
    return next(line for line in start.splitlines() if line.startswith("PGBIN="))


def test_the_install_line_names_the_venvs_pip_and_an_extra_that_exists() -> None:
    section = " ".join(postgres_section().split())
    assert "`.venv/bin/pip install -e '.[postgres]'`" in section
    pyproject = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    extra = pyproject["project"]["optional-dependencies"]["postgres"]
    assert any(package.startswith("psycopg") for package in extra)


def test_the_server_steps_create_the_role_before_its_database() -> None:
    section = " ".join(postgres_section().split())
    assert section.index("`createuser --pwprompt budget`") < section.index(
        "`createdb -O budget budget`"
    )


@pytest.mark.slow
def test_the_one_machine_trial_runs_as_written(trial_workspace: Path) -> None:
    root = trial_workspace
    start, stop = trial_blocks()

    started = as_trial_account(start, root)
    assert started.returncode == 0, f"{start}\n{started.stdout}{started.stderr}"
    assert "no budgets yet" in started.stdout  # status, on the new database's empty state

    # budget-erp against that database: one budget taken by `process`, its state there.
    url = re.search(rf"export {ENV_DATABASE_URL}=(\S+)", start)
    assert url is not None
    sample = root / "inbox" / "P-1001_riverside_clinic.xlsx"
    shutil.copy(root / "examples" / sample.name, sample)
    if os.geteuid() == 0:
        shutil.chown(sample, TRIAL_ACCOUNT, TRIAL_ACCOUNT)
    age(sample)
    taken = as_trial_account(
        f"export {ENV_DATABASE_URL}={url.group(1)}\n.venv/bin/budget-erp process", root
    )
    assert taken.returncode == 0, taken.stdout + taken.stderr
    assert (root / "approval" / "P-1001_v1_review.xlsx").is_file()
    assert not (root / "state" / "budget-erp.sqlite").exists()  # nothing fell back to SQLite
    with psycopg.connect(url.group(1)) as database:
        row = database.execute("SELECT project_number, version FROM budgets").fetchall()
    assert row == [("P-1001", 1)]

    stopped = as_trial_account(f"{_pgbin_line()}\n{stop}", root)
    assert stopped.returncode == 0, stopped.stdout + stopped.stderr
    assert not (root / "pg-trial" / "postmaster.pid").exists()
    assert not port_in_use(TRIAL_PORT)
