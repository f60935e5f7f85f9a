"""The command line: a thin layer that loads the workspace, calls a use case and reports.

Exit codes: 0 all fine, 1 some file was refused or failed, 2 usage or configuration error.

Each command lives in a module of its kind (``cli_workflow``, ``cli_budgets``, ``cli_check``,
``cli_documents``, ``cli_mail``, ``cli_state``), imported only when that command runs: a
``check`` a running daemon answers, or ``status``, does not load the use cases and adapters
of every other command first (``tests/e2e/test_command_imports.py``).
"""

from __future__ import annotations

import importlib
import logging
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from pipeline import __version__
from pipeline.cli_support import OneLineFormatter, UsageFailure, environment_failure
from pipeline.domain.text import printable
from pipeline.errors import EnvironmentFault, StateDatabaseCorrupt

logger = logging.getLogger("pipeline")

# Every command, in the order ``--help`` lists them, and the module that holds it.
COMMANDS = {
    "init": "pipeline.cli_workflow",
    "process": "pipeline.cli_workflow",
    "watch": "pipeline.cli_workflow",
    "status": "pipeline.cli_budgets",
    "history": "pipeline.cli_budgets",
    "retrieve": "pipeline.cli_budgets",
    "withdraw": "pipeline.cli_budgets",
    "check": "pipeline.cli_check",
    "template": "pipeline.cli_documents",
    "export": "pipeline.cli_documents",
    "summary": "pipeline.cli_mail",
    "mail": "pipeline.cli_mail",
    "migrate-state": "pipeline.cli_state",
    "state": "pipeline.cli_state",
    "prune": "pipeline.cli_state",
}


class _Commands(click.Group):
    """The command group: a command's module is imported when that command is asked for. A
    damaged state database ends any command with exit code 2 and one line saying what to do
    (it passes every per-item trap: see the exception)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command, in the order of ``COMMANDS``."""
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command named, its module imported now; None for a name we do not know."""
        if cmd_name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[cmd_name])
        command: click.Command = getattr(module, cmd_name.replace("-", "_"))
        return command

    def invoke(self, ctx: click.Context) -> Any:
        """Run the command asked for."""
        try:
            return super().invoke(ctx)
        except StateDatabaseCorrupt as exc:
            logger.critical("%s", exc)
            raise UsageFailure(str(exc)) from None


@click.group(cls=_Commands)
@click.version_option(__version__, prog_name="budget-erp")
@click.option(
    "--workspace",
    "-w",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default="current directory",
    help="The workspace folder (holds budget-erp.toml).",
)
@click.option("--verbose", "-v", is_flag=True, help="Log every step.")
@click.pass_context
def cli(ctx: click.Context, workspace: Path, verbose: bool) -> None:
    """Carry budget workbooks from inbox/ through an accounting approver to the ERP."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(OneLineFormatter("%(asctime)s %(levelname)s %(message)s"))
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
    if verbose:  # tracebacks of contained failures are logged at debug level
        logging.getLogger("pipeline").setLevel(logging.DEBUG)
    ctx.obj = {"workspace": workspace}


def main() -> None:
    """Console entry point; click maps usage errors to exit code 2. A fault of the
    environment that no item's trap holds (a full or read-only disk, a state database that
    cannot be reached) ends the command with one line and exit code 1, not a traceback
    (that only with ``-v``)."""
    try:
        cli(prog_name="budget-erp")
    except (EnvironmentFault, OSError, sqlite3.Error) as exc:
        fault = environment_failure(exc)
        if not fault:
            raise
        logger.debug("traceback", exc_info=exc)
        click.echo(printable(f"Error: {fault}"), err=True)
        sys.exit(1)
