"""A real SMTP server for tests (aiosmtpd, in-process), which can be told to fail."""

from __future__ import annotations

import email
import email.policy
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller

from tests.support.workspace import Workspace


@dataclass
class Inbox:
    """What the server received, and the replies it should give to the next DATA commands."""

    messages: list[EmailMessage] = field(default_factory=list)
    replies: list[str] = field(default_factory=list)  # e.g. "451 4.3.0 try later"
    # Each kept message's envelope recipients (RCPT TO), beside it: who the server was asked
    # to deliver it to, Cc addresses included, whatever its headers say.
    envelopes: list[list[str]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        """aiosmtpd's hook: refuse with a queued reply, else keep the message."""
        if self.replies:
            return self.replies.pop(0)
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append(list(envelope.rcpt_tos))
        return "250 OK"

    def subjects(self) -> list[str]:
        """Subjects received, in order."""
        return [str(m["Subject"]) for m in self.messages]

    def to(self, subject_start: str) -> list[str]:
        """Recipients of the messages whose subject starts so."""
        return [str(m["To"]) for m in self.messages if str(m["Subject"]).startswith(subject_start)]


def use_smtp(ws: Workspace, port: int) -> None:
    """Have the workspace send its mail to the test server on 127.0.0.1:``port``."""
    ws.configure("mail", transport="smtp", host="127.0.0.1", port=port)


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def smtp_server(port: int, inbox: Inbox) -> Iterator[Inbox]:
    """Run the server on 127.0.0.1:port while the block runs."""
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield inbox
    finally:
        controller.stop()
