"""Use case helper: the status page's links to the workspace's files, each only to a regular
file inside the workspace reached through no symbolic link, relative to the page's folder."""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.domain.status_view import FileLink, page_href
from pipeline.services.context import Services


class Links:
    """The page's links, relative to its ``folder``: each folder linked into is listed once
    (``Folders.regular_files``), not each file looked at."""

    def __init__(self, app: Services, folder: Path) -> None:
        self.app, self.folder = app, folder
        self._listed: dict[Path, frozenset[str]] = {}

    def __call__(self, target: Path, kind: str) -> tuple[FileLink, ...]:
        """A link to ``target`` if it is a regular file inside the workspace, reached through
        no symbolic link: never a link out of it, nor to a folder or a link put there."""
        root = self.app.settings.root
        if root not in target.parents or target.name not in self._names(target.parent):
            return ()
        relative = os.path.relpath(target, self.folder)  # pure: both paths are absolute
        return (FileLink(target.relative_to(root).as_posix(), page_href(relative), kind),)

    def _names(self, folder: Path) -> frozenset[str]:
        if folder not in self._listed:
            self._listed[folder] = self.app.folders.regular_files(folder)
        return self._listed[folder]
