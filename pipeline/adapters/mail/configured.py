"""The transport ``[mail] transport`` names (SMTP, .eml files, or none), built at the first
message: smtplib and email are imported then, so a command that sends nothing loads neither."""

from __future__ import annotations

import functools
import os

from pipeline.config import Settings
from pipeline.domain.notification import Notification
from pipeline.services import ports


def configured_transport(settings: Settings) -> ports.MailTransport:
    """The configured transport, built at the first message."""
    built = functools.cache(lambda: _built_transport(settings))

    def send(notification: Notification, sender: str) -> None:
        built()(notification, sender)

    return send


def _built_transport(settings: Settings) -> ports.MailTransport:
    from pipeline.adapters.mail.transport import FileTransport, NullTransport, SmtpTransport

    if settings.mail_transport == "smtp":
        # Secrets only from the environment, never from a file in the workspace.
        return SmtpTransport(
            settings.smtp,
            os.environ.get("BUDGET_ERP_SMTP_USER", ""),
            os.environ.get("BUDGET_ERP_SMTP_PASSWORD", ""),
        )
    if settings.mail_transport == "file":
        return FileTransport(settings.mail_dir)
    return NullTransport()
