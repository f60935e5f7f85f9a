"""The inbox as the intake sees it (the ``InboxFolder`` port): its entries seen through
``lstat`` (links are never followed), claims by an atomic rename into ``processing/``, and
the claims a crash or a failure left behind, with who made each and how often it has failed."""

from __future__ import annotations

import contextlib
import os
import stat
import time
import zipfile
from collections.abc import Callable
from pathlib import Path

from pipeline.adapters.files.file_operations import fsync_dir
from pipeline.adapters.files.settling import Observations
from pipeline.adapters.files.temp_files import PREFIX as OUR_TEMPORARY
from pipeline.services.ports import EntryKind, InboxEntry

# Never ours to answer: the repository's placeholder, and what Finder and Explorer leave.
LEFT_ALONE = frozenset({".gitkeep", ".DS_Store", "Thumbs.db", "desktop.ini"})
_TRY = ".try"
_CLAIMANT = "c"  # before the token of the store session that made a claim
# An empty claim folder is cleared once this old: a younger one may be another daemon's,
# between making it and renaming its file in.
EMPTY_CLAIM_SECONDS = 60.0


class LocalInbox:
    """``inbox/`` and its claim folder ``processing/`` (on the same file system)."""

    def __init__(
        self,
        inbox: Path,
        processing: Path,
        observations: Observations | None = None,
        claimant: Callable[[], str] = str,
    ) -> None:
        self.inbox, self.processing = inbox, processing
        self._observations = observations or Observations()
        self._claimant = claimant  # the store's session token, "" where there is none

    def entries(self) -> list[InboxEntry]:
        """Every entry of the inbox but our own temporaries and the OS's, oldest first; an
        entry's time is when it counts as last modified (``settling``)."""
        found = []
        now = time.time()
        names = sorted(os.listdir(self.inbox)) if self.inbox.is_dir() else []
        for name in names:
            if name in LEFT_ALONE or name.startswith(OUR_TEMPORARY):
                continue
            path = self.inbox / name
            try:
                st = path.lstat()
            except OSError:  # gone between listing and looking, or unreachable: skip it
                continue
            modified = self._observations.modified(path, st, now)
            found.append(
                InboxEntry(
                    path=path,
                    kind=_kind(st.st_mode),
                    size=st.st_size,
                    mtime=modified,
                    links=st.st_nlink,
                )
            )
        return sorted(found, key=lambda e: e.mtime)

    def is_complete_zip(self, path: Path) -> bool:
        """Whether the file is a whole zip (a workbook still being copied is not)."""
        return zipfile.is_zipfile(path)

    def claim(self, path: Path) -> Path | None:
        """Move the file into a claim folder of its own, named after who claims it; None if
        someone took it first."""
        token = self._claimant()
        owner = f"-{_CLAIMANT}{token}" if token else ""
        folder = self.processing / f"{time.time_ns()}-{os.getpid()}{owner}"
        folder.mkdir(parents=True)
        target = folder / path.name
        try:
            os.rename(path, target)
        except FileNotFoundError:
            with contextlib.suppress(OSError):
                folder.rmdir()
            return None
        fsync_dir(folder.parent)
        return target

    def claims(self) -> list[Path]:
        """Files claimed and not finished (by a pass now running, or before a crash or a
        failure); empty claim folders left a while are cleared."""
        found: list[Path] = []
        if not self.processing.is_dir():
            return found
        now = time.time()
        for folder in sorted(self.processing.iterdir()):
            with contextlib.suppress(FileNotFoundError):  # finished meanwhile
                entries = list(folder.iterdir()) if folder.is_dir() else []
                if not entries and now - folder.stat().st_mtime > EMPTY_CLAIM_SECONDS:
                    self.release(folder / "x")
                found.extend(entries)
        return found

    def claimant(self, claim: Path) -> str:
        """The token of the store session that made a claim ("" when it names none)."""
        owner = claim.parent.name.partition(_TRY)[0].split("-")[2:]
        return owner[0].removeprefix(_CLAIMANT) if owner else ""

    def tries(self, claim: Path) -> int:
        """How many passes this claim has failed."""
        _, _, count = claim.parent.name.partition(_TRY)
        return int(count) if count.isdigit() else 0

    def count_try(self, claim: Path) -> Path:
        """Note one more failed pass on a claim; where the claimed file now is."""
        folder = claim.parent
        token = folder.name.partition(_TRY)[0]
        moved = folder.with_name(f"{token}{_TRY}{self.tries(claim) + 1}")
        os.rename(folder, moved)
        return moved / claim.name

    def release(self, claim: Path) -> None:
        """Remove a claim folder once its file has left it (a failed one stays)."""
        with contextlib.suppress(OSError):
            claim.parent.rmdir()


def _kind(mode: int) -> EntryKind:
    if stat.S_ISLNK(mode):
        return EntryKind.LINK
    if stat.S_ISDIR(mode):
        return EntryKind.FOLDER
    return EntryKind.FILE if stat.S_ISREG(mode) else EntryKind.SPECIAL
