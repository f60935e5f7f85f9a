"""Deliver notifications: SMTP for real, .eml files for the embedded default, or nothing.

Failures are sorted the way a mail server means them: 4xx and unreachable servers are
temporary (retry later), 5xx are permanent.
"""

from __future__ import annotations

import email.policy
import email.utils
import hashlib
import smtplib
import ssl
from email.message import EmailMessage
from pathlib import Path

from pipeline.adapters.files.file_operations import atomic_write
from pipeline.config import SmtpSettings
from pipeline.domain.notification import Notification
from pipeline.domain.text import clean_text
from pipeline.errors import MailPermanentError, MailTemporaryError

# RFC 5322 allows 998 characters a line; folding at 78 puts a long subject on a line of its
# own, which some readers show with a leading space.
MAIL_POLICY = email.policy.SMTP.clone(max_line_length=998)
SUBJECT_MAX = 200  # characters; a name of hundreds of characters still makes a readable one


def header_text(value: str, limit: int = SUBJECT_MAX) -> str:
    """A header value on one line: every header passes here, whatever template or field it
    came from, so no file name or Project Number can break (or inject into) the headers."""
    text = " ".join(clean_text(value).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def build_message(notification: Notification, sender: str) -> EmailMessage:
    """The MIME message: plain text with an HTML alternative, a Message-ID fixed by the key;
    the addresses in copy in Cc."""
    message = EmailMessage(policy=MAIL_POLICY)
    message["Subject"] = header_text(notification.subject)
    message["From"] = header_text(sender)
    message["To"] = header_text(", ".join(notification.to))
    if notification.copy_to:  # smtplib sends to the Cc addresses too (send_message)
        message["Cc"] = header_text(", ".join(notification.copy_to))
    message["Date"] = email.utils.format_datetime(notification.created_at)
    message["Message-ID"] = notification.message_id
    message.set_content(notification.text)
    message.add_alternative(notification.html, subtype="html")
    return message


class FileTransport:
    """Writes each message as an .eml file into the mail folder; a message is written once."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def __call__(self, notification: Notification, sender: str) -> None:
        """Write ``<time>-<key hash>.eml`` unless that message is already there."""
        tag = hashlib.sha256(notification.key.encode()).hexdigest()[:16]
        self.folder.mkdir(parents=True, exist_ok=True)
        if any(self.folder.glob(f"*-{tag}.eml")):
            return
        stamp = notification.created_at.strftime("%Y%m%dT%H%M%S")
        target = self.folder / f"{stamp}-{notification.template}-{tag}.eml"
        message = build_message(notification, sender)
        atomic_write(target, lambda temp: temp.write_bytes(bytes(message)))


class NullTransport:
    """Sends nothing (``transport = "none"``)."""

    def __call__(self, notification: Notification, sender: str) -> None:
        """Do nothing."""


class SmtpTransport:
    """Sends through an SMTP server, connecting for each message (never at construction)."""

    def __init__(self, settings: SmtpSettings, user: str = "", password: str = "") -> None:
        self.settings, self.user, self.password = settings, user, password

    def __call__(self, notification: Notification, sender: str) -> None:
        """Send one message or raise MailTemporaryError / MailPermanentError."""
        message = build_message(notification, sender)
        s = self.settings
        try:
            client = (
                smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout_seconds, context=ssl.create_default_context()
                )
                if s.ssl
                else smtplib.SMTP(s.host, s.port, timeout=s.timeout_seconds)
            )
            with client:
                if s.starttls and not s.ssl:
                    client.starttls(context=ssl.create_default_context())
                if self.user:
                    client.login(self.user, self.password)
                refused = client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            raise _by_code(
                min(code for code, _ in exc.recipients.values()),
                f"recipients refused: {exc.recipients}",
            ) from exc
        except smtplib.SMTPResponseException as exc:
            raise _by_code(exc.smtp_code, f"{exc.smtp_code} {exc.smtp_error!r}") from exc
        except (smtplib.SMTPException, OSError) as exc:  # unreachable, dropped: try later
            raise MailTemporaryError(f"{type(exc).__name__}: {exc}") from exc
        if refused:  # some got it; the others will not by retrying the same message
            raise MailPermanentError(f"some recipients refused: {refused}")


def _by_code(code: int, text: str) -> MailTemporaryError | MailPermanentError:
    return MailTemporaryError(text) if 400 <= code < 500 else MailPermanentError(text)
