"""What an idle pass, ``status`` and the status page cost as the state grows: the same
workspace with 10, 1,000 and 10,000 budgets (four in ten awaiting approval, the rest
rejected or exported), each figure a ratio against 10 budgets in the same run.

    python -m benchmarks.scale             # 10 / 1,000 / 10,000 budgets, 5 rounds (~5 min)
    python -m benchmarks.scale --quick     # 10 / 200 budgets, 1 round (CI's smoke test)
    python -m benchmarks.scale --profile   # and cProfile of one idle pass at the largest size

The idle pass (nothing to do) is timed in-process, through ``bootstrap`` and
``process_once`` after a first pass, as a daemon runs it, and as the ``budget-erp process``
command (a fresh process: start-up, the check of current/, the page written). ``status``
and ``status --json`` are whole commands; the page is ``write_page`` in-process (gathered,
rendered and written). The workspaces are built untimed (``scale_state``). Nothing asserts
a time; the target (issue 27) is each figure at 10,000 budgets within 2x of 10.
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import pstats
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.processes import cli, interleaved, timed
from benchmarks.run import machine
from benchmarks.scale_state import remove, scaled_workspace

if TYPE_CHECKING:  # the measured code is imported inside each measurement
    from pipeline.services.context import Outcome, Services

SIZES = (10, 1000, 10_000)
QUICK_SIZES = (10, 200)
TARGET = 2.0
FIGURES = (
    "idle pass (in-process)",
    "process (command)",
    "status (command)",
    "status --json (command)",
    "status page (in-process)",
)


def in_process(root: Path, runs: int) -> dict[str, float]:
    """The idle pass and the page, medians of ``runs`` after a first (warming) pass."""
    from pipeline.bootstrap import bootstrap
    from pipeline.config import load_settings
    from pipeline.services.processing import process_once
    from pipeline.services.status_page import write_page

    app = bootstrap(load_settings(root))
    try:
        if process_once(app, settle_seconds=0):  # the first pass: current/ checked, page written
            raise RuntimeError(f"{root}: the first pass found work; the state is not idle")
        return {
            "idle pass (in-process)": _median(runs, lambda: _idle(app, process_once)),
            "status page (in-process)": _median(runs, lambda: write_page(app)),
        }
    finally:
        app.close()


def _idle(app: Services, process_once: Callable[..., list[Outcome]]) -> None:
    outcomes = process_once(app, settle_seconds=0)
    if outcomes:
        raise RuntimeError(f"an idle pass did something: {outcomes}")


def _median(runs: int, work: Callable[[], object]) -> float:
    seen = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        seen.append(time.perf_counter() - started)
    return statistics.median(seen)


def commands(root: Path, runs: int) -> dict[str, float]:
    """The three commands as whole processes, interleaved rounds."""
    timed(cli(root, "status"))  # bytecode cached, page cache warm
    return interleaved(
        runs,
        {
            "process (command)": functools.partial(timed, cli(root, "process")),
            "status (command)": functools.partial(timed, cli(root, "status")),
            "status --json (command)": functools.partial(timed, cli(root, "status", "--json")),
        },
    )


def profile(root: Path) -> list[str]:
    """cProfile of one idle pass (after two: the first queues the day's mail, the second
    finds it out), the 25 functions of most cumulative time."""
    from pipeline.bootstrap import bootstrap
    from pipeline.config import load_settings
    from pipeline.services.processing import process_once

    app = bootstrap(load_settings(root))
    try:
        process_once(app, settle_seconds=0)
        process_once(app, settle_seconds=0)
        profiler = cProfile.Profile()
        profiler.enable()
        process_once(app, settle_seconds=0)
        profiler.disable()
    finally:
        app.close()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(25)
    return ["```", *out.getvalue().strip().splitlines(), "```"]


def report(sizes: tuple[int, ...], runs: int, scratch: Path, with_profile: bool) -> str:
    """Build each workspace, measure it, and return the Markdown table."""
    figures: dict[int, dict[str, float]] = {}
    built: dict[int, float] = {}
    profiled: list[str] = []
    for size in sizes:
        root = scratch / f"ws-{size}"
        started = time.perf_counter()
        scaled_workspace(root, size)
        built[size] = time.perf_counter() - started
        figures[size] = {**in_process(root, runs), **commands(root, runs)}
        if with_profile and size == sizes[-1]:
            profiled = profile(root)
        remove(root)
    base = figures[sizes[0]]
    lines = [
        f"Measured on {machine()}; `python -m benchmarks.scale"
        f"{' --quick' if sizes == QUICK_SIZES else ''}`: medians of {runs} run(s).",
        "",
        "| figure | " + " | ".join(f"{size:,} budgets" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for name in FIGURES:
        cells = [f"{figures[sizes[0]][name]:.3f} s"] + [
            f"{figures[size][name]:.3f} s ({figures[size][name] / base[name]:.2f}x)"
            for size in sizes[1:]
        ]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    largest = sizes[-1]
    lines += [
        "",
        "Workspaces built in " + ", ".join(f"{built[s]:.1f} s ({s:,})" for s in sizes) + ".",
        "",
        f"Target: each figure at {largest:,} budgets within {TARGET:.0f}x of {sizes[0]}:",
    ]
    for name in FIGURES:
        ratio = figures[largest][name] / base[name]
        lines.append(f"- {name}: {ratio:.2f}x, {'met' if ratio <= TARGET else '**missed**'}")
    if profiled:
        lines += ["", f"One idle pass at {largest:,} budgets (cProfile, cumulative):", *profiled]
    return "\n".join(lines) + "\n"


def main() -> None:
    """Run, print, and write the report if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="10 and 200 budgets, 1 round")
    parser.add_argument("--runs", type=int, help="rounds (default 5, quick 1)")
    parser.add_argument("--sizes", type=int, nargs="+", help="store sizes (first: the base)")
    parser.add_argument("--profile", action="store_true", help="cProfile the largest size")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    options = parser.parse_args()
    runs = options.runs or (1 if options.quick else 5)
    sizes = tuple(options.sizes) if options.sizes else QUICK_SIZES if options.quick else SIZES
    with tempfile.TemporaryDirectory(prefix="budget-erp-scale-") as scratch:
        text = report(sizes, runs, Path(scratch), options.profile)
    print(text)
    if options.out:
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
