"""The workspace's folders: stable-file listing, atomic writes, the content-addressed archive."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import stat
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from pipeline.adapters.files.safe_names import HAND_BACK_RESERVE, fit_name
from pipeline.adapters.files.temp_files import temp_path
from pipeline.domain.names import REFUSED_NOTE
from pipeline.faults import before_rename
from pipeline.services.ports import ArchivedFile

_IGNORED_PREFIXES = ("~$", ".~lock.", ".")


def sha256_file(path: Path) -> str:
    """The hex sha256 of a file's bytes."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def is_ignored(name: str) -> bool:
    """Lock files, hidden files, temporaries and Excel's extensionless temp names are not drops."""
    return (
        name.startswith(_IGNORED_PREFIXES)
        or name.endswith((".tmp", "#", REFUSED_NOTE))
        or "." not in name
    )


def is_open_in_office(path: Path) -> bool:
    """Whether Excel (``~$name``) or LibreOffice (``.~lock.name#``) has the workbook open.

    Excel shortens a long name's lock file by its first two characters, so both forms count.
    """
    names = (f"~${path.name}", f"~${path.name[2:]}", f".~lock.{path.name}#")
    return any(exists(path.parent / name) for name in names)


def exists(path: Path) -> bool:
    """Whether ``path`` exists; a name too long for the file system cannot."""
    try:
        path.lstat()
    except OSError:
        return False
    return True


def squatter(path: Path) -> str:
    """What holds ``path`` if it is not a regular file (never followed): "a symbolic link
    to ...", "a folder", "a FIFO, socket or device"; "" for a regular file or nothing."""
    try:
        mode = path.lstat().st_mode
    except OSError:
        return ""
    if stat.S_ISREG(mode):
        return ""
    if stat.S_ISLNK(mode):
        try:
            return f"a symbolic link to {os.readlink(path)}"
        except OSError:
            return "a symbolic link"
    return "a folder" if stat.S_ISDIR(mode) else "a FIFO, socket or device, not a file"


def regular_file(path: Path) -> bool:
    """Whether ``path`` is a regular file reached through no link at all (neither it nor a
    folder on its way): what a page may link to without leading out of the workspace."""
    try:
        return stat.S_ISREG(path.lstat().st_mode) and Path(os.path.realpath(path)) == path
    except OSError:
        return False


def regular_files(folder: Path) -> frozenset[str]:
    """The names of the regular files in ``folder`` (links not followed), in one listing;
    none when the folder is missing or reached through a link (``regular_file`` of each)."""
    try:
        if Path(os.path.realpath(folder)) != folder:
            return frozenset()
        with os.scandir(folder) as entries:
            return frozenset(e.name for e in entries if e.is_file(follow_symlinks=False))
    except OSError:
        return frozenset()


def signature(path: Path) -> tuple[int, ...] | None:
    """What changes whenever the file's content, owner or mode may have (its inode, size,
    and modified and changed times), from one ``lstat``; None when it is gone."""
    try:
        info = path.lstat()
    except OSError:
        return None
    return (info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns)


# When a file counts as last modified: (path, its lstat, now) -> time (``settling``).
Modified = Callable[[Path, os.stat_result, float], float]


def settled_files(
    folder: Path, settle_seconds: float, now: float | None = None, modified: Modified | None = None
) -> list[Path]:
    """Regular files (not symlinks) in ``folder`` untouched for ``settle_seconds``, oldest
    first; ``modified`` says when a file counts as last modified (by default its mtime)."""
    now = time.time() if now is None else now
    found: list[tuple[float, Path]] = []
    with contextlib.suppress(FileNotFoundError), os.scandir(folder) as entries:
        for entry in entries:
            if is_ignored(entry.name) or not entry.is_file(follow_symlinks=False):
                continue
            try:
                st = entry.stat(follow_symlinks=False)
            except FileNotFoundError:
                continue
            mtime = st.st_mtime if modified is None else modified(Path(entry.path), st, now)
            if now - mtime >= settle_seconds:
                found.append((mtime, Path(entry.path)))
    return [path for _, path in sorted(found)]


def atomic_write(target: Path, write: Callable[[Path], object]) -> None:
    """Write via ``write(temp)`` under a hidden temporary name, fsync, then rename into place.

    The temporary name is ``temp_files``' (it names this process, never the target), so a
    crash leaves a file the recovery sweep recognises and removes once we are gone.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path(target.parent)
    try:
        write(temp)
        fsync_file(temp)
        before_rename(target.parent)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(target.parent)


def fsync_file(path: Path) -> None:
    """Make a written file's bytes durable."""
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


@contextlib.contextmanager
def written_before_commit(path: Path) -> Iterator[None]:
    """Remove ``path`` again if the database commit that should follow its writing fails.

    Files are written before the commit (a crash then leaves a file the next pass rewrites,
    never a record without its file); a failed commit must not leave a file that lies.
    """
    try:
        yield
    except BaseException:
        path.unlink(missing_ok=True)
        raise


def fsync_dir(folder: Path) -> None:
    """Make a rename in ``folder`` durable."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def archived_path(archive: Path, sha256: str, suffix: str) -> Path:
    """Where the archive keeps the bytes with this hash."""
    return archive / "sha256" / sha256[:2] / f"{sha256}{suffix.lower()}"


def archive_copy(source: Path, archive: Path, sha256: str) -> Path:
    """Keep the bytes forever under their hash; a second copy of the same bytes is a no-op."""
    target = archived_path(archive, sha256, source.suffix)
    if not target.exists():
        atomic_write(target, lambda temp: shutil.copyfile(source, temp))
    else:  # kept again: its age (what ``prune`` goes by) counts from now
        with contextlib.suppress(OSError):
            os.utime(target)
    return target


def archived_files(archive: Path) -> list[ArchivedFile]:
    """Every file the archive keeps under its hash, as ``archived_path`` names them."""
    found = []
    for path in (archive / "sha256").glob("??/*"):
        with contextlib.suppress(OSError):  # gone meanwhile
            info = path.lstat()
            if stat.S_ISREG(info.st_mode) and len(path.name) >= 64:
                found.append(ArchivedFile(path.name[:64], path, info.st_size, info.st_mtime))
    return found


def free_name(folder: Path, name: str) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``... whichever does not exist yet."""
    candidate = folder / name
    stem, suffix = candidate.stem, candidate.suffix
    number = 2
    while candidate.exists():
        candidate = folder / f"{stem} ({number}){suffix}"
        number += 1
    return candidate


def free_group(folder: Path, name: str, suffixes: Sequence[str]) -> Path:
    """``folder/name``, or ``name (2)``, ``name (3)``... whichever has none of its group's
    names (``name`` + each of ``suffixes``) taken: a file and its companions keep together."""
    stem, dot, extension = name.rpartition(".")
    if not dot or not stem:
        stem, dot, extension = name, "", ""
    base, number = name, 1
    while any(exists(folder / (base + suffix)) for suffix in suffixes):
        number += 1
        base = f"{stem} ({number}){dot}{extension}"
    return folder / base


def hand_back(source: Path, folder: Path, note: str, name: str | None = None) -> Path:
    """Move a refused file into ``folder`` (never overwriting) with a ``.refused.txt`` beside it.

    Moving never follows a symlink or opens a FIFO: the directory entry itself moves. The
    name is cleaned and shortened (``fit_name``) so that it and its companions fit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    target = free_name(folder, fit_name(name or source.name, HAND_BACK_RESERVE))
    note_path = target.with_name(target.name + REFUSED_NOTE)
    atomic_write(note_path, lambda temp: temp.write_text(note, encoding="utf-8"))
    try:
        os.rename(source, target)  # same file system: atomic, and never follows a link
    except OSError:
        shutil.move(source, target)
    fsync_dir(folder)
    return target
