"""Commands about the state: ``migrate-state`` moves a workspace's SQLite state onto a
PostgreSQL server, so that daemons on several machines can share it; ``state backup``,
``state restore`` and ``state new`` keep it from being lost quietly; ``prune`` keeps it from
growing without end."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import click

from pipeline.bootstrap_state import (
    check_backup,
    copy_state,
    no_daemon_running,
    pass_lock,
    restore_backup,
    take_backup,
    wall_clock,
)
from pipeline.cli_support import Refused, UsageFailure, print_table, services_for
from pipeline.config import Settings, load_settings
from pipeline.errors import BackupRefused, ConfigError, PipelineError, WorkspaceError
from pipeline.services import retention
from pipeline.state_guard import start_over


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

    try:
        with pass_lock(settings):  # no daemon of this machine changes the state meanwhile
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


@click.group()
def state() -> None:
    """Back up the SQLite state, restore a backup, or start over on purpose."""


@state.command("backup")
@click.pass_context
def backup(ctx: click.Context) -> None:
    """Back up the SQLite state into state/backups/ now (the daemon does it every
    [state] backup_hours)."""
    settings = _sqlite_settings(ctx, "back up")
    if not settings.database.is_file():
        raise Refused(f"no state at {settings.database}: nothing to back up")
    try:
        taken = take_backup(settings.database, settings.backup_keep, _now())
    except BackupRefused as exc:
        raise Refused(str(exc)) from exc
    click.echo(f"state backed up to {taken}")


@state.command("restore")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.pass_context
def restore(ctx: click.Context, file: Path) -> None:
    """Put the backup FILE back as the state, after checking it (no daemon may run)."""
    settings = _sqlite_settings(ctx, "restore")
    try:
        checked = check_backup(file)
        with no_daemon_running(settings.database), pass_lock(settings):
            aside = restore_backup(file, settings.database, _now())
    except BackupRefused as exc:
        raise Refused(str(exc)) from exc
    click.echo(f"restored {file} ({checked.budgets} budget(s)) as {settings.database}")
    if aside is not None:
        click.echo(f"the state it replaced is kept as {aside}")


@state.command("new")
@click.option("--i-know", "i_know", is_flag=True, help="Yes: start over with an empty state.")
@click.pass_context
def new(ctx: click.Context, i_know: bool) -> None:
    """Start over with an empty state in a workspace that has done work before: what was
    sent before will not be matched (a change is taken as a new version 1)."""
    if not i_know:
        raise UsageFailure("starting over forgets every budget's history: add --i-know")
    settings = _settings(ctx)
    try:
        start_over(settings)
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    click.echo("started over with an empty state")


@click.command()
@click.option("--dry-run", is_flag=True, help="Only say what would be removed.")
@click.pass_context
def prune(ctx: click.Context, dry_run: bool) -> None:
    """Remove what is older than [retention] allows and no audit needs: notices in the
    history, mail sent, review bookkeeping of settled budgets, archived bytes nothing refers
    to. Decisions, exports and the versions sent are kept forever. Waits for a pass under way."""
    app = services_for(ctx)
    pruned = retention.prune(app, dry_run=dry_run)
    for line in pruned.lines(dry_run):
        click.echo(line)


def _settings(ctx: click.Context) -> Settings:
    try:
        return load_settings(ctx.obj["workspace"])
    except (ConfigError, WorkspaceError) as exc:
        raise UsageFailure(str(exc)) from exc


def _sqlite_settings(ctx: click.Context, action: str) -> Settings:
    settings = _settings(ctx)
    if settings.database_url:
        raise UsageFailure(
            f"the state is on PostgreSQL: {action} it with pg_dump and pg_restore "
            "(README, 'Backups')"
        )
    return settings


def _now() -> datetime:
    return wall_clock().now()
