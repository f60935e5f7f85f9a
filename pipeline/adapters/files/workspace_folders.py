"""The workspace's folders as the use cases see them (the ``Folders`` port): hashing, the
archive, atomic writes, hand-backs, settled listings, Office's open files, the pass lock."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from pipeline.adapters.files.file_operations import (
    archive_copy,
    archived_files,
    archived_path,
    atomic_write,
    exists,
    free_name,
    fsync_dir,
    hand_back,
    is_open_in_office,
    regular_file,
    regular_files,
    settled_files,
    sha256_file,
    signature,
    squatter,
    written_before_commit,
)
from pipeline.adapters.files.settling import Observations
from pipeline.adapters.files.taken import taken_file
from pipeline.domain.names import REFUSED_NOTE, refused_note
from pipeline.errors import FileTooLarge, UnreadableFile
from pipeline.services.ports import ArchivedFile, TakenFile


class LocalFolders:
    """The ``Folders`` port on the local file system (or a share mounted on it)."""

    def __init__(
        self,
        archive: Path,
        lock: Path,
        pass_lock: Callable[[], contextlib.AbstractContextManager[None]] | None = None,
        observations: Observations | None = None,
    ) -> None:
        self.archive_root, self.lock_path = archive, lock
        self._observations = observations or Observations()
        self._shared_lock = pass_lock  # the database's, when daemons share it across machines
        self._soon: dict[Path, Future[None]] = {}
        self._archiver: ThreadPoolExecutor | None = None

    def sha256(self, path: Path) -> str:
        """The hex sha256 of a file's bytes."""
        return sha256_file(path)

    def take(
        self, path: Path, max_bytes: int | None = None
    ) -> contextlib.AbstractContextManager[TakenFile]:
        """The file opened once: its owner, mode, hash and a private copy of its bytes."""
        return taken_file(path, max_bytes)

    def keep(self, taken: TakenFile) -> None:
        """Keep a taken file's bytes forever under their hash (from its private copy)."""
        soon = self._soon.pop(taken.path, None)
        if soon is not None:
            soon.exception()  # waited for, so two copies of the same bytes never race
        archive_copy(taken.content, self.archive_root, taken.sha256)

    def archive(self, path: Path, sha256: str | None = None) -> str:
        """Keep the file's bytes forever under their hash; return the hash."""
        sha = sha256 or sha256_file(path)
        soon = self._soon.pop(path, None)
        if soon is not None:
            soon.exception()  # waited for; if it failed, or the file changed, copied below
        archive_copy(path, self.archive_root, sha)  # nothing to do if that copy holds them
        return sha

    def archive_soon(self, paths: Sequence[Path]) -> None:
        """Start keeping these files in the archive, in the background: the copy's fsyncs
        then overlap the work on the file before them. ``archive`` of one waits for it."""
        for path in paths:
            if path not in self._soon:
                if self._archiver is None:
                    self._archiver = ThreadPoolExecutor(1, thread_name_prefix="archive")
                self._soon[path] = self._archiver.submit(self._archive_now, path)

    def _archive_now(self, path: Path) -> None:
        with taken_file(path) as taken:  # hashed and copied from one read: never mislabelled
            archive_copy(taken.content, self.archive_root, taken.sha256)

    def restore(self, sha256: str, suffix: str, target: Path) -> bool:
        """Write archived bytes back to ``target``; False if the archive lacks them."""
        source = archived_path(self.archive_root, sha256, suffix)
        if not source.is_file():
            return False
        atomic_write(target, lambda temp: shutil.copyfile(source, temp))
        return True

    def archived(self, sha256: str, suffix: str) -> Path | None:
        """Where the archive keeps these bytes, to be read; None if it lacks them."""
        source = archived_path(self.archive_root, sha256, suffix)
        return source if source.is_file() else None

    def archived_files(self) -> list[ArchivedFile]:
        """Every file the archive keeps under its hash (``archive/sha256/xx/``)."""
        return archived_files(self.archive_root)

    def discard_archived(self, item: ArchivedFile) -> None:
        """Remove archived bytes (``prune``: nothing kept refers to them any more)."""
        item.path.unlink(missing_ok=True)

    def write(self, target: Path, write: Callable[[Path], object]) -> None:
        """Write ``target`` through ``write(temporary)``: whole or not at all."""
        atomic_write(target, write)

    def write_text(self, target: Path, text: str) -> None:
        """Write a text file (UTF-8) whole or not at all."""
        atomic_write(target, lambda temp: temp.write_text(text, encoding="utf-8"))

    def exists(self, path: Path) -> bool:
        """Whether a directory entry is there (a link counts; it is not followed)."""
        return exists(path)

    def squatter(self, path: Path) -> str:
        """What holds ``path`` if not a regular file (a link, a folder...); "" otherwise."""
        return squatter(path)

    def regular_file(self, path: Path) -> bool:
        """Whether ``path`` is a regular file reached through no symbolic link."""
        return regular_file(path)

    def regular_files(self, folder: Path) -> frozenset[str]:
        """The names of the regular files in ``folder``, in one listing (see ``folders``)."""
        return regular_files(folder)

    def signature(self, path: Path) -> tuple[int, ...] | None:
        """What changes with the file (inode, size, times); None when it is gone."""
        return signature(path)

    def modified(self, path: Path) -> float | None:
        """When the file last changed (``settling``: a future time counts from when we first saw
        it), or None when it is gone."""
        try:
            return self._observations.modified(path, path.lstat(), time.time())
        except OSError:
            return None

    def remove(self, path: Path) -> None:
        """Remove a file if it is there."""
        path.unlink(missing_ok=True)

    def retire(self, path: Path, sha256: str | None = None) -> None:
        """A workbook has served: keep its bytes in the archive, remove it and its note."""
        if path.is_file():
            self.archive(path, sha256)
        path.unlink(missing_ok=True)
        path.with_name(refused_note(path.name)).unlink(missing_ok=True)

    def hand_back(self, source: Path, folder: Path, note: str, name: str | None = None) -> Path:
        """Move a file into ``folder`` with a report beside it; the new path."""
        return hand_back(source, folder, note, name)

    def handed_back_in(self, folder: Path) -> list[tuple[Path, float]]:
        """The files handed back into ``folder`` still there (a ``.refused.txt`` beside each),
        with when their note was written, oldest first."""
        found = []
        for note in folder.glob("*" + REFUSED_NOTE):
            handed = note.with_name(note.name.removesuffix(REFUSED_NOTE))
            with contextlib.suppress(OSError):  # gone meanwhile: its admin took it
                if handed.is_file():
                    found.append((handed, note.stat().st_mtime))
        return sorted(found, key=lambda item: (item[1], item[0].name))

    def move_into(self, source: Path, folder: Path) -> Path:
        """Move a file into ``folder`` under its name, or ``name (2)``...; the new path."""
        folder.mkdir(parents=True, exist_ok=True)
        target = free_name(folder, source.name)
        try:
            os.rename(source, target)
        except OSError:
            shutil.move(source, target)
        fsync_dir(folder)
        return target

    def settled(self, folder: Path, settle_seconds: float, now: float) -> list[Path]:
        """Regular files of a folder untouched for ``settle_seconds``, oldest first."""
        return settled_files(folder, settle_seconds, now, self._observations.modified)

    def is_open(self, path: Path) -> bool:
        """Whether Excel or LibreOffice has the workbook open (its lock file is there)."""
        return is_open_in_office(path)

    def kept_if_committed(self, path: Path) -> contextlib.AbstractContextManager[None]:
        """Remove ``path`` again if the commit inside the block fails."""
        return written_before_commit(path)

    def pass_lock(self) -> contextlib.AbstractContextManager[None]:
        """One pass at a time in this workspace: across processes on this machine (a file
        lock), or across machines (the database's lock, when the state is on a server)."""
        if self._shared_lock is not None:
            return self._shared_lock()
        return self._file_lock()

    @contextlib.contextmanager
    def _file_lock(self) -> Iterator[None]:
        self.lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self.lock_path.open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def read_bounded(self, path: Path, max_bytes: int) -> bytes:
        """A regular file's bytes, refused unread when over ``max_bytes``; a link is not
        followed and a pipe is not waited on."""
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise UnreadableFile("not a regular file")
            if info.st_size > max_bytes:
                raise FileTooLarge(info.st_size, max_bytes)
            data = b""
            while len(data) <= max_bytes and (block := os.read(fd, max_bytes + 1 - len(data))):
                data += block
        finally:
            os.close(fd)
        if len(data) > max_bytes:  # it grew while being read
            raise FileTooLarge(len(data), max_bytes)
        return data
