"""Notifications rendered from ``templates/email/*.txt.j2`` and written as .eml files.

The embedded default needs no mail server: each message lands in the workspace's mail folder.
The template's first line is ``Subject: ...``; the rest is the body.
"""

from __future__ import annotations

import email.utils
from collections.abc import Sequence
from email.message import EmailMessage
from pathlib import Path

import jinja2

from pipeline.adapters.folders import atomic_write, safe_name
from pipeline.services.ports import Clock


def template_environment(templates: Path) -> jinja2.Environment:
    """The one Jinja environment: workspace templates first, then the packaged defaults."""
    return jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(templates),
                jinja2.PackageLoader("pipeline", "workspace_defaults/templates"),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml"]),
        keep_trailing_newline=True,
    )


def render_message(
    env: jinja2.Environment,
    template: str,
    sender: str,
    to: Sequence[str],
    context: dict[str, object],
) -> EmailMessage:
    """Render ``email/<template>.txt.j2`` into an EmailMessage."""
    text = env.get_template(f"email/{template}.txt.j2").render(**context)
    first, _, body = text.partition("\n")
    message = EmailMessage()
    message["Subject"] = first.removeprefix("Subject:").strip()
    message["From"] = sender
    message["To"] = ", ".join(to)
    message["Date"] = email.utils.formatdate(localtime=False)
    message.set_content(body.lstrip("\n"))
    return message


class FileNotifier:
    """Writes each notification as an .eml file into the mail folder."""

    def __init__(self, env: jinja2.Environment, folder: Path, sender: str, clock: Clock) -> None:
        self.env, self.folder, self.sender, self.clock = env, folder, sender, clock
        self._count = 0

    def __call__(self, template: str, to: Sequence[str], context: dict[str, object]) -> None:
        """Render and write one message; nobody to tell means nothing is written."""
        if not to:
            return
        message = render_message(self.env, template, self.sender, to, context)
        self._count += 1
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%f")
        name = f"{stamp}-{self._count:04d}-{safe_name(template)}.eml"
        atomic_write(self.folder / name, lambda temp: temp.write_bytes(bytes(message)))


class NullNotifier:
    """Sends nothing (``[mail] transport = "none"``)."""

    def __call__(self, template: str, to: Sequence[str], context: dict[str, object]) -> None:
        """Do nothing."""
