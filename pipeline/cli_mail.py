"""Commands about email: the daily summary now, and the queue."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from pipeline.cli_support import print_table, services_for
from pipeline.domain.notification import MailStatus, QueuedMail
from pipeline.services.daily_summary import queue_daily_mail
from pipeline.services.mail_delivery import DeliveryReport, deliver_due
from pipeline.services.sharing import MAIL


@click.command()
@click.pass_context
def summary(ctx: click.Context) -> None:
    """Send today's ERP Integrations Daily Summary now, unless it has gone out already."""
    app = services_for(ctx)
    # A daemon's pass delivers too: never both at once.
    with app.folders.pass_lock(), app.store.hold(MAIL, wait=True):
        queued = queue_daily_mail(app, force=True)
        report = deliver_due(app)
    for notification in queued:
        click.echo(f"queued {notification.key} to {', '.join(notification.to)}")
    if not queued:
        click.echo("nothing new to send: today's summary went out already, or nothing is pending")
    _report_delivery(report)


@click.command()
@click.option("--limit", default=50, show_default=True, help="How many recent messages to list.")
@click.option("--retry-failed", is_flag=True, help="Also retry messages the server refused.")
@click.pass_context
def mail(ctx: click.Context, limit: int, retry_failed: bool) -> None:
    """Show the mail queue and retry what waits (temporary failures), now."""
    app = services_for(ctx)
    # A daemon's pass delivers too: never both at once.
    with app.folders.pass_lock(), app.store.hold(MAIL, wait=True):
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
    print_table(rows)
    _report_delivery(report, queue)


def _report_delivery(report: DeliveryReport, queue: Sequence[QueuedMail] = ()) -> None:
    click.echo(
        f"sent {len(report.sent)}, retrying {len(report.retrying)}, failed {len(report.failed)}"
    )
    if report.failed or report.retrying or any(q.status is not MailStatus.SENT for q in queue):
        sys.exit(1)
