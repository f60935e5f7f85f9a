"""Commands about where the state lives: ``migrate-state`` moves a workspace's SQLite state
onto a PostgreSQL server, so that daemons on several machines can share it."""

from __future__ import annotations

import click

from pipeline.adapters.files.workspace_folders import LocalFolders
from pipeline.cli_support import Refused, UsageFailure, print_table
from pipeline.config import load_settings
from pipeline.errors import ConfigError, PipelineError, WorkspaceError


@click.command("migrate-state")
@click.option(
    "--to",
    "url",
    required=True,
    help="The empty PostgreSQL database, as a libpq URL (postgresql://user@host:5432/budget); "
    "the password from PGPASSWORD or ~/.pgpass.",
)
@click.pass_context
def migrate_state(ctx: click.Context, url: str) -> None:
    """Copy this workspace's SQLite state (budgets, versions, lines, decisions, exports,
    notifications, history) into an empty PostgreSQL database, and check the counts."""
    try:
        settings = load_settings(ctx.obj["workspace"])
    except (ConfigError, WorkspaceError) as exc:
        raise UsageFailure(str(exc)) from exc
    if not url.startswith(("postgresql://", "postgres://")):
        raise UsageFailure(f"--to must be a postgresql:// URL, not {url!r}")
    from pipeline.adapters.postgres.state_copy import copy_state  # psycopg only when asked

    lock = LocalFolders(settings.archive, settings.database.parent / "pass.lock")
    try:
        with lock.pass_lock():  # no daemon of this machine changes the state meanwhile
            copies = copy_state(settings.database, url)
    except ConfigError as exc:
        raise UsageFailure(str(exc)) from exc
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    print_table(
        [("TABLE", "SQLITE", "POSTGRESQL")]
        + [(c.table, str(c.sqlite_rows), str(c.postgres_rows)) for c in copies]
    )
    click.echo(
        f"copied {sum(c.postgres_rows for c in copies)} rows; the counts match. Set "
        "[state] url (or BUDGET_ERP_DATABASE_URL) to use it; the SQLite file is left as it was"
    )
