"""What must hold after any crash and restart: every input in exactly one place, at most one
ERP file per accepted version and each with its intent recorded, a file the ERP refused
only in outbox/failed/, nothing half-written, no temporary file left anywhere, the database
agreeing with the folders, and current/ holding each budget's version in force."""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pipeline.adapters.files.temp_files import PREFIX, writer_of
from pipeline.adapters.reading.version_mark import read_version_mark
from pipeline.domain.names import current_file
from tests.support.state import state_sql

Query = Callable[..., list[tuple[Any, ...]]]


def sha(path: Path) -> str:
    """The sha256 of a file."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def check(root: Path, inputs: dict[str, str]) -> list[str]:
    """Every broken invariant, as a sentence (an empty list when all hold).

    ``inputs`` maps each dropped file name to the sha256 of its bytes.
    """
    broken: list[str] = []

    def db(sql: str, parameters: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        return state_sql(root, sql, parameters)

    submitted = {row[0] for row in db("SELECT file_sha256 FROM submissions")}
    refused = {p.name for p in (root / "rejected").iterdir() if p.is_file()}
    for name, digest in inputs.items():
        places = (digest in submitted) + (name in refused)
        if places != 1:
            broken.append(
                f"{name}: in {places} places (recorded: {digest in submitted}, "
                f"handed back: {name in refused})"
            )
    inbox = [p.name for p in (root / "inbox").iterdir() if p.name != ".gitkeep"]
    if inbox:
        broken.append(f"left in the inbox: {inbox}")
    processing = root / "processing"
    claimed = [str(p) for p in processing.rglob("*") if p.is_file()] if processing.exists() else []
    if claimed:
        broken.append(f"left in processing: {claimed}")
    broken += [
        f"temporary files left in {folder}/: {names}"
        for folder, names in sorted(temporaries(root).items())
    ]
    broken += _outbox(root, db)
    broken += _folders_agree(root, db)
    broken += _current_agrees(root, db)
    return broken


def temporaries(root: Path, pid: int | None = None) -> dict[str, list[str]]:
    """Temporary files in the workspace (ours, or any ``*.tmp``), by top-level folder;
    with ``pid``, only those that process wrote."""
    found: dict[str, list[str]] = defaultdict(list)
    for folder, _, names in os.walk(root):  # unlike rglob, never trips on a folder just removed
        for name in names:
            if not (name.startswith(PREFIX) or name.endswith(".tmp")):
                continue
            writer = writer_of(name)
            if pid is None or (writer is not None and writer.pid == pid):
                top = Path(folder).relative_to(root).parts
                found[top[0] if top else "."].append(name)
    return dict(found)


def _outbox(root: Path, db: Query) -> list[str]:
    outbox = root / "outbox"
    broken: list[str] = []
    data = [
        p
        for p in outbox.iterdir()
        if p.is_file()
        and p.name[0] != "."
        and not p.name.endswith((".json", ".done"))
        and p.name != ".gitkeep"
    ]
    versions: Counter[tuple[str, int]] = Counter()
    intents: dict[str, str] = dict(db("SELECT file_name, sha256 FROM export_intents"))
    for path in data:
        manifest = json.loads((outbox / f"{path.name}.manifest.json").read_text())
        if manifest["sha256"] != sha(path):
            broken.append(f"{path.name}: bytes differ from its manifest")
        if intents.get(path.name) != manifest["sha256"]:
            broken.append(f"{path.name}: no intent recorded with its bytes")
        if manifest["kind"] != "again":
            versions[(manifest["project_number"], manifest["version"])] += 1
    broken += [f"{key}: {count} ERP files" for key, count in versions.items() if count > 1]
    # A file the ERP refused is in failed/ (never in the outbox again); any other is there.
    for name, result in db("SELECT file_name, result FROM erp_exports"):
        if result == "failure":
            if (outbox / name).exists():
                broken.append(f"{name}: refused by the ERP but still in the outbox")
            if not (outbox / "failed" / name).exists():
                broken.append(f"{name}: refused by the ERP but not in outbox/failed/")
        elif not (outbox / name).exists():
            broken.append(f"{name}: recorded but missing")
        if name not in intents:
            broken.append(f"{name}: recorded without an intent")
    return broken


def _folders_agree(root: Path, db: Query) -> list[str]:
    broken = []
    for project, status, version in db("SELECT project_number, status, version FROM budgets"):
        review = db(
            "SELECT review_file FROM submissions WHERE project_number=? AND version=?",
            (project, version),
        )[0][0]
        if status == "awaiting_approval" and not (root / "approval" / review).exists():
            broken.append(f"{project}: awaiting approval without its review workbook")
        if status in ("exported", "synced") and not db(
            "SELECT 1 FROM erp_exports WHERE project_number=? AND version=?", (project, version)
        ):
            broken.append(f"{project}: {status} without an export")
        rejected = review.replace("_review.xlsx", "_rejected.xlsx")
        if status == "rejected" and not (root / "rejected" / rejected).exists():
            broken.append(f"{project}: rejected without its editable workbook")
    return broken


def _current_agrees(root: Path, db: Query) -> list[str]:
    """Each budget's workbook in current/ holds, by its mark, its version in force (with
    ``[export] results = "auto"``): without an answer from the ERP in the workspace, the
    newest exported and not refused; with one, the newest the ERP confirmed, and for a budget
    with none confirmed, nothing or a version written before the answers came in (not
    refused). None is there for a budget with no such version."""
    broken = []
    exports: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for project, version, seq, kind, result in db(
        "SELECT project_number, version, seq, kind, result FROM erp_exports"
    ):
        exports[project].append((version, seq, kind, result))
    in_use = any(result for found in exports.values() for *_, result in found)
    for (project,) in db("SELECT project_number FROM budgets"):
        found = exports[project]
        confirmed = [(v, s) for v, s, _, result in found if result == "success"]
        counted = [
            (v, s) for v, s, kind, result in found if kind != "again" and result != "failure"
        ]
        path = root / "current" / current_file(project)
        held = read_version_mark(path) if path.exists() else ""
        if in_use and not confirmed:
            allowed = {"", *(f"{project} v{v}" for v, _ in counted)}
        else:
            expected = max((confirmed if in_use else counted) or [(0, 0)])[0]
            allowed = {f"{project} v{expected}" if expected else ""}
        if held not in allowed:
            broken.append(f"{project}: current/ holds {held or 'nothing'}, not {sorted(allowed)}")
    return broken
