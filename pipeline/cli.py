"""The command line: a thin layer that loads the workspace, calls a use case and reports.

Exit codes: 0 all fine, 1 some file was refused or failed, 2 usage or configuration error.
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

import click

from pipeline import __version__
from pipeline.adapters.watcher import watch as watch_folders
from pipeline.bootstrap import bootstrap
from pipeline.config import init_workspace, load_settings
from pipeline.domain.notification import MailStatus, QueuedMail
from pipeline.domain.problems import Problem, errors
from pipeline.errors import ConfigError, PipelineError, WorkspaceError
from pipeline.services import admin, lint
from pipeline.services import export as erp_export
from pipeline.services.context import Services
from pipeline.services.mail_delivery import DeliveryReport, deliver_due
from pipeline.services.processing import process_once
from pipeline.services.summary import queue_daily_mail

logger = logging.getLogger("pipeline")


class UsageFailure(click.ClickException):
    """A configuration or workspace problem: exit code 2."""

    exit_code = 2


class Refused(click.ClickException):
    """An expected, reportable failure of the action asked for: exit code 1."""

    exit_code = 1


def _services(ctx: click.Context) -> Services:
    try:
        return bootstrap(load_settings(ctx.obj["workspace"]))
    except (ConfigError, WorkspaceError) as exc:
        raise UsageFailure(str(exc)) from exc


@click.group()
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
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(message)s",
        stream=sys.stderr,
    )
    ctx.obj = {"workspace": workspace}


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path), required=False)
@click.pass_context
def init(ctx: click.Context, directory: Path | None) -> None:
    """Make a workspace in DIRECTORY (default: the workspace folder)."""
    root = directory or ctx.obj["workspace"]
    created = init_workspace(root)
    for path in created:
        click.echo(f"created {path}")
    click.echo(f"workspace ready in {root.resolve()}; list your people in rules/people.toml")


@cli.command()
@click.pass_context
def process(ctx: click.Context) -> None:
    """Process what is in inbox/ and approval/ now, then exit (for cron and tests)."""
    app = _services(ctx)
    outcomes = process_once(app)
    for outcome in outcomes:
        click.echo(str(outcome))
    if not outcomes:
        click.echo("nothing to do")
    if any(outcome.is_failure for outcome in outcomes):
        sys.exit(1)


@cli.command()
@click.pass_context
def watch(ctx: click.Context) -> None:
    """Run the daemon: watch inbox/ and approval/ until stopped (Ctrl-C or SIGTERM)."""
    app = _services(ctx)
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

    click.echo(
        f"budget-erp watching {settings.inbox}, {settings.approval} and "
        f"{settings.outbox / 'results'}; Ctrl-C stops"
    )
    watch_folders(
        [settings.inbox, settings.approval, settings.outbox / "results"],
        run_pass,
        settle_seconds=settings.settle_seconds,
        scan_interval=settings.scan_interval_seconds,
        polling=settings.watch_mode == "polling",
        poll_interval=settings.poll_interval_seconds,
        stop=stop,
    )
    click.echo("stopped")


@cli.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    """Check workbooks against the rules without sending them; exit 1 on any error."""
    app = _services(ctx)
    found = {path: lint.check_file(app, path) for path in files}
    if as_json:
        click.echo(
            json.dumps(
                {
                    str(path): [dataclasses.asdict(p) for p in problems]
                    for path, problems in found.items()
                },
                indent=2,
            )
        )
    else:
        for path, problems in found.items():
            failing = len(errors(problems))
            click.echo(f"{path}: {failing} error(s), {len(problems) - failing} warning(s)")
            rows = [("WHERE", "SEVERITY", "RULE", "PROBLEM")] + [
                (p.where or "-", str(p.severity), p.rule, _problem_text(p)) for p in problems
            ]
            if problems:
                _print_table(rows)
    if any(errors(problems) for problems in found.values()):
        sys.exit(1)


def _problem_text(problem: Problem) -> str:
    value = f" (found {problem.value!r})" if problem.value else ""
    return f"{problem.message}{value}. {problem.hint}".rstrip(". ")


@cli.command()
@click.option("--project", default="", help="Project Number to fill in, and whose codes to offer.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Where to write it [default: budget-PROJECT.xlsx here].",
)
@click.pass_context
def template(ctx: click.Context, project: str, output: Path | None) -> None:
    """Write a blank budget workbook with dropdowns for the ERP's cost codes and types."""
    app = _services(ctx)
    target = output or Path(f"budget-{project or 'template'}.xlsx".replace("/", "_"))
    if target.exists():
        raise Refused(f"{target} exists; choose another --output")
    app.write_template(target, project)
    click.echo(f"wrote {target}")


@cli.command()
@click.pass_context
def summary(ctx: click.Context) -> None:
    """Send today's ERP Integrations Daily Summary now, unless it has gone out already."""
    app = _services(ctx)
    queued = queue_daily_mail(app, force=True)
    report = deliver_due(app)
    for notification in queued:
        click.echo(f"queued {notification.key} to {', '.join(notification.to)}")
    if not queued:
        click.echo("nothing new to send: today's summary went out already, or nothing is pending")
    _report_delivery(report)


@cli.command()
@click.option("--limit", default=50, show_default=True, help="How many recent messages to list.")
@click.option("--retry-failed", is_flag=True, help="Also retry messages the server refused.")
@click.pass_context
def mail(ctx: click.Context, limit: int, retry_failed: bool) -> None:
    """Show the mail queue and retry what waits (temporary failures), now."""
    app = _services(ctx)
    with app.store.transaction():
        app.store.requeue(app.clock.now(), failed_too=retry_failed)
    report = deliver_due(app)
    queue = app.store.mail_queue(limit)
    rows = [("STATUS", "ATTEMPTS", "CREATED", "TO", "SUBJECT", "LAST ERROR")] + [
        (
            str(q.status),
            str(q.attempts),
            q.notification.created_at.isoformat()[:16],
            ", ".join(q.notification.to),
            q.notification.subject[:60],
            q.last_error[:60],
        )
        for q in queue
    ]
    _print_table(rows)
    _report_delivery(report, queue)


def _report_delivery(report: DeliveryReport, queue: Sequence[QueuedMail] = ()) -> None:
    click.echo(
        f"sent {len(report.sent)}, retrying {len(report.retrying)}, failed {len(report.failed)}"
    )
    if report.failed or report.retrying or any(q.status is not MailStatus.SENT for q in queue):
        sys.exit(1)


@cli.command()
@click.argument("project")
@click.option("--again", is_flag=True, help="Write the last export once more (new sequence).")
@click.option("--profile", default=None, help="Render the last export in this profile instead.")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="With --profile: where to write it [default: here].",
)
@click.option(
    "--by",
    default=getpass.getuser,
    show_default="your user name",
    help="Who asks, for the audit trail.",
)
@click.pass_context
def export(
    ctx: click.Context, project: str, again: bool, profile: str | None, output: Path | None, by: str
) -> None:
    """Export PROJECT's accepted budget, write its export --again, or render it in --profile."""
    app = _services(ctx)
    try:
        if profile:
            spec = app.exporter.profile(profile)
            target = output or Path(f"{project}.{profile}.{spec.extension}".replace("/", "_"))
            erp_export.render_export(app, project, profile, target)
            click.echo(f"wrote {target} ({spec.description}); not recorded as an export")
            return
        record = (
            erp_export.export_again(app, project, by)
            if again
            else erp_export.export_accepted(app, project)
        )
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    click.echo(
        f"{project}: outbox/{record.file_name} ({record.profile}, {record.kind}, "
        f"{record.line_count} lines, total {record.total})"
    )


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """List every budget and its state."""
    rows = admin.status(_services(ctx))
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(r) for r in rows], indent=2))
        return
    if not rows:
        click.echo("no budgets yet: drop a workbook into inbox/")
        return
    table = [("PROJECT", "STATE", "VERSION", "SENDER", "CHANGED", "FILE")] + [
        (r.project_number, r.status, str(r.version), r.sender, r.changed_at[:16], r.where)
        for r in rows
    ]
    _print_table(table)


@cli.command()
@click.argument("project")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def history(ctx: click.Context, project: str, as_json: bool) -> None:
    """Print the audit trail of PROJECT: submissions, refusals, decisions, exports."""
    try:
        events = admin.history(_services(ctx), project)
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
        click.echo(
            f"{event.at:%Y-%m-%d %H:%M:%S} v{event.version} {event.action:<16} "
            f"{event.actor or '-'}: {event.detail}{sha}"
        )


@cli.command()
@click.argument("project")
@click.option(
    "--by",
    default=getpass.getuser,
    show_default="your user name",
    help="Who retrieves it, for the audit trail.",
)
@click.pass_context
def retrieve(ctx: click.Context, project: str, by: str) -> None:
    """Take PROJECT's budget back from the approver before they answer (unlocks it)."""
    _act(ctx, admin.retrieve, project, by, "retrieved and unlocked")


@cli.command()
@click.argument("project")
@click.option(
    "--by",
    default=getpass.getuser,
    show_default="your user name",
    help="Who withdraws it, for the audit trail.",
)
@click.pass_context
def withdraw(ctx: click.Context, project: str, by: str) -> None:
    """Close PROJECT's rejected budget without re-sending it."""
    _act(ctx, admin.withdraw, project, by, "withdrawn")


def _act(ctx: click.Context, action: Any, project: str, by: str, done: str) -> None:
    try:
        budget = action(_services(ctx), project, by)
    except PipelineError as exc:
        raise Refused(str(exc)) from exc
    click.echo(f"{project}: version {budget.version} {done}")


def _print_table(rows: Sequence[tuple[str, ...]]) -> None:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo(
            "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        )


def main() -> None:
    """Console entry point; click maps usage errors to exit code 2."""
    cli(prog_name="budget-erp")
