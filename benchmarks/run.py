"""Run every benchmark in one go and print (or write) the table of ratios.

    python -m benchmarks.run            # full: 200 .. 200,000 lines, 3 runs each (~15 min)
    python -m benchmarks.run --quick    # smoke test: small sizes, one run (CI)
    python -m benchmarks.run --out BENCHMARKS.md

Every figure is measured in this run, on the same files, as medians; each measurement of
time and memory runs in a fresh process (benchmarks/one.py).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate import make_budget
from benchmarks.one import PEOPLE
from benchmarks.processes import without_example_lists


def measure(mode: str, source: Path, scratch: Path, runs: int) -> dict[str, float]:
    """Median seconds and peak memory of ``runs`` fresh processes."""
    results = []
    for run in range(runs):
        folder = scratch / f"{mode}-{source.stem}-{run}"
        done = subprocess.run(
            [sys.executable, "-m", "benchmarks.one", mode, str(source), str(folder)],
            capture_output=True,
            text=True,
            check=True,
        )
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
        shutil.rmtree(folder, ignore_errors=True)
    return {key: statistics.median(r[key] for r in results) for key in results[0]}


def _workspace(root: Path, mode: str, settle: float, poll: float) -> None:
    subprocess.run(
        [sys.executable, "-m", "pipeline", "init", str(root)], check=True, capture_output=True
    )
    without_example_lists(root)
    (root / "rules" / "people.toml").write_text(PEOPLE)
    config = root / "budget-erp.toml"
    text = config.read_text()
    for old, new in (
        ('mode = "native"', f'mode = "{mode}"'),
        ("settle_seconds = 2.0", f"settle_seconds = {settle}"),
        ("poll_interval_seconds = 1.0", f"poll_interval_seconds = {poll}"),
    ):
        # The defaults `init` writes: if they change, say so instead of measuring the wrong
        # settings (the benchmarks carry no TOML writer, only the package's dependencies).
        if old not in text:
            raise RuntimeError(f"{config}: no {old!r} to set to {new!r}")
        text = text.replace(old, new)
    config.write_text(text)


def _wait(condition: Callable[[], bool], timeout: float) -> float:
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise TimeoutError("the daemon did not finish in time")
        time.sleep(0.005)
    return time.perf_counter() - started


def _reviews(root: Path) -> int:
    """Review workbooks written so far; a refused budget stops the measurement at once."""
    if refused := sorted(p.name for p in (root / "rejected").glob("*.refused.txt")):
        raise RuntimeError(f"{root}: budgets refused, nothing to measure: {refused[:3]}")
    return len(list((root / "approval").glob("*_review.xlsx")))


def _daemon(root: Path) -> subprocess.Popen[bytes]:
    daemon = subprocess.Popen(
        [sys.executable, "-m", "pipeline", "-w", str(root), "watch"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(2.0)  # started and warm
    return daemon


def throughput(count: int, scratch: Path) -> dict[str, float]:
    """``count`` budgets of 200 lines dropped at once into a running daemon."""
    staging = scratch / "throughput-files"
    for i in range(count):
        make_budget(staging / f"t{i:04d}.xlsx", 200, project=f"T-{i:04d}")
    root = scratch / "throughput-ws"
    _workspace(root, "native", 0.2, 1.0)
    daemon = _daemon(root)
    try:
        started = time.perf_counter()
        for path in sorted(staging.iterdir()):
            shutil.copy(path, root / "inbox" / path.name)
        _wait(lambda: _reviews(root) >= count, timeout=60 * 60)
        elapsed = time.perf_counter() - started
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    limit = measure("limit-loop", staging, scratch, 1)["seconds"]
    return {
        "pipeline_per_s": count / elapsed,
        "limit_per_s": count / limit,
        "seconds": elapsed,
        "limit_seconds": limit,
    }


def latency(mode: str, drops: int, settle: float, poll: float, scratch: Path) -> dict[str, float]:
    """Drop to review workbook, and saved decision to ERP file, one file at a time."""
    import openpyxl

    root = scratch / f"latency-{mode}"
    _workspace(root, mode, settle, poll)
    daemon = _daemon(root)
    to_review, to_export = [], []
    try:
        for i in range(drops):
            source = make_budget(scratch / f"lat-{mode}-{i}.xlsx", 200, project=f"L-{i:03d}")
            review = root / "approval" / f"L-{i:03d}_v1_review.xlsx"
            time.sleep(0.3 + (i % 7) * 0.13)  # not in step with the poll
            os.replace(source, root / "inbox" / source.name)
            to_review.append(_wait(review.exists, 120))
            decided = scratch / f"decided-{mode}-{i}.xlsx"
            time.sleep(0.2)
            book = openpyxl.load_workbook(review)
            for name, value in (("Decision", "Accept"), ("Approver", "Carl Accountant")):
                _, ref = next(iter(book.defined_names[name].destinations))
                book["Review"][ref.replace("$", "")] = value
            book.save(decided)
            export = root / "outbox" / f"L-{i:03d}_v1_001.csv"
            os.replace(decided, review)  # the saved decision lands at once
            to_export.append(_wait(export.exists, 120))
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.wait(timeout=60)
    return {
        "review_median": statistics.median(to_review),
        "review_p95": _p95(to_review),
        "export_median": statistics.median(to_export),
        "export_p95": _p95(to_export),
    }


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def machine() -> str:
    """Cores, memory, CPU model and Python, as the table's header says."""
    model = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = int(Path("/proc/meminfo").read_text().split()[1]) / 2**20
    return (
        f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB, {platform.system()} "
        f"{platform.release()}, Python {platform.python_version()}"
    )


def _verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def report(quick: bool, scratch: Path) -> str:
    """Run everything; return the Markdown report."""
    sizes = [200, 2000] if quick else [200, 2000, 20000, 200000]
    runs = 1 if quick else 3
    lines = [
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine()}.",
        f"Command: `python -m benchmarks.run{' --quick' if quick else ''}`; medians of "
        f"{runs} run(s) per figure, each in a fresh process.",
        "",
        "| lines | pipeline | naive | limit | naive / pipeline | pipeline / limit | "
        "peak MiB pipeline (parent + worker) | peak MiB naive | memory ratio |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    targets = []
    for size in sizes:
        source = make_budget(scratch / f"budget-{size}.xlsx", size)
        p = measure("pipeline", source, scratch, runs)
        n = measure("naive", source, scratch, runs)
        limit = measure("limit", source, scratch, runs)
        lines.append(
            f"| {size:,} | {p['seconds']:.3f} s | {n['seconds']:.3f} s | "
            f"{limit['seconds']:.3f} s | {n['seconds'] / p['seconds']:.1f}x | "
            f"{p['seconds'] / limit['seconds']:.2f}x | {p['own_mib']:.0f} + "
            f"{p['children_mib']:.0f} | {n['peak_mib']:.0f} | "
            f"{p['peak_mib'] / n['peak_mib']:.2f} |"
        )
        if size >= 20000:
            targets.append(
                f"- {size:,} lines: at least 4x faster than naive: "
                f"{n['seconds'] / p['seconds']:.1f}x, "
                f"{_verdict(n['seconds'] / p['seconds'] >= 4)}; within 1.5x of the "
                f"limit: {p['seconds'] / limit['seconds']:.2f}x, "
                f"{_verdict(p['seconds'] / limit['seconds'] <= 1.5)}."
            )
        if size == 200000:
            targets.append(
                f"- peak memory at 200,000 lines at most half the naive script's: "
                f"{p['peak_mib'] / n['peak_mib']:.2f}, "
                f"{_verdict(p['peak_mib'] <= n['peak_mib'] / 2)}."
            )
    accept_size = 2000 if quick else 200000
    accept = measure(
        "accept", make_budget(scratch / f"accept-{accept_size}.xlsx", accept_size), scratch, 1
    )
    lines += [
        "",
        f"Accept of a {accept_size:,}-line budget to its ERP file: "
        f"{accept['seconds']:.2f} s, peak {accept['peak_mib']:.0f} MiB.",
    ]
    count = 20 if quick else 500
    t = throughput(count, scratch)
    lines += [
        "",
        f"Throughput, {count} budgets of 200 lines dropped at once into the daemon: "
        f"{t['pipeline_per_s']:.1f} budgets/s ({t['seconds']:.1f} s); limit loop "
        f"{t['limit_per_s']:.1f}/s; ratio {t['pipeline_per_s'] / t['limit_per_s']:.2f}.",
    ]
    targets.append(
        f"- throughput at least half the limit loop's: "
        f"{t['pipeline_per_s'] / t['limit_per_s']:.2f}, "
        f"{_verdict(t['pipeline_per_s'] >= t['limit_per_s'] / 2)}."
    )
    drops = 3 if quick else 20
    lines += [
        "",
        "| watcher | settle | poll | drop to review: median / p95 | "
        "decision to ERP file: median / p95 |",
        "|---|---|---|---|---|",
    ]
    for mode, settle, poll in (("native", 0.5, 1.0), ("polling", 0.5, 1.0)):
        lat = latency(mode, drops, settle, poll, scratch)
        lines.append(
            f"| {mode} | {settle} s | {poll if mode == 'polling' else '-'} | "
            f"{lat['review_median']:.2f} / {lat['review_p95']:.2f} s | "
            f"{lat['export_median']:.2f} / {lat['export_p95']:.2f} s |"
        )
        bound = settle + (0.5 if mode == "native" else poll)
        worst = max(lat["review_median"], lat["export_median"])
        targets.append(
            f"- latency medians ({mode}) within {bound:.1f} s: {worst:.2f} s, "
            f"{_verdict(worst <= bound)}."
        )
    return "\n".join([*lines, "", "Targets:", *targets]) + "\n"


def main() -> None:
    """Parse the options, run, print, and write the report if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, one run (CI)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budget-erp-bench-") as scratch:
        text = report(options.quick, Path(scratch))
    print(text)
    if options.out:
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
