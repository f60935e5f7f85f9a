"""A throw-away PostgreSQL server for the tests, from Debian's ``postgresql`` package:
``initdb`` and ``pg_ctl`` on a temporary folder and port, run as the ``postgres`` account
when the tests run as root (PostgreSQL refuses root), stopped at the end. Each test gets a
fresh database of its own."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psycopg

SUPERUSER = "budget"


def postgres_bin() -> Path | None:
    """The newest installed ``/usr/lib/postgresql/*/bin`` with initdb, or None."""
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4])
    )
    return Path(found[-1]).parent if found else None


@dataclass
class PostgresServer:
    """A running server on ``127.0.0.1:port``, user ``budget`` (trust authentication)."""

    port: int
    data: Path | None = None  # its data folder, for ``stop``

    def stop(self) -> None:
        """Stop the server at once (``pg_ctl stop -m immediate``), as a crash or a lost
        network would end every session; the end of ``running_postgres`` then cleans up."""
        binaries = postgres_bin()
        assert binaries is not None and self.data is not None
        subprocess.run(
            _as_server_account(
                [str(binaries / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"]
            ),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            check=True,
        )

    def url(self, database: str = "postgres") -> str:
        """The libpq URL of one of its databases."""
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """Create an empty database (from template0: cheap); its URL."""
        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
        return self.url(name)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _as_server_account(command: list[str]) -> list[str]:
    """``runuser -u postgres --`` in front when we are root: PostgreSQL will not run as root."""
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running_postgres() -> Iterator[PostgresServer]:
    """Start a server on a temporary folder and a free port; stop it and remove the folder."""
    binaries = postgres_bin()
    if binaries is None:
        raise RuntimeError(
            "PostgreSQL is not installed (apt-get install postgresql; scripts/test does it)"
        )
    root = Path(tempfile.mkdtemp(prefix="budget-erp-pg-"))
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        for path in (root, sockets):
            os.chown(path, account.pw_uid, account.pw_gid)
    port = _free_port()
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.PIPE, "check": True}
    try:
        subprocess.run(
            _as_server_account(
                [
                    str(binaries / "initdb"),
                    "-D",
                    str(data),
                    "-A",
                    "trust",
                    "-U",
                    SUPERUSER,
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                    "--no-sync",
                ]
            ),
            **quiet,  # type: ignore[call-overload]
        )
        options = (
            f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        subprocess.run(
            _as_server_account(
                [
                    str(binaries / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(root / "server.log"),
                    "-w",
                    "start",
                ]
            ),
            **quiet,  # type: ignore[call-overload]
        )
        yield PostgresServer(port, data)
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_server_account(
                    [str(binaries / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]
                ),
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                check=False,
            )
        shutil.rmtree(root, ignore_errors=True)
