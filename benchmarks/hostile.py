"""What hostile drops cost the daemon: a huge results file, and a refused workbook that is
heavy beyond its budget sheet. Each case runs one pass in a fresh process.

    python -m benchmarks.hostile            # 300 MB and 1,000 KB results, 3,000,000 numbers
    python -m benchmarks.hostile --quick    # 5 MB and 1,000 KB results, 100,000 numbers
    python -m benchmarks.hostile one CASE SIZE WORKDIR   # one case (used by the above)

It prints, per case, the pass's seconds, the peak resident memory of the process running the
pass and of its parse worker, how much the state database grew and the bytes of mail written.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import xlsxwriter

from benchmarks.generate import make_budget
from benchmarks.one import descendants_peak_mib, workspace

if TYPE_CHECKING:
    from pipeline.services.context import Services


def heavy_refused_workbook(path: Path, numbers: int) -> Path:
    """One bad cell on Budget, and ``numbers`` numbers on a second sheet."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    budget = book.add_worksheet("Budget")
    for row, values in enumerate(
        [
            ["Project Number", "P-HEAVY"],
            ["Prepared By", "Ada Admin"],
            [],
            ["Cost Code", "Cost Type", "Original Budget Amount"],
            ["01-100", "L", "not a number"],
        ]
    ):
        budget.write_row(row, 0, values)
    data = book.add_worksheet("Data")
    width = 100
    for row in range(numbers // width):
        data.write_row(row, 0, [row * width + col + 0.5 for col in range(width)])
    book.close()
    return path


def _exported(app: Services, root: Path) -> str:
    """Send, accept and export a budget; return its ERP file's name."""
    import openpyxl

    from pipeline.services.processing import process_once

    source = make_budget(root / "inbox" / "real.xlsx", 20, project="P-REAL")
    os.utime(source, (0, 0))
    process_once(app, settle_seconds=0)
    review = root / "approval" / "P-REAL_v1_review.xlsx"
    book = openpyxl.load_workbook(review)
    for name, value in (("Decision", "Accept"), ("Approver", "Carl Accountant")):
        _, ref = next(iter(book.defined_names[name].destinations))
        book["Review"][ref.replace("$", "")] = value
    book.save(review)
    os.utime(review, (0, 0))
    process_once(app, settle_seconds=0)
    return "P-REAL_v1_001.csv"


def _sizes(root: Path) -> tuple[int, int]:
    database = sum(p.stat().st_size for p in (root / "state").glob("budget-erp.sqlite*"))
    mail = sum(p.stat().st_size for p in (root / "mail").glob("*.eml"))
    return database, mail


def run_one(case: str, size: int, root: Path) -> dict[str, float | str]:
    """One pass over a hostile drop (the setup is not timed)."""
    from pipeline.services.processing import process_once

    app = workspace(root)
    if case == "result":
        export = _exported(app, root)
        result = root / "outbox" / "results" / "huge.json"
        with result.open("w") as handle:  # a failure whose message is ``size`` KB
            handle.write(f'{{"export": "{export}", "status": "failure", "message": "')
            for _ in range(size):
                handle.write("x" * 1024)
            handle.write('"}')
        os.utime(result, (0, 0))
    else:
        heavy_refused_workbook(root / "inbox" / "heavy.xlsx", size)
        os.utime(root / "inbox" / "heavy.xlsx", (0, 0))
    before = _sizes(root)
    started = time.perf_counter()
    outcomes = process_once(app, settle_seconds=0)
    elapsed = time.perf_counter() - started
    after = _sizes(root)
    return {
        "seconds": elapsed,
        "own_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "worker_mib": descendants_peak_mib(),
        "database_growth_mib": (after[0] - before[0]) / 2**20,
        "mail_mib": (after[1] - before[1]) / 2**20,
        "outcome": "; ".join(f"{o.kind}: {o.message[:120]}" for o in outcomes),
    }


def main() -> None:
    """Run both cases (or one, with ``one``) and print a line each."""
    if sys.argv[1:2] == ["one"]:
        case, size, root = sys.argv[2], int(sys.argv[3]), Path(sys.argv[4])
        print(json.dumps(run_one(case, size, root)))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes (a smoke test)")
    quick = parser.parse_args().quick
    cases = [
        ("result", 5 * 1024 if quick else 300 * 1024),
        ("result", 1000),  # about the largest a result may be, by default
        ("refused", 100_000 if quick else 3_000_000),
    ]
    with tempfile.TemporaryDirectory(prefix="budget-erp-hostile-") as scratch:
        for case, size in cases:
            done = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "benchmarks.hostile",
                    "one",
                    case,
                    str(size),
                    f"{scratch}/{case}-{size}",
                ],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(done.stdout.strip().splitlines()[-1])
            unit = "KB results file" if case == "result" else "numbers beside a refused budget"
            print(
                f"{size:,} {unit}: {figures['seconds']:.2f} s, peak {figures['own_mib']:.0f} "
                f"MiB (pass) + {figures['worker_mib']:.0f} MiB (worker), database "
                f"+{figures['database_growth_mib']:.1f} MiB, mail {figures['mail_mib']:.1f} MiB"
                f"\n  {figures['outcome']}"
            )


if __name__ == "__main__":
    main()
