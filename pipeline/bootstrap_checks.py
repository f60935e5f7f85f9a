"""The wiring of the daemon's answers to ``check``: its own read-only Services (their own
connection to the state, used only on the socket's thread) over the daemon's warm parse
workers, and each workbook read from the descriptor its client opened."""

from __future__ import annotations

import functools
import os
import shutil
import stat
import tempfile
from dataclasses import replace
from pathlib import Path

from pipeline.adapters.daemon_socket import protocol
from pipeline.adapters.daemon_socket.server import CheckServer
from pipeline.adapters.files.owners import account_name
from pipeline.bootstrap import bootstrap
from pipeline.domain.problems import CheckReport
from pipeline.services import lint
from pipeline.services.context import Services

BLOCK = 1 << 20


def check_server(daemon: Services) -> CheckServer:
    """The socket that answers ``check`` for the daemon whose Services these are."""
    settings = daemon.settings
    # Built on the socket's thread at its first check: the state's connection is its own.
    checks = functools.cache(
        lambda: bootstrap(
            settings,
            read_budget=daemon.read_budget,
            read_decision=daemon.read_decision,
            compare_figures=daemon.compare_figures,
            annotate=daemon.annotate,
        )
    )

    def answer(name: str, fd: int) -> CheckReport | None:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > settings.package_limits.max_bytes:
            return None  # the client says why, as ever
        folder = tempfile.mkdtemp(prefix="budget-erp-check-")
        try:
            copy = Path(folder) / name  # named like the client's: messages name it so
            if not _copied(fd, copy, settings.package_limits.max_bytes):
                return None
            owner = account_name(info.st_uid)  # the file's, as the client's check has it
            return lint.check_file(replace(checks(), file_owner=lambda _: owner), copy)
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    def close() -> None:
        if checks.cache_info().currsize:
            checks().close()

    return CheckServer(
        protocol.socket_folder(settings), protocol.fingerprint(settings), answer, close
    )


def _copied(fd: int, copy: Path, max_bytes: int) -> bool:
    """Copy the bytes of the client's descriptor (from its start, whatever its offset);
    False when they grow past ``max_bytes`` meanwhile."""
    offset = 0
    with copy.open("xb") as out:
        while block := os.pread(fd, BLOCK, offset):
            offset += len(block)
            if offset > max_bytes:
                return False
            out.write(block)
    return True
