"""Whole processes, as cron and scripts run them: ``budget-erp process`` of one budget beside
the naive script, and the start-up of the small commands beside ``python -c pass``.

    python -m benchmarks.cold_start            # 20,000 and 200,000 lines; 5 rounds (~10 min)
    python -m benchmarks.cold_start --quick    # 2,000 lines, 3 rounds (~30 s)

Every figure is a median of interleaved rounds in this run (each round runs every case once,
in a turning order), timed from outside the process: interpreter start, imports, the parse
worker's start and the work. Bytecode is cached as for an installed package. Then
``-X importtime`` shows what the commands import, largest first. ``check`` is timed also
with a daemon running on its workspace (answering through its socket, with its warm
worker), and what pandas, pandera and the CLI cost to import on their own.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.generate import make_budget
from benchmarks.processes import cli, environment, interleaved, new_workspace, timed
from benchmarks.run import machine

SMALL_COMMANDS = {
    "--help": ("--help",),
    "status": ("status",),
    "history": ("history", "P-24017"),
    "check (200 lines)": ("check", "{small}"),
}
DAEMON_CASE = "check (200 lines), a daemon running"


def process_once(source: Path, scratch: Path, count: list[int]) -> float:
    """``budget-erp process`` of ``source`` in a fresh workspace (made untimed)."""
    count[0] += 1
    root = new_workspace(scratch / f"ws-{source.stem}-{count[0]}")
    target = root / "inbox" / source.name
    shutil.copy(source, target)
    os.utime(target, (0, 0))  # finished long ago: no settle wait
    seconds = timed(cli(root, "process"))
    if not list((root / "approval").glob("*_review.xlsx")):
        raise RuntimeError(f"{source.name}: no review workbook")
    shutil.rmtree(root)
    return seconds


def naive_once(source: Path, scratch: Path) -> float:
    """The naive script as a whole process (benchmarks/one.py naive: imports inside)."""
    folder = scratch / "naive"
    seconds = timed([sys.executable, "-m", "benchmarks.one", "naive", str(source), str(folder)])
    shutil.rmtree(folder, ignore_errors=True)
    return seconds


def whole_process(sizes: list[int], runs: int, scratch: Path) -> list[str]:
    """Rows of the process-against-naive table."""
    rows = [
        "| lines | `budget-erp process` | naive script | naive / process | target |",
        "|---|---|---|---|---|",
    ]
    count = [0]
    for size in sizes:
        source = make_budget(scratch / f"budget-{size}.xlsx", size)
        process_once(source, scratch, count)  # writes the bytecode caches once
        medians = interleaved(
            runs,
            {
                "process": functools.partial(process_once, source, scratch, count),
                "naive": functools.partial(naive_once, source, scratch),
            },
        )
        ratio = medians["naive"] / medians["process"]
        target = 5.0 if size >= 200_000 else 4.0
        rows.append(
            f"| {size:,} | {medians['process']:.2f} s | {medians['naive']:.2f} s | "
            f"{ratio:.1f}x | {target:.0f}x: {'met' if ratio >= target else '**missed**'} |"
        )
    return rows


def small_commands(runs: int, scratch: Path) -> list[str]:
    """Rows of the start-up table: each command against ``python -c pass``."""
    root = new_workspace(scratch / "small")
    small = make_budget(scratch / "small.xlsx", 200)
    shutil.copy(small, root / "inbox" / "budget.xlsx")
    os.utime(root / "inbox" / "budget.xlsx", (0, 0))
    subprocess.run(cli(root, "process"), check=True, capture_output=True, env=environment())
    cases = {"python -c pass": lambda: timed([sys.executable, "-c", "pass"])}
    for name, args in SMALL_COMMANDS.items():
        command = cli(root, *(a.format(small=small) for a in args))
        subprocess.run(command, capture_output=True, env=environment())  # bytecode cached
        cases[name] = functools.partial(_timed_any_exit, command)
    with running_daemon(scratch / "daemon") as served:
        command = cli(served, "check", str(small))
        subprocess.run(command, capture_output=True, env=environment())  # its first answer
        cases[DAEMON_CASE] = functools.partial(_timed_any_exit, command)
        medians = interleaved(runs, cases)
    base = medians["python -c pass"]
    rows = [
        "| command | whole process | / `python -c pass` | target 0.25 s |",
        "|---|---|---|---|",
        f"| `python -c pass` | {base:.3f} s | 1.0 | |",
    ]
    for name in [*SMALL_COMMANDS, DAEMON_CASE]:
        seconds = medians[name]
        rows.append(
            f"| `budget-erp {name}` | {seconds:.3f} s | {seconds / base:.1f} | "
            f"{'met' if seconds <= 0.25 else '**missed**'} |"
        )
    return [*rows, "", *import_profile(root, small)]


@contextlib.contextmanager
def running_daemon(root: Path) -> Iterator[Path]:
    """A workspace with ``budget-erp watch`` running on it, its check socket listening."""
    new_workspace(root)
    log = (root / "daemon.log").open("wb")
    daemon = subprocess.Popen(cli(root, "watch"), stdout=log, stderr=log, env=environment())
    try:
        deadline = time.monotonic() + 60
        while not (root / "state" / "daemon" / "check.sock").exists():
            if daemon.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the daemon did not listen: {daemon.returncode}")
            time.sleep(0.05)
        yield root
    finally:
        daemon.terminate()
        daemon.wait(timeout=30)
        log.close()


IMPORTS = {
    "`import pandas`": "import pandas",
    "`import pandera.pandas`": "import pandera.pandas",
    "the parse worker's imports": "import pipeline.adapters.reading.workbook_intake",
    "`budget-erp` with `check` (its CLI)": "import pipeline.cli",
}


def import_costs(runs: int) -> list[str]:
    """What the imports cost as whole processes (less ``python -c pass``), and what
    pandera's own parts (typing, with typeguard and pydantic) take of ``import pandera``."""
    cases = {"pass": lambda: timed([sys.executable, "-c", "pass"])}
    for name, statement in IMPORTS.items():
        subprocess.run([sys.executable, "-c", statement], check=True, env=environment())
        cases[name] = functools.partial(timed, [sys.executable, "-c", statement])
    medians = interleaved(runs, cases)
    rows = ["| imports | whole process less `python -c pass` |", "|---|---|"]
    rows += [f"| {name} | {medians[name] - medians['pass']:.3f} s |" for name in IMPORTS]
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import pandera.pandas"],
        capture_output=True,
        text=True,
        env=environment(),
    )
    cumulative: dict[str, float] = {}
    for line in done.stderr.splitlines():
        parts = line.removeprefix("import time:").split("|")
        if len(parts) == 3 and parts[1].strip().isdigit():
            cumulative.setdefault(parts[2].strip(), int(parts[1]) / 1e6)
    shown = ("pandera", "pandas", "numpy", "pandera.typing", "typeguard", "pydantic")
    shares = ", ".join(f"{name} {cumulative.get(name, 0.0):.3f} s" for name in shown)
    return [*rows, "", f"- `-X importtime` of `import pandera.pandas` (cumulative): {shares}"]


def _timed_any_exit(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, capture_output=True, env=environment())  # check exits 1: errors
    return time.perf_counter() - started


def import_profile(root: Path, small: Path) -> list[str]:
    """The largest imports (cumulative, top level) of ``status`` and of ``check``."""
    lines = []
    for args in (("status",), ("check", str(small))):
        done = subprocess.run(
            [sys.executable, "-X", "importtime", *cli(root, *args)[1:]],
            capture_output=True,
            text=True,
            env=environment(),
        )
        entries = []
        for line in done.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[1].strip().isdigit() and not parts[2].startswith("   "):
                entries.append((int(parts[1]), parts[2].strip()))
        total = sum(us for us, _ in entries) / 1e6
        top = ", ".join(f"{name} {us / 1e6:.3f}" for us, name in sorted(entries)[::-1][:6])
        lines.append(f"- `{' '.join(args[:1])}` imports {total:.3f} s in all; largest: {top}")
    return lines


def main() -> None:
    """Run, print, and write the report if asked."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 lines, 3 rounds")
    parser.add_argument("--runs", type=int, help="rounds (default 5, quick 3)")
    parser.add_argument("--lines", type=int, nargs="+", help="budget sizes (default both)")
    parser.add_argument("--out", type=Path, help="also write the report to this file")
    options = parser.parse_args()
    runs = options.runs or (3 if options.quick else 5)
    sizes = options.lines or ([2000] if options.quick else [20_000, 200_000])
    with tempfile.TemporaryDirectory(prefix="budget-erp-cold-") as scratch:
        text = "\n".join(
            [
                f"Measured on {machine()}; `python -m benchmarks.cold_start"
                f"{' --quick' if options.quick else ''}`: medians of {runs} interleaved "
                "rounds, whole processes timed from outside.",
                "",
                *whole_process(sizes, runs, Path(scratch)),
                "",
                *small_commands(runs * 3, Path(scratch)),
                "",
                *import_costs(runs * 3),
                "",
            ]
        )
    print(text)
    if options.out:
        options.out.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
