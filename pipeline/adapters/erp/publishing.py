"""Publishing files the ERP can trust: written under a hidden temporary name, fsynced, its
intent recorded (by the caller), a manifest beside it, then renamed into place, then (if
configured) a done-marker. Nothing is ever written over an entry under the same name."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.adapters.erp.failed_exports import set_aside
from pipeline.adapters.erp.published_names import (
    DONE_SUFFIX,
    MANIFEST_SUFFIX,
    TEMPORARY_KEY,
    move_to_foreign,
    published,
    read_manifest,
    seqs_in_foreign,
)
from pipeline.adapters.files.file_operations import (
    atomic_write,
    exists,
    fsync_dir,
    fsync_file,
    sha256_file,
)
from pipeline.adapters.files.temp_files import temp_path
from pipeline.domain.own_exports import Fingerprint, PublishedName
from pipeline.errors import ExportNameTaken
from pipeline.faults import before_rename, crash_point


def publish(
    target: Path,
    write: Callable[[Path], object],
    manifest: dict[str, Any],
    done_marker: bool,
    intend: Callable[[Fingerprint], None],
) -> str:
    """Write ``target`` so no reader ever sees it half-written; return its sha256.

    ``intend`` gets the hashes of the file and of its manifest once they are known, before
    anything appears under the name: it records them, so that after a crash only exactly
    these bytes are taken for ours. Anything found under the name (the file, its manifest,
    its marker), before or while the file is written, raises ``ExportNameTaken``.

    A crash before the rename leaves only a hidden temporary file (which the ERP ignores)
    and perhaps a manifest naming it; the recovery sweep removes both, manifest first.
    After the rename: a complete file with its manifest.
    """
    _refuse_taken(target)  # before anything is written, not even the manifest
    temp = temp_path(target.parent)
    manifest_path = target.with_name(target.name + MANIFEST_SUFFIX)
    renamed = False
    try:
        write(temp)
        fsync_file(temp)
        sha = sha256_file(temp)
        text = _manifest_bytes(
            {
                **manifest,
                "file": target.name,
                "sha256": sha,
                "size": temp.stat().st_size,
                TEMPORARY_KEY: temp.name,
            }
        )
        intend(Fingerprint(sha, hashlib.sha256(text).hexdigest()))
        _refuse_taken(target)  # planted while the file was written
        atomic_write(manifest_path, lambda t: t.write_bytes(text))
        crash_point("export_before_rename")
        before_rename(target.parent)
        if exists(target):
            raise ExportNameTaken(target.name)
        os.replace(temp, target)
        renamed = True
    finally:
        if not renamed:
            withdraw_manifest(manifest_path, temp)
            temp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    crash_point("export_after_rename")
    if done_marker:
        mark_done(target)
    return sha


def _manifest_bytes(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _refuse_taken(target: Path) -> None:
    """An export never goes where anything is: its file, manifest or marker name."""
    for suffix in ("", MANIFEST_SUFFIX, DONE_SUFFIX):
        if exists(target.with_name(target.name + suffix)):
            raise ExportNameTaken(target.name)


def withdraw_manifest(manifest_path: Path, temp: Path) -> None:
    """Remove the manifest of a write that never reached its name, if it is still ours (it
    names ``temp``), whatever lies beside it; one put there by someone else stays.

    It must go before ``temp`` does: a manifest of ours whose file and temporary file are
    both gone reads as a file the ERP has taken (see ``own_exports.ownership``).
    """
    manifest = read_manifest(manifest_path)
    if manifest is not None and manifest.get(TEMPORARY_KEY) == temp.name:
        manifest_path.unlink(missing_ok=True)


def abandon_temporary(temp: Path) -> None:
    """Before the recovery sweep removes a dead writer's ``temp`` from the outbox: withdraw
    the manifest that names it (reads only manifests whose file is missing)."""
    for path in temp.parent.glob(f"*{MANIFEST_SUFFIX}"):
        if not path.with_name(path.name.removesuffix(MANIFEST_SUFFIX)).exists():
            withdraw_manifest(path, temp)


def mark_done(target: Path) -> None:
    """Write the done-marker of a published file, if it is missing."""
    marker = target.with_name(target.name + DONE_SUFFIX)
    if not marker.exists():
        atomic_write(marker, lambda t: t.write_bytes(b""))


class OutboxPublisher:
    """The ``ErpOutbox`` port: publishing ERP files into one outbox folder (and its folders),
    what lies under their names, and setting aside what the ERP refused or is not ours."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    def publish(
        self,
        name: str,
        write: Callable[[Path], object],
        manifest: dict[str, Any],
        done: bool,
        intend: Callable[[Fingerprint], None],
    ) -> str:
        """Publish ``outbox/name`` with its manifest (and done-marker); its sha256. ``name``
        may lie in a folder of the outbox (``changes/...``), made on first use."""
        target = self.outbox / name
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            fsync_dir(self.outbox)  # the new folder's entry survives a crash too
        return publish(target, write, manifest, done, intend)

    def published(self, project_number: str, version: int) -> list[PublishedName]:
        """What the outbox (and its ``changes/``) holds under one version's ERP file names."""
        return published(self.outbox, project_number, version)

    def move_to_foreign(self, found: PublishedName) -> list[str]:
        """Move everything under that name into ``outbox/foreign/``; the names there."""
        return move_to_foreign(self.outbox, found)

    def seqs_in_foreign(self, project_number: str, version: int) -> list[int]:
        """Sequence numbers of the version's names in ``outbox/foreign/``."""
        return seqs_in_foreign(self.outbox, project_number, version)

    def mark_done(self, name: str) -> None:
        """Write the done-marker of a published file still there, if missing (once the
        ERP has taken the file, a marker would announce nothing)."""
        if (self.outbox / name).exists():
            mark_done(self.outbox / name)

    def set_aside(self, name: str, note: str) -> list[Path]:
        """Move a file the ERP refused, its done-marker first and its manifest last, into
        ``failed/`` with ``note`` beside it; their new paths (none: nothing was left)."""
        return set_aside(self.outbox, name, (DONE_SUFFIX, "", MANIFEST_SUFFIX), note)
