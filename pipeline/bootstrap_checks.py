"""The wiring of the daemon's answers to ``check``: its own read-only Services (their own
connection to the state, used only on the socket's thread) over the daemon's warm parse
workers, and each workbook read from a copy of the descriptor its client opened."""

from __future__ import annotations

import functools
import os
from dataclasses import replace

from pipeline.adapters.daemon_socket import protocol
from pipeline.adapters.daemon_socket.server import CheckServer, received_copy
from pipeline.adapters.files.owners import account_name
from pipeline.bootstrap import bootstrap
from pipeline.domain.problems import CheckReport
from pipeline.services import lint
from pipeline.services.context import Services


def check_server(daemon: Services) -> CheckServer:
    """The socket that answers ``check`` for the daemon whose Services these are."""
    settings = daemon.settings
    # Built on the socket's thread at its first check: the state's connection is its own.
    checks = functools.cache(
        lambda: bootstrap(
            settings,
            read_budget=daemon.workbooks.read_budget,
            read_decision=daemon.workbooks.read_decision,
            compare_figures=daemon.workbooks.compare_figures,
            annotate=daemon.workbooks.annotate,
        )
    )

    def answer(name: str, fd: int) -> CheckReport | None:
        with received_copy(fd, name, settings.package_limits.max_bytes) as copy:
            if copy is None:
                return None  # the client says why, as ever
            owner = account_name(os.fstat(fd).st_uid)  # the file's, as the client's check has it
            app = checks()
            identity = replace(app.identity, file_owner=lambda _: owner)
            return lint.check_file(replace(app, identity=identity), copy)

    def close() -> None:
        if checks.cache_info().currsize:
            checks().close()

    return CheckServer(
        protocol.socket_folder(settings), protocol.fingerprint(settings), answer, close
    )
