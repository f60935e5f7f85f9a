"""Taking a file from a shared folder: opened once, without following a link; its owner,
mode, hash and bytes all come from that one descriptor, and its bytes go into a private copy
that only this process can change. Whatever lies under the name afterwards (a file swapped
in by a rename) is never read again.
"""

from __future__ import annotations

import contextlib
import grp
import hashlib
import os
import shutil
import stat
import struct
import tempfile
from collections.abc import Iterator
from pathlib import Path

from pipeline.adapters.files.owners import account_name
from pipeline.errors import FileTooLarge, UnreadableFile
from pipeline.services.ports import TakenFile

BLOCK = 1 << 20
ACL_XATTR = "system.posix_acl_access"
# The POSIX ACL as Linux stores it: a 4-byte version, then (tag, permissions, id) entries.
_ACL_HEADER, _ACL_ENTRY = struct.Struct("<I"), struct.Struct("<HHI")
_ACL_USER, _ACL_GROUP, _ACL_MASK = 0x02, 0x08, 0x10
_WRITE = 0x02


@contextlib.contextmanager
def taken_file(path: Path, max_bytes: int | None = None) -> Iterator[TakenFile]:
    """``path`` taken: see the module's docstring. The private copy (named like the file,
    in a folder of this process's own, mode 0700) is removed when the block ends.

    Raises UnreadableFile for a link, a folder, a pipe or a device (never followed nor
    waited on), and FileTooLarge, before reading, for a file over ``max_bytes``.
    """
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        if os.path.islink(path):
            raise UnreadableFile("a symbolic link is not followed") from exc
        raise
    folder = ""
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableFile("not a regular file")
        if max_bytes is not None and info.st_size > max_bytes:
            raise FileTooLarge(info.st_size, max_bytes)
        folder = tempfile.mkdtemp(prefix="budget-erp-taken-")
        copy = Path(folder) / path.name
        sha, size = _copy(fd, copy, max_bytes)
        writers = _other_writers(fd, info.st_mode)
    except BaseException:
        if folder:
            shutil.rmtree(folder, ignore_errors=True)
        raise
    finally:
        os.close(fd)
    try:
        yield TakenFile(
            path=path,
            content=copy,
            sha256=sha,
            owner=account_name(info.st_uid),
            size=size,
            other_writers=writers,
        )
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copy(fd: int, copy: Path, max_bytes: int | None) -> tuple[str, int]:
    """Copy the descriptor's bytes into ``copy``, hashing them on the way; their hash and
    size. A file that grows past ``max_bytes`` while it is read is refused all the same."""
    digest, size = hashlib.sha256(), 0
    with copy.open("xb") as out:
        while block := os.read(fd, BLOCK):
            size += len(block)
            if max_bytes is not None and size > max_bytes:
                raise FileTooLarge(size, max_bytes)
            digest.update(block)
            out.write(block)
    return digest.hexdigest(), size


def _other_writers(fd: int, mode: int) -> str:
    """Who besides the owner may write the file ("" when nobody): its group or everyone by
    its mode bits, or the users and groups an ACL names with write permission."""
    found = []
    named = _acl_writers(fd)
    if named:
        found.append(f"an ACL grants write to {', '.join(named)}")
    elif mode & stat.S_IWGRP:
        found.append("its group may write it")
    if mode & stat.S_IWOTH:
        found.append("everyone may write it")
    if found:
        found[0] = f"{found[0]} (mode {stat.S_IMODE(mode):04o})"
    return "; ".join(found)


def _acl_writers(fd: int) -> list[str]:
    """The users and groups a POSIX ACL on the file lets write it, the mask considered."""
    try:
        raw = os.getxattr(fd, ACL_XATTR)
    except OSError:  # no ACL, or a file system without them: the mode bits say it all
        return []
    if len(raw) < _ACL_HEADER.size:
        return []
    entries = [
        _ACL_ENTRY.unpack_from(raw, at)
        for at in range(_ACL_HEADER.size, len(raw) - _ACL_ENTRY.size + 1, _ACL_ENTRY.size)
    ]
    mask = next((perm for tag, perm, _ in entries if tag == _ACL_MASK), 0o7)
    if not mask & _WRITE:
        return []
    return [
        f"user {account_name(ident)}" if tag == _ACL_USER else f"group {_group_name(ident)}"
        for tag, perm, ident in entries
        if tag in (_ACL_USER, _ACL_GROUP) and perm & _WRITE
    ]


def _group_name(gid: int) -> str:
    try:
        return grp.getgrgid(gid).gr_name
    except KeyError:
        return f"gid:{gid}"
