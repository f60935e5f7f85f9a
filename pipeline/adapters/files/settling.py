"""When a file counts as last modified, by our own observation as well as by its clock.

A file is settled once its size and modified time have not changed for ``settle_seconds``
of this process's watching. A modified time in the past is believed (an old file is taken
at once, as from cron); one in the future (a copy that kept its times, a clock stepped
back) counts from when we first saw the file as it is; and a file seen to change counts
from that change, whatever its modified time says.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from pipeline.adapters.files.file_operations import is_ignored

_FORGET_AFTER = 3600.0  # a path not seen for this long is forgotten (it has gone)
_REMEMBERED = 1000

_Key = tuple[int, int, int]  # inode, size, modified time in ns


class Observations:
    """What this process has seen of each file: the same (inode, size, modified time) since
    when, by the monotonic clock, and how old the file said it was then."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._seen: dict[Path, tuple[_Key, float, float, float]] = {}  # + first, age, last
        self._forget_over = _REMEMBERED  # past this many paths, the stale ones are forgotten

    def modified(self, path: Path, stat: os.stat_result, now: float) -> float:
        """The wall-clock time ``path`` counts as last modified, ``now`` being the time."""
        key = (stat.st_ino, stat.st_size, stat.st_mtime_ns)
        moment = self._clock()
        seen = self._seen.get(path)
        if seen is None:  # first sight: a modified time in the past is believed
            seen = (key, moment, max(0.0, now - stat.st_mtime), moment)
        elif seen[0] != key:  # seen to change: from now on, whatever its time says
            seen = (key, moment, 0.0, moment)
        else:
            seen = (*seen[:3], moment)
        self._seen[path] = seen
        if len(self._seen) > self._forget_over:
            self._forget(moment)
        return now - (moment - seen[1]) - seen[2]

    def _forget(self, moment: float) -> None:
        for path in [p for p, s in self._seen.items() if moment - s[3] > _FORGET_AFTER]:
            del self._seen[path]
        # Forgotten again only once as many more are seen: with thousands of files waiting
        # (reviews in approval/), a pass does not look at every path for each file.
        self._forget_over = max(_REMEMBERED, 2 * len(self._seen))


def future_dated(folders: Iterable[Path], now: float) -> bool:
    """Whether any file in these folders says it was modified after ``now``."""
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if is_ignored(entry.name) or not entry.is_file(follow_symlinks=False):
                        continue
                    if entry.stat(follow_symlinks=False).st_mtime > now:
                        return True
        except OSError:  # gone or unreadable: nothing to wait for there
            continue
    return False
