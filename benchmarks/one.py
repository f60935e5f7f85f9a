"""One measurement in a fresh process, so peak memory is its own: prints a JSON line.

python -m benchmarks.one pipeline|naive|limit|accept FILE WORKDIR
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the measured code is imported inside each measurement, after start-up
    from pipeline.services.context import Services

PEOPLE = """
[[person]]
name = "Ada Admin"
email = "ada@example.com"
roles = ["budget_admin"]
projects = ["*"]

[[person]]
name = "Carl Accountant"
email = "carl@example.com"
roles = ["accounting_approver"]
projects = ["*"]
"""


# Services stay alive until memory is measured: their parse worker exits with them.
KEEP: list[object] = []


def workspace(root: Path) -> Services:
    """A fresh workspace and its Services, warmed up on a tiny budget (as a daemon is)."""
    from benchmarks.generate import make_budget
    from pipeline.bootstrap import bootstrap
    from pipeline.config import init_workspace, load_settings
    from pipeline.services.processing import process_once

    init_workspace(root)
    (root / "rules" / "people.toml").write_text(PEOPLE)
    app = bootstrap(load_settings(root))
    warm = make_budget(root / "inbox" / "warm.xlsx", 5, project="P-WARM")
    os.utime(warm, (0, 0))
    process_once(app, settle_seconds=0)
    KEEP.append(app)
    return app


def drop(source: Path, root: Path) -> Path:
    """Copy a budget into the inbox as a finished file."""
    target = root / "inbox" / source.name
    shutil.copy(source, target)
    os.utime(target, (0, 0))
    return target


def run_pipeline(source: Path, root: Path) -> float:
    """A finished workbook in inbox/ to its review workbook in approval/, database updated."""
    from pipeline.services.processing import process_once

    app = workspace(root)
    drop(source, root)
    started = time.perf_counter()
    outcomes = process_once(app, settle_seconds=0)
    elapsed = time.perf_counter() - started
    assert [o.kind.value for o in outcomes] == ["sent for approval"], outcomes
    return elapsed


def run_accept(source: Path, root: Path) -> float:
    """An accepted decision to the ERP file (the review workbook's save is not timed)."""
    import openpyxl

    from pipeline.services.processing import process_once

    app = workspace(root)
    drop(source, root)
    process_once(app, settle_seconds=0)
    [review] = [p for p in (root / "approval").glob("*_review.xlsx") if "WARM" not in p.name]
    book = openpyxl.load_workbook(review)
    sheet = book["Review"]
    for name, value in (("Decision", "Accept"), ("Approver", "Carl Accountant")):
        _, ref = next(iter(book.defined_names[name].destinations))
        sheet[ref.replace("$", "")] = value
    book.save(review)
    os.utime(review, (0, 0))
    started = time.perf_counter()
    outcomes = process_once(app, settle_seconds=0)
    elapsed = time.perf_counter() - started
    assert [o.kind.value for o in outcomes] == ["accepted"], outcomes
    return elapsed


def run_naive(source: Path, root: Path) -> float:
    """The script a user would write: pandas + openpyxl read, openpyxl review sheet, save."""
    import openpyxl
    import pandas as pd
    from openpyxl.worksheet.datavalidation import DataValidation

    started = time.perf_counter()
    lines = pd.read_excel(source, engine="openpyxl", header=6)
    book = openpyxl.load_workbook(source)
    review = book.create_sheet("Review")
    review.append(["Project", book["Budget"]["B2"].value])
    review.append(["Lines", len(lines)])
    review.append(["Total", float(lines["Original Budget Amount"].sum())])
    review.append(["Decision", None])
    validation = DataValidation(type="list", formula1='"Accept,Reject"')
    review.add_data_validation(validation)
    validation.add("B4")
    book.save(root / "naive_review.xlsx")
    return time.perf_counter() - started


def run_limit(source: Path, root: Path) -> float:
    """The raw limit: the fastest reader, and xlsxwriter writing the lines, nothing else."""
    import python_calamine
    import xlsxwriter

    started = time.perf_counter()
    rows = python_calamine.CalamineWorkbook.from_path(str(source)).get_sheet_by_index(0).to_python()
    book = xlsxwriter.Workbook(str(root / "limit.xlsx"), {"constant_memory": True})
    sheet = book.add_worksheet("Lines")
    for index, row in enumerate(rows):
        sheet.write_row(index, 0, row)
    book.close()
    return time.perf_counter() - started


def run_limit_loop(folder: Path, root: Path) -> float:
    """The limit over every budget in a folder, one after the other (for throughput)."""
    started = time.perf_counter()
    for path in sorted(folder.glob("*.xlsx")):
        run_limit(path, root)
    return time.perf_counter() - started


def descendants_peak_mib() -> float:
    """Peak resident memory of every live descendant (the parse worker, its fork server)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    mine: set[int] = set()
    frontier = {os.getpid()}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - mine
        mine |= frontier
    total = 0.0
    for pid in mine:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def main() -> None:
    """Run one mode and print seconds and peak memory (this process and its children)."""
    mode, source, root = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    root.mkdir(parents=True, exist_ok=True)
    seconds = {
        "pipeline": run_pipeline,
        "naive": run_naive,
        "limit": run_limit,
        "accept": run_accept,
        "limit-loop": run_limit_loop,
    }[mode](source, root)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = descendants_peak_mib()
    print(
        json.dumps(
            {
                "seconds": seconds,
                "peak_mib": own + children,
                "own_mib": own,
                "children_mib": children,
            }
        )
    )


if __name__ == "__main__":
    main()
