"""What ``status`` says of approval routing, below its table: for each version awaiting
approval on a route of several levels, the levels it was sent under, the level it waits on
and who receives it, and the earlier levels' Accepts; then the delegations in force today.
A workspace of one level with nobody away sees none of it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import click

from pipeline.domain.local_time import local_time
from pipeline.domain.route_words import accepted, needed_text
from pipeline.domain.text import printable
from pipeline.services.admin import StatusRow
from pipeline.services.context import Services
from pipeline.services.route_standing import delegations_today


def echo_routes(app: Services, rows: Sequence[StatusRow]) -> None:
    """Each waiting version's route, its Accepts at the workspace's local time."""
    zone = app.settings.time_zone
    lines: list[str] = []
    for row in rows:
        if not row.waiting_level or len(row.levels) < 2:
            continue
        levels = needed_text([(level.name, level.why) for level in row.levels])
        lines.append(f"{row.project_number} v{row.version} needs {levels}")
        for earlier in row.accepted:
            when = local_time(datetime.fromisoformat(earlier.at), zone)
            lines.append(f"  {accepted(earlier.level, earlier.who, when)}")
        receivers = ", ".join(row.receivers) or "nobody listed"
        lines.append(f"  waits on {row.waiting_level}: {receivers}")
    if lines:
        click.echo("")
    for line in lines:
        click.echo(printable(line))


def echo_delegations(app: Services) -> None:
    """The delegations running today, if any."""
    running = delegations_today(app, app.identity.people())
    if running:
        click.echo("")
        click.echo("Delegations in force today:")
    for delegation in running:
        click.echo(printable(f"  {delegation}"))
