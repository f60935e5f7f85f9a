"""A year of work (issue 27, target 4): the state's size and the idle pass before and after
``budget-erp prune``.

    python -m benchmarks.year            # 50,000 versions (~10 min)
    python -m benchmarks.year --quick    # 5,000 versions (~1 min)

The state is written directly (the SQL the store runs, in one transaction), not through
passes: 10,000 projects of five versions each (reject, accept and export, a change accepted
and exported, a change rejected, re-sent and accepted), a refused file every fifth version,
three emails sent per version, the review issued and the save read of each version, sent in
the year that ended a year before the prune, so that the default retention (365 days)
applies to all of it. One project in ten ends rejected (open: kept whole). Each version has
20 lines (real budgets have more: the lines are kept forever, so they only add to both
sizes alike). The archive holds the file received, the review issued and the decided save
of each version, and each refused file, written at a tenth of a realistic 60 KB: the bytes
are reported as written and, in the table, scaled back by ten.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.one import PEOPLE
from benchmarks.run import machine
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.bootstrap import bootstrap
from pipeline.config import init_workspace, load_settings
from pipeline.services.processing import process_once
from pipeline.services.retention import prune

NOW = datetime.now(UTC)
FILE_BYTES = 6 * 1024  # a tenth of a realistic workbook
SCALE = 10
LINES = 20
PER_PROJECT = 5
_SUBMITTED = ("review.xlsx", LINES, "1000.00", "Depot", "Ada", "1000.00")
_FIGURES = json.dumps({"sheets": {"Lines": ["x" * 64, LINES]}, "decision_cells": {}})


def _sha(kind: str, number: int) -> str:
    return f"{kind}{number:011d}".ljust(64, "0")


def build(root: Path, versions: int) -> None:
    """A workspace holding ``versions`` versions sent in the year that ended a year ago."""
    init_workspace(root)
    (root / "rules" / "people.toml").write_text(PEOPLE)
    settings = load_settings(root)
    store = SqliteStore(settings.database)
    db = store.db
    start = NOW - timedelta(days=730)
    step = timedelta(days=365) / versions
    rows: dict[str, list[tuple[object, ...]]] = {k: [] for k in _INSERTS}
    projects = versions // PER_PROJECT
    for number in range(versions):
        project, version = f"P-{number // PER_PROJECT:05d}", number % PER_PROJECT + 1
        at = (start + step * number).isoformat()
        sent, review, save = _sha("a", number), _sha("b", number), _sha("c", number)
        rows["submissions"].append(
            (project, version, "send", f"{project}.xlsx", sent, "fp", "Ada", at, *_SUBMITTED)
        )
        rows["lines"].extend(
            (project, version, row, "", f"01-{row:03d}", "L", "Work " * 4, "50.00", None, "", None)
            for row in range(LINES)
        )
        rejected = version in (1, 4) or (version == 5 and number // PER_PROJECT % 10 == 0)
        decision = "reject" if rejected else "accept"
        rows["events"].append((project, version, "send", "Ada", at, f"{LINES} lines", sent))
        rows["events"].append((project, version, decision, "Carl", at, "decided", save))
        if not rejected:
            rows["events"].append((project, version, "export", "budget-erp", at, "csv", ""))
            rows["erp_exports"].append(
                (
                    project,
                    version,
                    1,
                    "original",
                    "generic-csv",
                    f"{project}_v{version}.csv",
                    _sha("e", number),
                    LINES,
                    "1000.00",
                    at,
                )
            )
        if number % 5 == 0:
            refused = _sha("d", number)
            rows["events"].append((project, 0, "refuse", "Ada", at, "total not a number", refused))
            _archive(root, refused)
        for mail in range(3):
            rows["notifications"].append(
                (
                    f"{number}:{mail}",
                    "sent",
                    '["a@x"]',
                    "Budget",
                    "t" * 1000,
                    "h" * 3000,
                    at,
                    "sent",
                    1,
                    at,
                    "",
                    at,
                )
            )
        rows["decision_files"].append((save, project, version, decision + "ed", at))
        rows["review_issues"].append(
            (
                f"t{number}",
                project,
                version,
                f"{project}_v{version}_review.xlsx",
                review,
                at,
                _FIGURES,
            )
        )
        for sha in (sent, review, save):
            _archive(root, sha)
    last = (start + timedelta(days=365)).isoformat()
    rows["budgets"] = [
        (f"P-{p:05d}", "rejected" if p % 10 == 0 else "exported", PER_PROJECT, "Ada", last, last)
        for p in range(projects)
    ]
    with store.transaction():
        for table, sql in _INSERTS.items():
            db.executemany(sql, rows[table])
    store.close()


_INSERTS = {
    "budgets": "INSERT INTO budgets (project_number, status, version, sender, sent_at, "
    "changed_at, revision) VALUES (?, ?, ?, ?, ?, ?, 1)",
    "submissions": "INSERT INTO submissions VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
    "lines": "INSERT INTO lines VALUES (?,?,?,?,?,?,?,?,?,?,?)",
    "events": "INSERT INTO events (project_number, version, action, actor, at, detail, "
    "file_sha256) VALUES (?,?,?,?,?,?,?)",
    "erp_exports": "INSERT INTO erp_exports (project_number, version, seq, kind, profile, "
    "file_name, sha256, line_count, total, at) VALUES (?,?,?,?,?,?,?,?,?,?)",
    "notifications": "INSERT INTO notifications (key, template, recipients, subject, text, "
    "html, created_at, status, attempts, next_attempt_at, last_error, sent_at) "
    "VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
    "decision_files": "INSERT INTO decision_files VALUES (?,?,?,?,?)",
    "review_issues": "INSERT INTO review_issues (token, project_number, version, review_file, "
    "sha256, issued_at, figures) VALUES (?,?,?,?,?,?,?)",
}
_OLD = (NOW - timedelta(days=500)).timestamp()


def _archive(root: Path, sha: str) -> None:
    path = root / "archive" / "sha256" / sha[:2] / f"{sha}.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(os.urandom(FILE_BYTES))
    os.utime(path, (_OLD, _OLD))


def sizes(root: Path) -> tuple[int, int]:
    """The state database's bytes (with its WAL) and the archive's."""
    state = sum(p.stat().st_size for p in (root / "state").glob("budget-erp.sqlite*"))
    archive = sum(p.stat().st_size for p in (root / "archive").rglob("*") if p.is_file())
    return state, archive


def idle_pass(root: Path, runs: int) -> float:
    """The median time of an idle pass (nothing to do) over the state, warm (a daemon's)."""
    app = bootstrap(load_settings(root))
    try:
        process_once(app, settle_seconds=0)  # warm: the first pass restores and writes the page
        times = []
        for _ in range(runs):
            started = time.perf_counter()
            process_once(app, settle_seconds=0)
            times.append(time.perf_counter() - started)
        return statistics.median(times)
    finally:
        app.close()


def report(versions: int, runs: int, scratch: Path) -> list[str]:
    root = scratch / "year"
    started = time.perf_counter()
    build(root, versions)
    built = time.perf_counter() - started
    db_before, archive_before = sizes(root)
    pass_before = idle_pass(root, runs)
    app = bootstrap(load_settings(root))
    started = time.perf_counter()
    pruned = prune(app)
    prune_seconds = time.perf_counter() - started
    app.close()
    db_after, archive_after = sizes(root)
    pass_after = idle_pass(root, runs)
    mb = 2**20
    rows = [
        ("state database (MB)", db_before / mb, db_after / mb),
        (
            f"archive (MB, x{SCALE} of what was written)",
            archive_before * SCALE / mb,
            archive_after * SCALE / mb,
        ),
        (f"idle pass (ms, median of {runs})", pass_before * 1000, pass_after * 1000),
    ]
    lines = [
        f"{versions:,} versions ({versions // PER_PROJECT:,} budgets); built in {built:.0f} s; "
        f"prune took {prune_seconds:.1f} s",
        "",
        "| | before prune | after prune | after / before |",
        "|---|---|---|---|",
    ]
    lines += [f"| {name} | {a:,.1f} | {b:,.1f} | {b / a:.2f} |" for name, a, b in rows]
    lines += ["", "prune: " + "; ".join(pruned.lines(dry_run=False))]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5,000 versions")
    args = parser.parse_args()
    versions, runs = (5_000, 3) if args.quick else (50_000, 5)
    print(machine())
    with tempfile.TemporaryDirectory(prefix="budget-erp-year-") as scratch:
        for line in report(versions, runs, Path(scratch)):
            print(line)


if __name__ == "__main__":
    main()
