"""What the outbox holds under one version's ERP file names (each name's file, manifest and
done-marker, hashed without following a link or opening a pipe), and moving what is not
ours into ``outbox/foreign/``: never deleted, never over something already there."""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from pipeline.adapters.files.file_operations import exists, free_group, fsync_dir
from pipeline.domain.names import CHANGES, FOREIGN, export_seq
from pipeline.domain.own_exports import Found, PublishedName

MANIFEST_SUFFIX = ".manifest.json"
DONE_SUFFIX = ".done"
TEMPORARY_KEY = "temporary"  # the manifest names the temporary file its data is written in
MAX_MANIFEST_BYTES = 64 * 1024  # ours are under 1 KB; a bigger one is not read


def published(outbox: Path, project_number: str, version: int) -> list[PublishedName]:
    """Everything in the outbox, and in its ``changes/``, under an ERP file name of that
    version, by name (relative to the outbox)."""
    return [
        found
        for folder in ("", CHANGES)
        for found in _published_in(outbox, folder, project_number, version)
    ]


def _published_in(
    outbox: Path, folder: str, project_number: str, version: int
) -> list[PublishedName]:
    where = outbox / folder
    members: dict[str, dict[str, str]] = {}
    try:
        with os.scandir(where) as entries:
            names = [entry.name for entry in entries]
    except FileNotFoundError:  # a sub-folder not made yet
        return []
    for name in names:
        base, suffix = split_member(name)
        if export_seq(base, project_number, version) is not None:
            members.setdefault(base, {})[suffix] = name
    return [
        _published_name(where, folder, base, parts, project_number, version)
        for base, parts in sorted(members.items())
    ]


def split_member(name: str) -> tuple[str, str]:
    """``P-1_v1_001.csv.manifest.json`` -> (``P-1_v1_001.csv``, ``.manifest.json``)."""
    for suffix in (MANIFEST_SUFFIX, DONE_SUFFIX):
        if name.endswith(suffix):
            return name.removesuffix(suffix), suffix
    return name, ""


def _published_name(
    where: Path,
    folder: str,
    base: str,
    parts: dict[str, str],
    project_number: str,
    version: int,
) -> PublishedName:
    def found(suffix: str) -> Found | None:
        name = parts.get(suffix)
        if name is None:
            return None
        return Found(_relative(folder, name), regular_sha256(where / name))

    manifest = parts.get(MANIFEST_SUFFIX)
    return PublishedName(
        name=_relative(folder, base),
        seq=export_seq(base, project_number, version) or 0,
        data=found(""),
        manifest=found(MANIFEST_SUFFIX),
        marker=found(DONE_SUFFIX),
        writing=manifest is not None and _names_a_temporary_still_there(where / manifest),
    )


def _relative(folder: str, name: str) -> str:
    return str(PurePosixPath(folder) / name) if folder else name


def regular_sha256(path: Path) -> str | None:
    """The sha256 of a regular file; None for anything else (a link is not followed, a pipe
    not waited on) or when it is gone."""
    handle = _open_regular(path)
    if handle is None:
        return None
    digest = hashlib.sha256()
    with handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _open_regular(path: Path, max_bytes: int | None = None) -> BinaryIO | None:
    """The file open for reading if it is a regular file (of at most ``max_bytes``)."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode):
            return None  # not even opened
        # Looked at again once open: it may have been replaced by a link or a pipe since.
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:  # gone, or a link (ELOOP)
        return None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or (max_bytes is not None and info.st_size > max_bytes):
        os.close(fd)
        return None
    return os.fdopen(fd, "rb")


def _names_a_temporary_still_there(manifest_path: Path) -> bool:
    """Whether the manifest names a temporary file that is still beside it: its data is
    still being written (a dead writer's is swept, and its manifest withdrawn, first)."""
    manifest = read_manifest(manifest_path)
    temporary = manifest.get(TEMPORARY_KEY) if manifest else None
    if not isinstance(temporary, str) or PurePosixPath(temporary).name != temporary:
        return False
    return exists(manifest_path.parent / temporary)


def read_manifest(path: Path) -> dict[str, object] | None:
    """A manifest's content, or None when it is not one (unreadable, too big, not JSON)."""
    handle = _open_regular(path, MAX_MANIFEST_BYTES)
    if handle is None:
        return None
    with handle:
        try:
            manifest = json.loads(handle.read(MAX_MANIFEST_BYTES + 1))
        except ValueError:
            return None
    return manifest if isinstance(manifest, dict) else None


def move_to_foreign(outbox: Path, found: PublishedName) -> list[str]:
    """Move every entry under the name into ``outbox/foreign/``, together: the file, its
    manifest and its marker keep one name there, `` (2)``... when it is taken. The names they
    have now, relative to the outbox (an entry already gone is left out)."""
    foreign = outbox / FOREIGN
    foreign.mkdir(exist_ok=True)
    base = PurePosixPath(found.name).name
    free = free_group(foreign, base, ("", MANIFEST_SUFFIX, DONE_SUFFIX)).name
    moved = []
    for entry in found.entries:
        source = outbox / entry.name
        target = foreign / (free + PurePosixPath(entry.name).name.removeprefix(base))
        try:
            os.rename(source, target)  # one file system: atomic; a link moves, not followed
        except FileNotFoundError:  # the ERP took it meanwhile
            continue
        moved.append(f"{FOREIGN}/{target.name}")
    fsync_dir(foreign)
    fsync_dir((outbox / found.name).parent)
    return moved


def seqs_in_foreign(outbox: Path, project_number: str, version: int) -> list[int]:
    """The sequence numbers of that version's names found in ``outbox/foreign/``."""
    try:
        with os.scandir(outbox / FOREIGN) as entries:
            names = [entry.name for entry in entries]
    except FileNotFoundError:
        return []
    seqs = (export_seq(split_member(name)[0], project_number, version) for name in names)
    return sorted({seq for seq in seqs if seq is not None})
