"""Publishing files the ERP can trust: written under a hidden temporary name, fsynced, a
manifest beside it first, then renamed into place, then (if configured) a done-marker."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.adapters.folders import atomic_write, fsync_dir, sha256_file
from pipeline.faults import crash_point

MANIFEST_SUFFIX = ".manifest.json"
DONE_SUFFIX = ".done"


def publish(
    target: Path, write: Callable[[Path], object], manifest: dict[str, Any], done_marker: bool
) -> str:
    """Write ``target`` so no reader ever sees it half-written; return its sha256.

    A crash before the rename leaves only a hidden temporary file (which the ERP ignores)
    and perhaps a manifest; after it, a complete file with its manifest.
    """
    for stale in target.parent.glob(f".{target.name}.*.tmp"):  # left by a crash
        stale.unlink(missing_ok=True)
    if target.exists():  # before anything is written, not even the manifest
        raise FileExistsError(f"{target} exists; an export never overwrites")
    temp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        write(temp)
        with temp.open("rb+") as handle:
            os.fsync(handle.fileno())
        sha = sha256_file(temp)
        manifest = {**manifest, "file": target.name, "sha256": sha, "size": temp.stat().st_size}
        atomic_write(
            target.with_name(target.name + MANIFEST_SUFFIX),
            lambda t: t.write_text(
                json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8"
            ),
        )
        crash_point("export_before_rename")
        if target.exists():
            raise FileExistsError(f"{target} exists; an export never overwrites")
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    fsync_dir(target.parent)
    crash_point("export_after_rename")
    if done_marker:
        mark_done(target)
    return sha


def published(
    outbox: Path, project_number: str, project_stem: str, version: int
) -> list[dict[str, Any]]:
    """Manifests of files published for one version: whole in the outbox, or already taken
    by the ERP (the manifest is there, the file gone, and no temporary file was left)."""
    found = []
    for path in sorted(outbox.glob(f"{project_stem}_v{version}_*{MANIFEST_SUFFIX}")):
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if manifest.get("project_number") != project_number or manifest.get("version") != version:
            continue  # another project whose file name only looks alike
        name = str(manifest.get("file", ""))
        data = outbox / name
        if data.is_file():
            if sha256_file(data) == manifest.get("sha256"):
                found.append(manifest)
        elif not data.exists() and not any(outbox.glob(f".{name}.*.tmp")):
            found.append(manifest)
    return found


def mark_done(target: Path) -> None:
    """Write the done-marker of a published file, if it is missing."""
    marker = target.with_name(target.name + DONE_SUFFIX)
    if not marker.exists():
        atomic_write(marker, lambda t: t.write_bytes(b""))
