"""Signs in a workspace's folders that it has done work before: archived files, review
workbooks, files for the ERP, current budgets, handed-back files. With such signs, a missing
or empty state is a lost state, never a fresh start (see ``bootstrap.check_state_kept``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from pipeline.config import Settings
from pipeline.domain.names import is_review_file


def earlier_work(settings: Settings) -> list[str]:
    """What was found, one phrase per folder (``approval/P-1001_v1_review.xlsx``); [] for a
    workspace that has done nothing yet. One example each: enough to say, cheap to find."""
    root = settings.root
    signs: list[tuple[Path, Callable[[str], bool], bool]] = [
        (settings.archive / "sha256", _any, True),
        (settings.approval, is_review_file, False),
        (settings.outbox, _any, False),
        (root / "current", _any, False),
        (settings.rejected, _any, False),
    ]
    found = []
    for folder, wanted, deep in signs:
        example = next(_files(folder, wanted, deep), None)
        if example is not None:
            found.append(_relative(example, root))
    return found


def _any(name: str) -> bool:
    return True


def _files(folder: Path, wanted: Callable[[str], bool], deep: bool) -> Iterator[Path]:
    """Regular files under ``folder`` (below it too when ``deep``), hidden ones left out
    (our temporary files are hidden)."""
    for top, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if deep and not d.startswith("."))
        for name in sorted(names):
            path = Path(top) / name
            if not name.startswith(".") and wanted(name) and path.is_file():
                yield path


def _relative(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:  # a folder configured outside the workspace
        return str(path)
