"""Commands about the budgets: status, history, retrieve and withdraw."""

from __future__ import annotations

import dataclasses
import json
import logging
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from pipeline import cli_routing
from pipeline.cli_support import (
    Refused,
    echo_waiting,
    print_table,
    services_for,
)
from pipeline.domain.local_time import local_time
from pipeline.domain.route_words import action_words
from pipeline.domain.text import printable
from pipeline.errors import PipelineError
from pipeline.services import admin, status_health, status_page
from pipeline.services.context import Services
from pipeline.services.inbox import waiting

logger = logging.getLogger("pipeline")
_CONFIGURED_PAGE = "\0configured"  # ``--html`` without FILE: no file can be named this


STATUS_HEADER = (
    *("PROJECT", "IN THE ERP", "STATE", "VERSION", "TOTAL", "NET CHANGE"),
    *("SENDER", "CHANGED", "FILE"),
)


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--html",
    "html",
    is_flag=False,
    flag_value=_CONFIGURED_PAGE,
    default=None,
    metavar="[FILE]",
    help="Write the status page to FILE [default: the configured page, status/index.html].",
)
@click.pass_context
def status(ctx: click.Context, as_json: bool, html: str | None) -> None:
    """List every budget and its state (or write the status page)."""
    app = services_for(ctx)  # refused while the state looks lost: that is what is wrong
    if html is not None:
        target = None if html == _CONFIGURED_PAGE else Path(html).resolve()
        try:
            written = status_page.write_page(app, target)
        except (PipelineError, OSError) as exc:
            raise Refused(str(exc)) from exc
        click.echo(f"status page written: {written}")
        return
    rows = admin.status(app)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
        return
    if not rows:
        click.echo("no budgets yet: drop a workbook into inbox/")
    else:
        table = [STATUS_HEADER]
        table += [
            (
                r.project_number,
                r.erp_cell,
                f"{r.status}, escalated" if r.escalated else r.status,
                f"v{r.version}",
                r.total,
                r.net_change,
                r.sender,
                _local(app, r.changed_at),
                r.where,
            )
            for r in rows
        ]
        print_table(table)
        cli_routing.echo_routes(app, rows)
    cli_routing.echo_delegations(app)
    echo_waiting(waiting(app))
    for problem in app.environment_check():
        click.echo(printable(f"files wait: {problem}"))
    _echo_daemons(app)


def _local(app: Services, moment: str) -> str:
    """An ISO moment of ``status --json`` as people read it; "" stays ""."""
    return local_time(datetime.fromisoformat(moment), app.settings.time_zone) if moment else ""


def _echo_daemons(app: Services) -> None:
    """The daemons the database knows (PostgreSQL; SQLite keeps no such list), less those
    not heard of for a day."""
    daemons = status_health.daemons_seen_lately(app)
    if daemons:
        click.echo("")
        rows = [("DAEMON HOST", "PID", "STARTED", "LAST HEARTBEAT", "")]
        rows += [
            (
                d.host,
                str(d.pid),
                local_time(d.started_at, app.settings.time_zone),
                local_time(d.heartbeat_at, app.settings.time_zone),
                "alive" if d.alive else "stale: no heartbeat within the lease",
            )
            for d in daemons
        ]
        print_table(rows)


@click.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def history(ctx: click.Context, project: str, as_json: bool) -> None:
    """Print the audit trail of PROJECT: submissions, refusals, decisions, exports."""
    app = services_for(ctx)
    try:
        events = admin.history(app, project)
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    if as_json:
        click.echo(
            json.dumps(
                [{**dataclasses.asdict(e), "at": e.at.isoformat()} for e in events],
                indent=2,
                default=str,
            )
        )
        return
    for event in events:
        sha = f" sha256:{event.file_sha256[:12]}" if event.file_sha256 else ""
        account = f" [account {event.account}]" if event.account else ""
        click.echo(
            printable(
                f"{local_time(event.at, app.settings.time_zone)} {_version(event.version)} "
                f"{action_words(event.action):<16} "
                f"{event.actor or '-'}{account}: {event.detail}{sha}"
            )
        )


def _version(number: int) -> str:
    """``v2``; a workbook refused before it became a version shows as ``--``."""
    return f"v{number}" if number else "--"


@click.command()
@click.argument("project")
@click.option(
    "--by",
    default=None,
    help="Who retrieves it (name or email) [default: the person your account belongs to].",
)
@click.pass_context
def retrieve(ctx: click.Context, project: str, by: str | None) -> None:
    """Take PROJECT's budget back from the approver before they answer (unlocks it)."""
    _act(ctx, admin.retrieve, project, by, "retrieved and unlocked")


@click.command()
@click.argument("project")
@click.option(
    "--by",
    default=None,
    help="Who withdraws it (name or email) [default: the person your account belongs to].",
)
@click.pass_context
def withdraw(ctx: click.Context, project: str, by: str | None) -> None:
    """Close PROJECT's rejected budget without re-sending it."""
    _act(ctx, admin.withdraw, project, by, "withdrawn")


def _act(ctx: click.Context, action: Any, project: str, by: str | None, done: str) -> None:
    app = services_for(ctx)
    try:
        budget = action(app, project, by)
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    status_page.refresh(app)  # people see it at once, not at the daemon's next pass
    click.echo(f"{project}: version {budget.version} {done}")
