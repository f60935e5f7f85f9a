"""What every command shares: exceptions with exit codes, loading the workspace, tables.

Light to import: the wiring (``bootstrap``) and the use cases load when a command asks for
its Services, so a command answered without them (a ``check`` a daemon answers) starts fast.
"""

from __future__ import annotations

import contextlib
import logging
import sqlite3
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import click

from pipeline.bootstrap_client import SQLITE_ENVIRONMENT_CODES
from pipeline.config import Settings, load_settings
from pipeline.domain.text import printable
from pipeline.errors import ConfigError, EnvironmentFault, WorkspaceError

if TYPE_CHECKING:
    from pipeline.services.context import Services
    from pipeline.services.inbox import Waiting


class UsageFailure(click.ClickException):
    """A configuration or workspace problem: exit code 2."""

    exit_code = 2


class Refused(click.ClickException):
    """An expected, reportable failure of the action asked for: exit code 1."""

    exit_code = 1


def services_for(
    ctx: click.Context,
    start_worker: bool | Callable[[Settings], bool] = False,
    reads_only: bool = False,
) -> Services:
    """The workspace's Services; ``start_worker`` (or a test of the settings) for a command
    that will read workbooks: the parse worker then starts at once, in the background. A
    command is refused (exit 2) while the state looks lost, ``status`` too, as that is
    what is wrong; ``reads_only`` for one that neither writes nor shows the state."""
    from pipeline.bootstrap import bootstrap
    from pipeline.state_guard import check_state_kept

    try:
        settings = load_settings(ctx.obj["workspace"])
        if not reads_only:
            check_state_kept(settings)
        start = start_worker(settings) if callable(start_worker) else start_worker
        app = bootstrap(settings, start_worker=start)
    except (ConfigError, WorkspaceError) as exc:
        raise UsageFailure(str(exc)) from exc
    ctx.call_on_close(app.close)  # the command's workers and connection end with it
    if not reads_only:
        # The state exists (created and migrated) before any work is done in the folders: a
        # process killed in its first pass must not leave archived bytes without a state,
        # which the guard above would then take for a lost one. A state that cannot be opened
        # now (a read-only or full disk) is left for the command to meet and say so itself.
        with contextlib.suppress(sqlite3.Error, OSError, EnvironmentFault):
            app.store.last_pass()
    return app


def environment_failure(exc: BaseException) -> str:
    """What is wrong with the disk, the permissions or the state database, when ``exc``
    is such a fault (a command that meets one ends with this line); "" otherwise."""
    if isinstance(exc, sqlite3.Error):
        code = getattr(exc, "sqlite_errorcode", 0) & 0xFF
        return f"state database: {exc}" if code in SQLITE_ENVIRONMENT_CODES else ""
    from pipeline.services.containment import environment_fault

    return environment_fault(exc)


class OneLineFormatter(logging.Formatter):
    """Each log message on one line, whatever a file name or Project Number in it holds."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        """The message with hidden characters shown as escapes; a traceback still follows."""
        return printable(super().formatMessage(record))


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    """Columns aligned; what users typed is shown with hidden characters escaped."""
    rows = [tuple(printable(cell) for cell in row) for row in rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def echo_waiting(pending: list[Waiting]) -> None:
    """One line for each inbox file not taken yet, with why and when it will be."""
    for item in pending:
        click.echo(
            printable(f"inbox/{item.name}: waiting, {item.reason} (in about {item.due_in:.0f} s)")
        )
