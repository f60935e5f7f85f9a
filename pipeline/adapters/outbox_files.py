"""Publishing files the ERP can trust: written under a hidden temporary name, fsynced, a
manifest beside it first, then renamed into place, then (if configured) a done-marker."""

from __future__ import annotations

import json
import os
import re
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
        atomic_write(target.with_name(target.name + DONE_SUFFIX), lambda t: t.write_bytes(b""))
    return sha


def published(outbox: Path, project_stem: str, version: int) -> list[dict[str, Any]]:
    """Manifests of complete files in the outbox for one version (the file is there and whole)."""
    found = []
    pattern = re.compile(
        rf"^{re.escape(project_stem)}_v{version}_\d{{3}}.*{re.escape(MANIFEST_SUFFIX)}$"
    )
    for path in sorted(outbox.glob(f"{project_stem}_v{version}_*{MANIFEST_SUFFIX}")):
        if not pattern.match(path.name):
            continue
        try:
            manifest = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        data = outbox / str(manifest.get("file", ""))
        if data.is_file() and sha256_file(data) == manifest.get("sha256"):
            found.append(manifest)
    return found
