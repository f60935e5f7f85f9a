"""Commands about workbooks and ERP files: check, template, export."""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

import click

from pipeline.bootstrap import workbook_checker
from pipeline.cli_support import Refused, print_table, services_for
from pipeline.config import CONFIG_NAME, default_settings
from pipeline.domain.names import project_stem
from pipeline.domain.problems import Problem, errors
from pipeline.errors import PipelineError
from pipeline.services import export as erp_export
from pipeline.services import lint


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def check(ctx: click.Context, files: tuple[Path, ...], as_json: bool) -> None:
    """Check workbooks as intake would, without sending them; exit 1 on any error.

    Inside a workspace every check runs, against its people and the state of each budget;
    outside one, only the workbook's own checks (with the packaged rules), and it says so.
    """
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
            rows = [("WHERE", "SEVERITY", "RULE", "PROBLEM")] + [
                (p.where or "-", str(p.severity), p.rule, _problem_text(p)) for p in problems
            ]
            if problems:
                print_table(rows)
        if report.not_run:
            click.echo(f"{path}: not checked: {'; '.join(report.not_run)}", err=as_json)
    if any(errors(report.problems) for report in found.values()):
        sys.exit(1)


def _reports(ctx: click.Context, files: tuple[Path, ...]) -> dict[Path, lint.CheckReport]:
    workspace: Path = ctx.obj["workspace"]
    if not (workspace / CONFIG_NAME).is_file():
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
            path: lint.CheckReport(report.problems, [*(report.not_run or [skipped]), layout])
            for path, report in reports.items()
        }
    app = services_for(ctx, start_worker=True)
    return {path: lint.check_file(app, path) for path in files}


def _problem_text(problem: Problem) -> str:
    value = f" (found {problem.value!r})" if problem.value else ""
    return f"{problem.message}{value}. {problem.hint}".rstrip(". ")


@click.command()
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
    app = services_for(ctx)
    target = output or Path(f"budget-{project_stem(project) if project else 'template'}.xlsx")
    if target.exists():
        raise Refused(f"{target} exists; choose another --output")
    app.write_template(target, project)
    click.echo(f"wrote {target}")


@click.command()
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
    default=None,
    help="Who asks (name or email) [default: the person your account belongs to].",
)
@click.pass_context
def export(
    ctx: click.Context,
    project: str,
    again: bool,
    profile: str | None,
    output: Path | None,
    by: str | None,
) -> None:
    """Export PROJECT's accepted budget, write its export --again, or render it in --profile."""
    app = services_for(ctx)
    try:
        if profile:
            spec = app.exporter.profile(profile)
            target = output or Path(f"{project_stem(project)}.{profile}.{spec.extension}")
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
