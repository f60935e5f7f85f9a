"""The ``check`` command: a workbook checked as intake would check it, without sending it.

Most often a daemon runs on the workspace and answers over its socket within a blink, so
this module imports only what that needs; the workbook checker, the checks that need the
state and the wiring are imported where a check falls back to its own worker (the
imports inside the functions below), so a check the daemon answers never loads them.
"""

from __future__ import annotations

import dataclasses
import json
import sys
import textwrap
from pathlib import Path

import click

from pipeline.bootstrap_client import COLUMN_TITLES, checked_by_daemon
from pipeline.cli_support import UsageFailure, print_table, services_for
from pipeline.config import CONFIG_NAME, Settings, default_settings, load_settings
from pipeline.domain.column_names import FIELDS, IGNORE, REQUIRED_FIELDS, ColumnNames
from pipeline.domain.problems import CheckReport, Problem, errors
from pipeline.errors import PipelineError

# How the names of ``check --columns`` are read (README, "The workbooks", says the same).
COLUMN_RULES = (
    "Case, spaces and punctuation aside: U/M, u.m. and UM are one name.",
    "The table's header row is the first that names a cost code, a cost type and an amount.",
    "A column is read under the first of its names that the header row holds; of two "
    "columns with the same name, the leftmost. The other is not read and is reported "
    "(column.duplicate): Amount is read before Total.",
    "Unit is the unit of measure and Units the quantity (a Unit column of numbers is "
    "reported: column.uom_numbers); Type is read as the cost type only where no Cost Type or "
    "Category column is there.",
    "The company's own names, [column_names] in rules/validation.toml, come first (marked *): "
    '"Unit" = "unit_cost" reads Unit as the price, "Notes" = "ignore" neither reads nor '
    "reports a column.",
    "A column that is not read is reported when its title is nearly one of these names "
    "(column.misnamed: Qantity) or it holds numbers beside the columns read "
    "(column.numbers_not_read).",
)


@click.command()
@click.argument(
    "files", nargs=-1, required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option(
    "--columns", is_flag=True, help="List the names the line table's columns are read under."
)
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool, columns: bool) -> None:
    """Check workbooks as intake would, without sending them; exit 1 on any error.

    Inside a workspace every check runs, against its people and the state of each budget;
    outside one, only the workbook's own checks (with the packaged rules), and it says so.
    With --columns, list the names a budget's columns are read under instead.
    """
    if columns and files:
        raise click.UsageError("--columns lists the names columns are read under: no workbooks")
    if columns:
        _print_columns(ctx, as_json)
        return
    if not files:
        raise click.UsageError("give the workbooks to check, or --columns")
    found = _reports(ctx, files)
    if as_json:
        click.echo(
            json.dumps(
                {
                    str(path): [dataclasses.asdict(p) for p in report.problems]
                    for path, report in found.items()
                },
                indent=2,
            )
        )
    for path, report in found.items():
        problems = report.problems
        if not as_json:
            failing = len(errors(problems))
            click.echo(f"{path}: {failing} error(s), {len(problems) - failing} warning(s)")
            if report.approval:
                click.echo(f"Approval: {report.approval}")
            rows = [("WHERE", "SEVERITY", "RULE", "PROBLEM")] + [
                (p.where or "-", str(p.severity), p.rule, _problem_text(p)) for p in problems
            ]
            if problems:
                print_table(rows)
        if report.approval and as_json:  # beside the JSON, whose shape scripts rely on
            click.echo(f"{path}: approval: {report.approval}", err=True)
        if report.not_run:
            click.echo(f"{path}: not checked: {'; '.join(report.not_run)}", err=as_json)
    if any(errors(report.problems) for report in found.values()):
        sys.exit(1)


def _reports(ctx: click.Context, files: tuple[Path, ...]) -> dict[Path, CheckReport]:
    workspace: Path = ctx.obj["workspace"]
    if not (workspace / CONFIG_NAME).is_file():
        return _outside_a_workspace(ctx, workspace, files)
    # A daemon running on the workspace answers at once, with its warm parse worker; what
    # it leaves (or when none runs) is checked here, alike but slower.
    settings = _loaded(workspace)
    found = {path: checked_by_daemon(settings, path) for path in files} if settings else {}
    left = [path for path in files if found.get(path) is None]
    if left:
        from pipeline.services import lint

        app = services_for(ctx, start_worker=True, reads_only=True)
        found.update({path: lint.check_file(app, path) for path in left})
    return {path: report for path, report in found.items() if report is not None}


def _outside_a_workspace(
    ctx: click.Context, workspace: Path, files: tuple[Path, ...]
) -> dict[Path, CheckReport]:
    """The workbooks' own checks, with the packaged rules; those needing a workspace named."""
    from pipeline.bootstrap import workbook_checker
    from pipeline.services import lint

    # No [export] to say which ERP layout a job's budget must fit: none is checked.
    read, stop = workbook_checker(
        dataclasses.replace(default_settings(workspace), export_profile="")
    )
    ctx.call_on_close(stop)
    outside = f"outside a workspace ({workspace.resolve()} has no {CONFIG_NAME})"
    reports = {path: lint.check_workbook(read, path) for path in files}
    skipped = f"{', '.join(lint.STATE_CHECKS)} ({outside})"
    layout = f"{lint.LAYOUT_CHECKS} ({outside}: no job's ERP profile is known)"
    return {
        path: CheckReport(report.problems, [*(report.not_run or [skipped]), layout])
        for path, report in reports.items()
    }


def _loaded(workspace: Path) -> Settings | None:
    """The workspace's settings; None when they cannot be read (``services_for`` says why)."""
    try:
        return load_settings(workspace)
    except (PipelineError, OSError):
        return None


def _print_columns(ctx: click.Context, as_json: bool) -> None:
    from pipeline.bootstrap import column_names

    workspace: Path = ctx.obj["workspace"]
    try:
        names = column_names(_settings(workspace))
    except PipelineError as exc:
        raise UsageFailure(str(exc)) from exc
    if as_json:
        listed = [{"name": n.text, "field": n.field, "company": n.company} for n in names.names]
        click.echo(json.dumps({"column_names": listed, "rules": COLUMN_RULES}, indent=2))
        return
    click.echo("The line table's columns are read under these names:")
    print_table([("COLUMN", "NAMES, THE FIRST FOUND IS READ"), *_column_rows(names)])
    click.echo("")
    for rule in COLUMN_RULES:
        click.echo(textwrap.fill(rule, 92, initial_indent="- ", subsequent_indent="  "))


def _settings(workspace: Path) -> Settings:
    if (workspace / CONFIG_NAME).is_file():
        return load_settings(workspace)
    return default_settings(workspace)


def _column_rows(names: ColumnNames) -> list[tuple[str, str]]:
    """One row per field (required ones marked), its names wrapped into the next rows."""
    rows: list[tuple[str, str]] = []
    for name in (*FIELDS, IGNORE):
        spellings = [f"{n.text}{'*' if n.company else ''}" for n in names.of_field(name)]
        if not spellings:
            continue
        title = "(not read)" if name == IGNORE else COLUMN_TITLES[name]
        title += " (required)" if name in REQUIRED_FIELDS else ""
        lines = [""]
        for spelling in spellings:  # wrapped between names, never inside one
            if lines[-1] and len(lines[-1]) + len(spelling) > 60:
                lines.append("")
            lines[-1] += f"{spelling}, "
        rows += [(title if i == 0 else "", line) for i, line in enumerate(lines)]
        rows[-1] = (rows[-1][0], rows[-1][1].rstrip(", "))
    return rows


def _problem_text(problem: Problem) -> str:
    value = f" (found {problem.value!r})" if problem.value else ""
    return f"{problem.message}{value}. {problem.hint}".rstrip(". ")
