"""Render notifications from ``templates/email/``: a plain-text part (its first line is the
subject) and an HTML part with autoescaping. Workspace templates win over packaged defaults."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.domain.local_time import local_time
from pipeline.domain.text import clean_lines, then
from pipeline.services.ports import RenderedMail

if TYPE_CHECKING:  # imported when the environment is built: a command that renders nothing
    import jinja2  # never loads jinja2


def template_environment(templates: object, time_zone: str = "UTC") -> jinja2.Environment:
    """The one Jinja environment: workspace templates first, then the packaged defaults.
    Filters: ``local_time`` (a moment in the workspace's time zone, "2026-12-06 09:14
    CST") and ``then`` (a text and what follows it, with no doubled punctuation)."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(templates)),
                jinja2.PackageLoader("pipeline", "workspace_defaults/templates"),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=jinja2.select_autoescape(["html", "xml", "html.j2"]),
        keep_trailing_newline=True,
    )

    def shown(at: datetime) -> str:
        return local_time(at, time_zone)

    env.filters["local_time"] = shown
    env.filters["then"] = then
    return env


class JinjaMailRenderer:
    """Renders ``email/<name>.txt.j2`` (``Subject: ...`` first) and ``email/<name>.html.j2``."""

    def __init__(self, env: Callable[[], jinja2.Environment]) -> None:
        self.env = env  # built on first use
        self._mail_env: jinja2.Environment | None = None

    def __call__(self, template: str, context: dict[str, object]) -> RenderedMail:
        """Render both parts of one message."""
        import jinja2

        if self._mail_env is None:  # its own template cache, kept for the next message
            self._mail_env = self.env().overlay(finalize=_mail_text)
        env = self._mail_env
        text = env.get_template(f"email/{template}.txt.j2").render(**context)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise jinja2.TemplateError(f"email/{template}.txt.j2 must start with 'Subject: '")
        html = env.get_template(f"email/{template}.html.j2").render(**context)
        return RenderedMail(first.removeprefix("Subject:").strip(), body.lstrip("\n"), html)


def _mail_text(value: object) -> object:
    """Every value a template writes into a message, cleaned (``clean_lines``): no control
    or invisible character that a file name, a Project Number or a typed reason carried
    reaches a person's mail. Markup stays markup: cleaning only removes characters."""
    if isinstance(value, str):
        return type(value)(clean_lines(value))
    return value
