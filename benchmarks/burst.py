"""A running daemon under load: a burst of small budgets against the limit loop, and the
memory of the daemon and its workers while it takes one 200,000-line budget, against the
naive script's.

    python -m benchmarks.burst            # 500 budgets of 200 lines, 3 rounds; 200,000 lines
    python -m benchmarks.burst --quick    # 40 budgets, 1 round; 20,000 lines (~1 min)

Throughput rounds interleave the daemon's burst and the limit loop (benchmarks/one.py
limit-loop, a fresh process over the same files); medians. Memory is sampled from /proc
every 10 ms (benchmarks/processes.py): the peak of the tree's summed Pss, and the summed
per-process peaks (VmHWM) as an upper bound.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks.generate import make_budget
from benchmarks.processes import (
    Sampler,
    TreeMemory,
    cli,
    environment,
    interleaved,
    measured_run,
    new_workspace,
)
from benchmarks.run import machine

SETTINGS = {"settle_seconds = 2.0": "settle_seconds = 0.2"}


def _wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the daemon did not finish in time")
        time.sleep(0.005)


def _reviews(root: Path) -> int:
    return sum(1 for _ in (root / "approval").glob("*_review.xlsx"))


def started_daemon(root: Path, scratch: Path) -> subprocess.Popen[bytes]:
    """``budget-erp watch`` on ``root``, warmed up on one small budget (worker running)."""
    with (root / "daemon.log").open("wb") as log:  # a pipe nobody reads would fill and block
        daemon = subprocess.Popen(
            cli(root, "watch"), env=environment(), stdout=subprocess.DEVNULL, stderr=log
        )
    warm = make_budget(scratch / "warm.xlsx", 5, project="P-WARM")
    os.replace(warm, root / "inbox" / warm.name)
    _wait(lambda: _reviews(root) >= 1, 120)
    return daemon


def stopped(daemon: subprocess.Popen[bytes]) -> None:
    """Stop the daemon as a service manager does."""
    daemon.send_signal(signal.SIGTERM)
    daemon.wait(timeout=600)  # it finishes its pass first: the mail of a burst included


def burst_once(staging: Path, scratch: Path, round_: list[int], workers: int) -> float:
    """Seconds from dropping every budget of ``staging`` at once to the last review, with
    ``workers`` parse workers."""
    round_[0] += 1
    pool = {"parse_workers = 1": f"parse_workers = {workers}"}
    root = new_workspace(scratch / f"burst-{round_[0]}", **SETTINGS, **pool)
    daemon = started_daemon(root, scratch)
    count = sum(1 for _ in staging.iterdir())
    try:
        started = time.perf_counter()
        for path in sorted(staging.iterdir()):
            shutil.copy(path, root / "inbox" / path.name)
        _wait(lambda: _reviews(root) >= count + 1, 3600)
        elapsed = time.perf_counter() - started
    finally:
        stopped(daemon)
    _report_trouble(root / "daemon.log")
    shutil.rmtree(root)
    return elapsed


def _report_trouble(log: Path) -> None:
    """A burst slowed by a failed take (retried at a later scan) says so, with the cause."""
    trouble = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if "WARNING" in line or "ERROR" in line
    ]
    if trouble:
        print(
            f"the daemon reported {len(trouble)} problem(s):",
            *trouble[:20],
            sep="\n  ",
            file=sys.stderr,
        )


def limit_loop_once(staging: Path, scratch: Path) -> float:
    """The limit loop over the same files, in a fresh process (its own timing)."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.one", "limit-loop", str(staging), str(scratch / "lim")],
        check=True,
        capture_output=True,
        text=True,
        env=environment(),
    )
    seconds: float = json.loads(done.stdout.strip().splitlines()[-1])["seconds"]
    return seconds


def throughput(count: int, runs: int, scratch: Path) -> list[str]:
    """The throughput line: budgets per second, daemon against the limit loop."""
    staging = scratch / "burst-files"
    for i in range(count):
        make_budget(staging / f"t{i:04d}.xlsx", 200, project=f"T-{i:04d}")
    round_ = [0]
    medians = interleaved(
        runs,
        {
            "1": lambda: burst_once(staging, scratch, round_, 1),
            "2": lambda: burst_once(staging, scratch, round_, 2),
            "limit": lambda: limit_loop_once(staging, scratch),
        },
    )
    limit = medians["limit"]
    lines = [
        "| budgets of 200 lines | parse workers | daemon | limit loop | ratio | target 0.5 |",
        "|---|---|---|---|---|---|",
    ]
    for workers in ("1", "2"):
        ratio = limit / medians[workers]
        lines.append(
            f"| {count} | {workers} | {count / medians[workers]:.1f}/s "
            f"({medians[workers]:.1f} s) | {count / limit:.1f}/s ({limit:.1f} s) | "
            f"{ratio:.2f} | {'met' if ratio >= 0.5 else '**missed**'} |"
        )
    return lines


def daemon_memory(source: Path, scratch: Path) -> TreeMemory:
    """Peaks of a warm daemon's tree while it takes ``source``."""
    root = new_workspace(scratch / "memory", **SETTINGS)
    daemon = started_daemon(root, scratch)
    try:
        sampler = Sampler(daemon.pid)
        shutil.copy(source, root / "inbox" / source.name)
        _wait(lambda: _reviews(root) >= 2, 3600)
        time.sleep(0.1)  # a last sample after the commit
        memory = sampler.stop()
    finally:
        stopped(daemon)
    shutil.rmtree(root)
    return memory


def memory(size: int, scratch: Path) -> list[str]:
    """The memory table: the daemon and its workers against the naive script."""
    source = make_budget(scratch / f"memory-{size}.xlsx", size)
    ours = daemon_memory(source, scratch)
    _, naive = measured_run(
        [sys.executable, "-m", "benchmarks.one", "naive", str(source), str(scratch / "naive")]
    )
    ratio = ours.pss / naive.pss
    return [
        f"| {size:,} lines | peak Pss, whole tree | peak Rss, whole tree | VmHWM summed "
        "(upper bound) |",
        "|---|---|---|---|",
        f"| daemon + fork server + worker | {ours.pss:.0f} MiB | {ours.rss:.0f} MiB | "
        f"{ours.hwm_sum:.0f} MiB ({ours.peaks().replace('main', 'daemon')}) |",
        f"| naive script | {naive.pss:.0f} MiB | {naive.rss:.0f} MiB | {naive.hwm_sum:.0f} MiB |",
        f"| ratio | {ratio:.2f} | {ours.rss / naive.rss:.2f} | "
        f"{ours.hwm_sum / naive.hwm_sum:.2f} |",
        "",
        f"Target: at most half the naive script's (Pss): {ratio:.2f}, "
        f"{'met' if ratio <= 0.5 else '**missed**'}.",
    ]


def main() -> None:
    """Run, print, and write the report if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 budgets, 20,000 lines")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    parser.add_argument("--only", choices=["throughput", "memory"], help="one of the two parts")
    parser.add_argument("--budgets", type=int, help="budgets in the burst (default 500)")
    options = parser.parse_args()
    count, runs, size = (40, 1, 20_000) if options.quick else (500, 3, 200_000)
    count = options.budgets or count
    with tempfile.TemporaryDirectory(prefix="budget-erp-burst-") as scratch:
        text = "\n".join(
            [
                f"Measured on {machine()}; `python -m benchmarks.burst"
                f"{' --quick' if options.quick else ''}`.",
                "",
                *([] if options.only == "memory" else throughput(count, runs, Path(scratch))),
                "",
                *([] if options.only == "throughput" else memory(size, Path(scratch))),
                "",
            ]
        )
    print(text)
    if options.out:
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
