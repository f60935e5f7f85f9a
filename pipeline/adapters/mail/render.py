"""Render notifications from ``templates/email/``: a plain-text part (its first line is the
subject) and an HTML part with autoescaping. Workspace templates win over packaged defaults."""

from __future__ import annotations

import jinja2

from pipeline.services.ports import RenderedMail


def template_environment(templates: object) -> jinja2.Environment:
    """The one Jinja environment: workspace templates first, then the packaged defaults."""
    return jinja2.Environment(
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


class JinjaMailRenderer:
    """Renders ``email/<name>.txt.j2`` (``Subject: ...`` first) and ``email/<name>.html.j2``."""

    def __init__(self, env: jinja2.Environment) -> None:
        self.env = env

    def __call__(self, template: str, context: dict[str, object]) -> RenderedMail:
        """Render both parts of one message."""
        text = self.env.get_template(f"email/{template}.txt.j2").render(**context)
        first, _, body = text.partition("\n")
        if not first.startswith("Subject:"):
            raise jinja2.TemplateError(f"email/{template}.txt.j2 must start with 'Subject: '")
        html = self.env.get_template(f"email/{template}.html.j2").render(**context)
        return RenderedMail(first.removeprefix("Subject:").strip(), body.lstrip("\n"), html)
