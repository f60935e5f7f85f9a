"""What every command shares: exceptions with exit codes, loading the workspace, tables."""

from __future__ import annotations

from collections.abc import Sequence

import click

from pipeline.bootstrap import bootstrap
from pipeline.config import load_settings
from pipeline.errors import ConfigError, WorkspaceError
from pipeline.services.context import Services


class UsageFailure(click.ClickException):
    """A configuration or workspace problem: exit code 2."""

    exit_code = 2


class Refused(click.ClickException):
    """An expected, reportable failure of the action asked for: exit code 1."""

    exit_code = 1


def services_for(ctx: click.Context) -> Services:
    try:
        return bootstrap(load_settings(ctx.obj["workspace"]))
    except (ConfigError, WorkspaceError) as exc:
        raise UsageFailure(str(exc)) from exc


def print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )
