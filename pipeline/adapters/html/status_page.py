"""Render the status page from ``templates/status/index.html.j2``: one static HTML file, its
CSS inline, no script and no outside address, every text escaped whatever the template's name."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from pipeline.domain.local_time import local_time
from pipeline.domain.status_view import StatusView

if TYPE_CHECKING:  # imported when the page is first rendered: `status` alone never loads it
    import jinja2

TEMPLATE = "status/index.html.j2"


def status_environment(templates: object, time_zone: str = "UTC") -> jinja2.Environment:
    """Workspace templates first, then the packaged defaults; autoescaping always on. Filter:
    ``local_time``, a moment in the workspace's time zone ("2026-12-06 09:14 CST"), as the
    emails show it."""
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(
            [
                jinja2.FileSystemLoader(str(templates)),
                jinja2.PackageLoader("pipeline", "workspace_defaults/templates"),
            ]
        ),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # project names and reasons come from workbooks: never markup
        trim_blocks=True,
        lstrip_blocks=True,
    )

    def shown(at: datetime) -> str:
        return local_time(at, time_zone)

    env.filters["local_time"] = shown
    return env


class JinjaStatusPage:
    """The ``StatusPageRenderer`` port on Jinja."""

    def __init__(self, env: Callable[[], jinja2.Environment]) -> None:
        self.env = env  # built on first use; a broken template is logged by the pass

    def __call__(self, view: StatusView) -> str:
        """The page as one HTML document."""
        return self.env().get_template(TEMPLATE).render(view=view)
