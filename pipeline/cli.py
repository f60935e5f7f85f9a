"""The command line: a thin layer that loads the workspace, calls a use case and reports.

Exit codes: 0 all fine, 1 some file was refused or failed, 2 usage or configuration error.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

import click

from pipeline import __version__, cli_documents, cli_mail, cli_routing, cli_state
from pipeline.adapters.files.settling import future_dated
from pipeline.bootstrap_checks import check_server
from pipeline.bootstrap_state import back_up_when_due, state_store_text
from pipeline.cli_support import (
    OneLineFormatter,
    Refused,
    UsageFailure,
    environment_failure,
    print_table,
    services_for,
)
from pipeline.config import Settings, init_workspace
from pipeline.domain.local_time import local_time
from pipeline.domain.names import RESULTS
from pipeline.domain.route_words import action_words
from pipeline.domain.text import printable
from pipeline.errors import EnvironmentFault, PipelineError, StateDatabaseCorrupt
from pipeline.example_lists import examples_written_message, write_example_lists
from pipeline.services import admin, status_health, status_page
from pipeline.services.context import Services
from pipeline.services.inbox import Waiting, waiting
from pipeline.services.processing import process_once

logger = logging.getLogger("pipeline")
_CONFIGURED_PAGE = "\0configured"  # ``--html`` without FILE: no file can be named this


class _Commands(click.Group):
    """The command group; a damaged state database ends any command with exit code 2 and
    one line saying what to do (it passes every per-item trap: see the exception)."""

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


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.pass_context
def init(ctx: click.Context, directory: Path | None) -> None:
    """Make a workspace in DIRECTORY (default: the workspace folder)."""
    root = directory or ctx.obj["workspace"]
    created = init_workspace(root)
    examples = write_example_lists(root)
    for path in created + examples:
        click.echo(f"created {path}")
    click.echo(f"workspace ready in {root.resolve()}; list your people in rules/people.toml")
    if examples:
        click.echo(examples_written_message(examples))


@cli.command()
@click.pass_context
def process(ctx: click.Context) -> None:
    """Process what is in inbox/ and approval/ now, then exit (for cron and tests)."""
    app = services_for(ctx, start_worker=_has_work)
    outcomes = process_once(app)
    settings = app.settings
    if future_dated([settings.inbox, settings.approval, settings.outbox / RESULTS], time.time()):
        # A file dated ahead settles only by watching it: this one pass, with no earlier
        # ones, watches it for the settle time itself, then takes it if it has not changed.
        time.sleep(settings.settle_seconds)
        outcomes += process_once(app)
    back_up_when_due(settings, app.clock.now())  # as the daemon does, for cron
    for outcome in outcomes:
        click.echo(str(outcome))
    pending = waiting(app)
    _echo_waiting(pending)
    if not outcomes and not pending:
        click.echo("nothing to do")
    if any(outcome.is_failure for outcome in outcomes):
        sys.exit(1)


def _has_work(settings: Settings) -> bool:
    """Whether inbox/ holds anything: then the parse worker is started at once, beside this
    process's own start-up, instead of at the first file. Not for approval/, which holds
    review workbooks awaiting their approver on most passes: a saved one starts it there."""
    try:
        with os.scandir(settings.inbox) as entries:
            return any(not entry.name.startswith(".") for entry in entries)
    except OSError:
        return False


def _has_samples(root: Path) -> bool:
    """Whether the workspace holds sample budgets to try (the repository's does)."""
    return any((root / "examples").glob("*.xlsx"))


def _echo_waiting(pending: list[Waiting]) -> None:
    for item in pending:
        click.echo(
            printable(f"inbox/{item.name}: waiting, {item.reason} (in about {item.due_in:.0f} s)")
        )


@cli.command()
@click.pass_context
def watch(ctx: click.Context) -> None:
    """Run the daemon: watch inbox/ and approval/ until stopped (Ctrl-C or SIGTERM)."""
    from pipeline.adapters.files.watcher import watch as watch_folders

    app = services_for(ctx, start_worker=True)
    logging.getLogger().setLevel(logging.INFO)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        logger.info("signal %d: finishing the current file, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    settings = app.settings

    def run_pass() -> None:
        for outcome in process_once(app, respect_backoff=True):
            (logger.warning if outcome.is_failure else logger.info)("%s", outcome)
        back_up_when_due(settings, app.clock.now())
        logger.debug("pass done")  # --verbose: lets whoever watches the log count the passes

    click.echo(
        f"budget-erp watching {settings.inbox}, {settings.approval} and "
        f"{settings.outbox / 'results'}, {state_store_text(settings)}; Ctrl-C stops\n"
        f"Drop a budget workbook (.xlsx) into {settings.inbox}"
        # The repository's own workspace ships samples; a new user's first question is what
        # to drop, so point at them (README, "Try it").
        + (
            "; to try a sample from examples/, see 'Try it' in README.md"
            if _has_samples(settings.root)
            else ""
        )
    )
    app.store.start_presence()  # on PostgreSQL: this daemon's row, and its heartbeat
    checks = check_server(app)  # `check` on this workspace is answered here, warm
    checks.start()
    try:
        watch_folders(
            [settings.inbox, settings.approval, settings.outbox / RESULTS],
            run_pass,
            settle_seconds=settings.settle_seconds,
            scan_interval=settings.scan_interval_seconds,
            polling=settings.watch_mode == "polling",
            poll_interval=settings.poll_interval_seconds,
            stop=stop,
            modified=app.folders.modified,
        )
    finally:
        checks.stop()
        app.store.close()
    click.echo("stopped")


STATUS_HEADER = (
    *("PROJECT", "IN THE ERP", "STATE", "VERSION", "TOTAL", "NET CHANGE"),
    *("SENDER", "CHANGED", "FILE"),
)


@cli.command()
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
    _echo_waiting(waiting(app))
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


@cli.command()
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


@cli.command()
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


@cli.command()
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


# Commands kept in their own modules join the group here (registration, no I/O).
for command in (
    cli_documents.check,
    cli_documents.template,
    cli_documents.export,
    cli_mail.summary,
    cli_mail.mail,
    cli_state.migrate_state,
    cli_state.state,
    cli_state.prune,
):
    cli.add_command(command)


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
