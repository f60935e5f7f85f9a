"""Use case: one pass over the inbox. Take only finished regular files, claim each by an
atomic rename into ``processing/``, refuse links, special files and odd names without
following them, and finish whatever a crash left claimed."""

from __future__ import annotations

import contextlib
import os
import stat
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.adapters.folders import (
    fsync_dir,
    hand_back,
    is_ignored,
    is_open_in_office,
    safe_name,
)
from pipeline.faults import crash_point
from pipeline.services.context import Outcome, OutcomeKind, Services, logger


@dataclass(frozen=True)
class Entry:
    """One directory entry of the inbox, seen through ``lstat`` (links are not followed)."""

    path: Path
    mode: int
    size: int
    mtime: float
    links: int


def processing_folder(app: Services) -> Path:
    """Where claimed files wait while they are processed (same file system as the inbox)."""
    return app.settings.root / "processing"


def inbox_pass(
    app: Services, take: Callable[[Path, bool], Outcome], settle: float, now: float | None = None
) -> list[Outcome]:
    """Recover claims left by a crash, then claim and take every finished inbox file."""
    now = time.time() if now is None else now
    outcomes = [take(path, True) for path in _claimed(app)]
    for entry in _entries(app.settings.inbox):
        refusal = _odd(entry)
        if refusal:
            outcomes.append(_refuse_entry(app, entry, refusal))
            continue
        if not _ready(app, entry, settle, now):
            continue
        claimed = _claim(app, entry.path)
        if claimed is not None:
            crash_point("after_claim")
            outcomes.append(take(claimed, False))
            _release(claimed)
    return outcomes


def _entries(folder: Path) -> list[Entry]:
    found = []
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        return []
    for name in names:
        if is_ignored(name):
            continue
        path = folder / name
        try:
            st = path.lstat()
        except FileNotFoundError:  # gone between listing and looking: nothing to do
            continue
        if not stat.S_ISDIR(st.st_mode):
            found.append(Entry(path, st.st_mode, st.st_size, st.st_mtime, st.st_nlink))
    return sorted(found, key=lambda e: e.mtime)


def _odd(entry: Entry) -> str:
    """Why an entry is refused without being read, or "" for an ordinary file."""
    name = entry.path.name
    if stat.S_ISLNK(entry.mode):
        return "a symbolic link is not taken (it is never followed); drop the workbook itself"
    if not stat.S_ISREG(entry.mode):
        return "not a regular file (a pipe, socket or device) and is not read"
    if entry.links > 1:
        return "a hard link to another file is not taken; drop a copy of the workbook"
    if any(ord(ch) < 32 or ord(ch) == 127 or "\udc80" <= ch <= "\udcff" for ch in name):
        return f"the file name {name!r} holds control or undecodable characters; rename it"
    return ""


def _refuse_entry(app: Services, entry: Entry, reason: str) -> Outcome:
    name = entry.path.name
    safe = safe_name(name.encode("utf-8", "replace").decode("utf-8", "replace"))
    target = hand_back(
        entry.path, app.settings.rejected, f"budget-erp refused {name!r}: {reason}.\n", name=safe
    )
    logger.warning("%r refused: %s", name, reason)
    return Outcome(
        OutcomeKind.REFUSED, entry.path, "", f"{reason} (moved to rejected/{target.name})"
    )


def _ready(app: Services, entry: Entry, settle: float, now: float) -> bool:
    """Finished: untouched for the settle time, a whole zip, not open in Excel or Calc.

    An empty, truncated or locked file is held; once it has not changed for
    ``incomplete_seconds`` it is taken anyway, so it is refused with a reason, not kept.
    """
    age = now - entry.mtime
    if age < settle:
        return False
    if age >= app.settings.incomplete_seconds:
        return True
    return not (
        entry.size == 0 or is_open_in_office(entry.path) or not zipfile.is_zipfile(entry.path)
    )


def _claim(app: Services, path: Path) -> Path | None:
    """Move the file into a claim folder of its own; None if someone took it first."""
    token = f"{time.time_ns()}-{os.getpid()}"
    folder = processing_folder(app) / token
    folder.mkdir(parents=True)
    target = folder / path.name
    try:
        os.rename(path, target)
    except FileNotFoundError:
        folder.rmdir()
        return None
    fsync_dir(folder.parent)
    return target


def _claimed(app: Services) -> list[Path]:
    """Files claimed before a crash, to be finished now; empty claim folders are cleared."""
    found = []
    root = processing_folder(app)
    if not root.is_dir():
        return []
    for folder in sorted(root.iterdir()):
        entries = list(folder.iterdir()) if folder.is_dir() else []
        if not entries:
            _release(folder / "x")
            continue
        found.extend(entries)
    if found:
        logger.warning("finishing %d file(s) claimed before a restart", len(found))
    return found


def _release(claimed: Path) -> None:
    """Remove a claim folder once its file has left it."""
    # The file is still there after a failure: the claim stays for the next pass.
    with contextlib.suppress(OSError):
        claimed.parent.rmdir()
