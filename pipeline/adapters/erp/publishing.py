"""Publishing files the ERP can trust: written under a hidden temporary name, fsynced, a
manifest beside it first, then renamed into place, then (if configured) a done-marker."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.adapters.erp.failed_exports import set_aside
from pipeline.adapters.files.folders import atomic_write, fsync_dir, fsync_file, sha256_file
from pipeline.adapters.files.temp_files import temp_path
from pipeline.domain.names import CHANGES
from pipeline.faults import before_rename, crash_point

MANIFEST_SUFFIX = ".manifest.json"
DONE_SUFFIX = ".done"
TEMPORARY_KEY = "temporary"  # the manifest names the temporary file its data is written in


def publish(
    target: Path, write: Callable[[Path], object], manifest: dict[str, Any], done_marker: bool
) -> str:
    """Write ``target`` so no reader ever sees it half-written; return its sha256.

    A crash before the rename leaves only a hidden temporary file (which the ERP ignores)
    and perhaps a manifest naming it; the recovery sweep removes both, manifest first.
    After the rename: a complete file with its manifest.
    """
    if target.exists():  # before anything is written, not even the manifest
        raise FileExistsError(f"{target} exists; an export never overwrites")
    temp = temp_path(target.parent)
    manifest_path = target.with_name(target.name + MANIFEST_SUFFIX)
    renamed = False
    try:
        write(temp)
        fsync_file(temp)
        sha = sha256_file(temp)
        manifest = {
            **manifest,
            "file": target.name,
            "sha256": sha,
            "size": temp.stat().st_size,
            TEMPORARY_KEY: temp.name,
        }
        atomic_write(
            manifest_path,
            lambda t: t.write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            ),
        )
        crash_point("export_before_rename")
        before_rename(target.parent)
        if target.exists():
            raise FileExistsError(f"{target} exists; an export never overwrites")
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


def withdraw_manifest(manifest_path: Path, temp: Path) -> None:
    """Remove a manifest whose data never reached its name, if it still names ``temp``.

    It must go before ``temp`` does: a manifest whose file and temporary file are both gone
    reads as a file the ERP has taken (see ``published``).
    """
    manifest = _read(manifest_path)
    if (
        manifest is not None
        and manifest.get(TEMPORARY_KEY) == temp.name
        and not (manifest_path.parent / str(manifest.get("file", ""))).exists()
    ):
        manifest_path.unlink(missing_ok=True)


def abandon_temporary(temp: Path) -> None:
    """Before the recovery sweep removes a dead writer's ``temp`` from the outbox: withdraw
    the manifest that names it (reads only manifests whose file is missing)."""
    for path in temp.parent.glob(f"*{MANIFEST_SUFFIX}"):
        if not path.with_name(path.name.removesuffix(MANIFEST_SUFFIX)).exists():
            withdraw_manifest(path, temp)


def published(
    outbox: Path, project_number: str, project_stem: str, version: int
) -> list[dict[str, Any]]:
    """Manifests of files published for one version: whole in the outbox (or its
    ``changes/``), or already taken by the ERP (the manifest is there, the file gone, and its
    temporary file gone too). Each manifest's ``file`` is given relative to the outbox."""
    found = []
    pattern = f"{project_stem}_v{version}_*{MANIFEST_SUFFIX}"
    for folder in (outbox, outbox / CHANGES):
        for path in sorted(folder.glob(pattern)):
            manifest = _read(path)
            if manifest is None:
                continue
            if (
                manifest.get("project_number") != project_number
                or manifest.get("version") != version
            ):
                continue  # another project whose file name only looks alike
            data = folder / str(manifest.get("file", ""))
            if data.is_file():
                if sha256_file(data) != manifest.get("sha256"):
                    continue
            elif data.exists() or not _taken(path, manifest):
                continue
            found.append({**manifest, "file": data.relative_to(outbox).as_posix()})
    return found


def _taken(manifest_path: Path, manifest: dict[str, Any]) -> bool:
    """The data file was renamed into place and then taken: no temporary file is left and,
    looked at after that, the manifest is still the same (a sweep withdraws it first, and a
    new attempt at the same file rewrites it)."""
    outbox, name = manifest_path.parent, str(manifest.get("file", ""))
    temporary = manifest.get(TEMPORARY_KEY)
    if temporary is None:  # written before temporary files were named by their writer
        in_progress = any(outbox.glob(f".{name}.*.tmp"))
    else:
        in_progress = (outbox / str(temporary)).exists()
    return not in_progress and _read(manifest_path) == manifest


def _read(path: Path) -> dict[str, Any] | None:
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def mark_done(target: Path) -> None:
    """Write the done-marker of a published file, if it is missing."""
    marker = target.with_name(target.name + DONE_SUFFIX)
    if not marker.exists():
        atomic_write(marker, lambda t: t.write_bytes(b""))


class OutboxPublisher:
    """The ``ErpOutbox`` port: publishing ERP files into one outbox folder."""

    def __init__(self, outbox: Path) -> None:
        self.outbox = outbox

    def publish(
        self, name: str, write: Callable[[Path], object], manifest: dict[str, Any], done: bool
    ) -> str:
        """Publish ``outbox/name`` with its manifest (and done-marker); its sha256. ``name``
        may lie in a folder of the outbox (``changes/...``), made on first use."""
        target = self.outbox / name
        if not target.parent.is_dir():
            target.parent.mkdir(parents=True, exist_ok=True)
            fsync_dir(self.outbox)  # the new folder's entry survives a crash too
        return publish(target, write, manifest, done)

    def published(self, project_number: str, stem: str, version: int) -> list[dict[str, Any]]:
        """Manifests of the files published for one version."""
        return published(self.outbox, project_number, stem, version)

    def mark_done(self, name: str) -> None:
        """Write the done-marker of a published file still there, if missing (once the
        ERP has taken the file, a marker would announce nothing)."""
        if (self.outbox / name).exists():
            mark_done(self.outbox / name)

    def set_aside(self, name: str, note: str) -> list[Path]:
        """Move a file the ERP refused, its done-marker first and its manifest last, into
        ``failed/`` with ``note`` beside it; their new paths (none: nothing was left)."""
        return set_aside(self.outbox, name, (DONE_SUFFIX, "", MANIFEST_SUFFIX), note)
