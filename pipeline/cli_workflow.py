"""Commands that run the workflow: init, process (one pass) and watch (the daemon)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
import time
from pathlib import Path
from types import FrameType

import click

from pipeline.bootstrap_checks import check_server
from pipeline.bootstrap_client import future_dated
from pipeline.bootstrap_state import back_up_when_due, state_store_text
from pipeline.cli_support import (
    echo_waiting,
    services_for,
)
from pipeline.config import Settings, init_workspace
from pipeline.domain.names import RESULTS
from pipeline.example_lists import examples_written_message, write_example_lists
from pipeline.services.inbox import waiting
from pipeline.services.processing import process_once

logger = logging.getLogger("pipeline")


@click.command()
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


@click.command()
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
    echo_waiting(pending)
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


@click.command()
@click.pass_context
def watch(ctx: click.Context) -> None:
    """Run the daemon: watch inbox/ and approval/ until stopped (Ctrl-C or SIGTERM)."""
    from pipeline.bootstrap import watch_workspace  # watchdog only for the daemon

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
        watch_workspace(app, run_pass, stop)
    finally:
        checks.stop()
        app.store.close()
    click.echo("stopped")
