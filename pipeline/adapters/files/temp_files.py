"""The temporary files of budget-erp's own writes: how they are named, whose they are, whether
their writer still lives, and the sweep that clears the ones an interrupted write left."""

from __future__ import annotations

import enum
import errno
import hashlib
import itertools
import logging
import os
import re
import socket
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from pipeline.config import Settings
from pipeline.domain.names import CHANGES, FAILED, REFUSED, RESULTS

logger = logging.getLogger(__name__)

PREFIX = ".budget-erp-tmp-"
SUFFIX = ".tmp"
_NAME = re.compile(
    rf"^{re.escape(PREFIX)}(?P<host>[0-9a-f]{{8}})-(?P<boot>[0-9a-f]{{8}})-(?P<pid>\d+)"
    rf"-(?P<start>\d+)-(?P<n>\d+){re.escape(SUFFIX)}$"
)
_counter = itertools.count()  # next() on a count is atomic under the GIL: safe across threads


@dataclass(frozen=True, slots=True)
class Writer:
    """The process that writes a temporary file: host and boot tags, pid, start time."""

    host: str
    boot: str
    pid: int
    start: int  # clock ticks after boot (/proc/<pid>/stat, field 22); 0 where unknown


class Liveness(enum.Enum):
    """What a temporary file's name says about its writer, seen from this process."""

    ALIVE = "alive"
    DEAD = "dead"
    FOREIGN = "another host"  # its pid means nothing here: never removed by a pid check


def _tag(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest()[:8]


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()
    except OSError:
        return ""


def process_stat(pid: int) -> tuple[str, int] | None:
    """``pid``'s state letter and start time (clock ticks after boot), or None if /proc
    does not show it (no such process, a process hidden by ``hidepid``, or no /proc)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes()
        # The command name (field 2) may hold spaces and parentheses: count from its last ")".
        fields = stat[stat.rindex(b")") + 2 :].split()
        return fields[0].decode("ascii"), int(fields[19])  # fields 3 and 22 of the line
    except (OSError, ValueError, IndexError, UnicodeDecodeError):
        return None


_me: Writer | None = None


def this_writer() -> Writer:
    """This process, as its temporary names describe it (recomputed after a fork)."""
    global _me
    pid = os.getpid()
    if _me is None or _me.pid != pid:
        seen = process_stat(pid)
        _me = Writer(_tag(socket.gethostname()), _tag(_boot_id()), pid, seen[1] if seen else 0)
    return _me


def temp_name(writer: Writer, number: int) -> str:
    """The ``number``-th temporary name of ``writer``: the prefix, who writes, and a count.

    It never holds the target's name: it stays short, and never looks like a workbook.
    """
    return f"{PREFIX}{writer.host}-{writer.boot}-{writer.pid}-{writer.start}-{number}{SUFFIX}"


def temp_path(folder: Path) -> Path:
    """A fresh temporary file name in ``folder`` for a write by this process."""
    return folder / temp_name(this_writer(), next(_counter))


def is_temporary(name: str) -> bool:
    """Whether ``name`` looks like one of our temporary files (by its prefix)."""
    return name.startswith(PREFIX)


def writer_of(name: str) -> Writer | None:
    """The writer a temporary name records, or None if it is not one of ours."""
    match = _NAME.match(name)
    if match is None:
        return None
    return Writer(match["host"], match["boot"], int(match["pid"]), int(match["start"]))


def liveness(writer: Writer) -> Liveness:
    """Whether ``writer`` may still be writing: a pid counts only with its start time."""
    me = this_writer()
    if writer.host != me.host:
        return Liveness.FOREIGN
    if writer.boot != me.boot:
        return Liveness.DEAD  # this machine restarted since: every process of then is gone
    if (writer.pid, writer.start) == (me.pid, me.start):
        return Liveness.ALIVE
    seen = process_stat(writer.pid)
    if seen is None:  # hidden from us, or no /proc: the pid alone must do
        return Liveness.ALIVE if _pid_exists(writer.pid) else Liveness.DEAD
    state, start = seen
    # A zombie is dead, only not reaped yet; another start time means the pid was reused.
    return Liveness.ALIVE if state not in ("Z", "X") and start == writer.start else Liveness.DEAD


def _pid_exists(pid: int) -> bool:
    """For a process /proc hides (hidepid) or a system without /proc: ask the kernel."""
    try:
        os.kill(pid, 0)
    except OverflowError:  # no pid is that large
        return False
    except OSError as exc:
        return exc.errno != errno.ESRCH  # EPERM: it exists, only not ours to signal
    return True


class TempSweeper:
    """Removes the temporary files whose writer (on this host) is dead.

    ``flat`` folders are looked at alone, ``trees`` with every folder below them (the
    archive's ``sha256/xx``). ``before_remove`` maps a folder to what must go before one of
    its dead temporaries does (the outbox withdraws the manifest that named it).
    """

    def __init__(
        self,
        flat: Iterable[Path],
        trees: Iterable[Path] = (),
        before_remove: Mapping[Path, Callable[[Path], None]] | None = None,
    ) -> None:
        self.flat, self.trees = list(flat), list(trees)
        self.before_remove = dict(before_remove or {})
        self._reported: set[Path] = set()

    def __call__(self) -> list[Path]:
        """Sweep every folder once; return the temporaries removed."""
        removed: list[Path] = []
        foreign: set[Path] = set()
        for folder in self.flat:
            removed += self._sweep(folder, foreign, recurse=False)
        for folder in self.trees:
            removed += self._sweep(folder, foreign, recurse=True)
        for path in sorted(foreign - self._reported):
            logger.info("%s: written by another host; left for that host to clear", path)
        self._reported = foreign
        return removed

    def _sweep(self, folder: Path, foreign: set[Path], recurse: bool) -> list[Path]:
        removed: list[Path] = []
        subfolders: list[Path] = []
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if is_temporary(entry.name):
                        path = Path(entry.path)
                        if self._remove_if_dead(path, foreign):
                            removed.append(path)
                    elif recurse and entry.is_dir(follow_symlinks=False):
                        subfolders.append(Path(entry.path))
        except (FileNotFoundError, NotADirectoryError):  # status/ before it exists, say
            return removed
        for sub in subfolders:
            removed += self._sweep(sub, foreign, recurse=True)
        return removed

    def _remove_if_dead(self, path: Path, foreign: set[Path]) -> bool:
        writer = writer_of(path.name)
        if writer is None:
            return False
        state = liveness(writer)
        if state is Liveness.FOREIGN:
            foreign.add(path)
        if state is not Liveness.DEAD:
            return False
        hook = self.before_remove.get(path.parent)
        try:
            if hook is not None:
                hook(path)
            path.unlink()
        except FileNotFoundError:  # another sweeper was first
            return False
        except OSError as exc:  # a sweep never stops a pass; the next one tries again
            logger.warning("%s: cannot remove this stale temporary file: %s", path, exc)
            return False
        return True


def workspace_sweeper(settings: Settings, abandon_export: Callable[[Path], None]) -> TempSweeper:
    """The sweep of every folder budget-erp writes into (a crash can leave a temporary file
    in any of them); the archive with its ``sha256/xx`` folders. ``abandon_export``
    withdraws the manifest that names an ERP file's dead temporary (the outbox's publisher)."""
    return TempSweeper(
        flat=[
            settings.approval,
            settings.rejected,
            settings.current,
            settings.outbox,
            settings.outbox / CHANGES,  # change files the person importing must be told of
            settings.outbox / RESULTS / REFUSED,  # notes beside refused result files
            settings.outbox / FAILED,  # the ERP's message beside a file it refused
            settings.mail_dir,
            *([settings.status_page.parent] if settings.status_page else []),  # once it exists
        ],
        trees=[settings.archive],
        before_remove={settings.outbox: abandon_export, settings.outbox / CHANGES: abandon_export},
    )
