"""Commands about workbooks and ERP files: template, export."""

from __future__ import annotations

from pathlib import Path

import click

from pipeline.cli_support import Refused, services_for
from pipeline.domain.names import project_stem
from pipeline.errors import NotAnOpenJob, PipelineError
from pipeline.services import export as erp_export
from pipeline.services.sharing import project_item


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
    app = services_for(ctx, reads_only=True)  # writes a workbook, not the state
    target = output or Path(f"budget-{project_stem(project) if project else 'template'}.xlsx")
    if target.exists():
        raise Refused(f"{target} exists; choose another --output")
    try:
        app.workbooks.write_template(target, project)
    except NotAnOpenJob as exc:
        raise Refused(str(exc)) from exc
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
        # Not while another daemon's pass works on the same budget (PostgreSQL).
        with app.store.hold(project_item(project), wait=True):
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
