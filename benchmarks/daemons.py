"""Burst throughput of several daemons on one workspace: one, two and three ``budget-erp
watch`` processes sharing a PostgreSQL database, beside the single daemon on SQLite, in the
same run on the same files. The PostgreSQL server is started for the run (Debian's
``postgresql`` package, as in the tests) and stopped after.

    python -m benchmarks.daemons            # 500 budgets of 20 lines, each set up
    python -m benchmarks.daemons --quick    # 40 budgets of 5 lines (a smoke test)
    python -m benchmarks.daemons --pinned   # only one daemon on one core against two on two

Pinned (``taskset``, as machines of one core each would be): one PostgreSQL daemon on core 0,
then two daemons, on cores 0 and 1; their parse workers inherit the core. The database server
is not pinned (it would be a machine of its own).

A burst is timed from renaming every budget into inbox/ (the daemons already running and
idle) until every review workbook is in approval/ and every email is delivered.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.generate import make_budget
from benchmarks.one import PEOPLE

WATCH = """
[watch]
mode = "native"
settle_seconds = 0.3
incomplete_seconds = 1.0
scan_interval_seconds = 2.0
poll_interval_seconds = 0.2
"""


@dataclass(frozen=True)
class Burst:
    """One measured burst."""

    engine: str
    daemons: int
    budgets: int
    seconds: float
    cores: str = ""  # the cores the daemons were pinned to, one each ("" unpinned)

    @property
    def per_second(self) -> float:
        """Budgets taken per second."""
        return self.budgets / self.seconds


def _workspace(root: Path) -> None:
    from pipeline.config import init_workspace

    init_workspace(root)
    (root / "rules" / "people.toml").write_text(PEOPLE)
    config = root / "budget-erp.toml"
    text = config.read_text()
    start = text.index("[watch]")
    end = text.index("\n[", start + 1)
    config.write_text(text[:start] + WATCH.strip() + "\n" + text[end:])


def _start(
    root: Path, log: Path, env: dict[str, str], core: int | None = None
) -> subprocess.Popen[bytes]:
    pinned = ["taskset", "-c", str(core)] if core is not None else []
    with log.open("ab") as output:
        return subprocess.Popen(
            [*pinned, sys.executable, "-m", "pipeline", "--verbose", "-w", str(root), "watch"],
            stdout=output,
            stderr=subprocess.STDOUT,
            env=env,
        )


def _wait(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the burst did not finish")
        time.sleep(0.05)


def burst(
    scratch: Path,
    staged: list[Path],
    engine: str,
    daemons: int,
    url: str = "",
    cores: list[int] | None = None,
) -> Burst:
    """Start ``daemons`` daemons on a fresh workspace (each pinned to its core of ``cores``),
    drop ``staged`` at once, time it."""
    pinned = "-".join(map(str, cores or []))
    root = scratch / f"{engine}-{daemons}{'-pinned-' + pinned if cores else ''}"
    _workspace(root)
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "BUDGET_ERP_DATABASE_URL": url}
    logs = [root / f"daemon{n}.log" for n in range(daemons)]
    processes = [_start(root, log, env, cores[n] if cores else None) for n, log in enumerate(logs)]
    try:
        _wait(lambda: all(log.exists() and "pass done" in log.read_text() for log in logs), 60)
        links = []
        (root / "staging").mkdir()
        for source in staged:  # copies aside first, so that the burst itself is renames
            copy = root / "staging" / source.name
            copy.write_bytes(source.read_bytes())
            os.utime(copy, (0, 0))
            links.append(copy)
        started = time.perf_counter()
        for copy in links:
            os.rename(copy, root / "inbox" / copy.name)
        _wait(lambda: _done(root, len(staged)), 1800)
        cores_used = ", ".join(map(str, cores or []))
        return Burst(engine, daemons, len(staged), time.perf_counter() - started, cores_used)
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def _done(root: Path, count: int) -> bool:
    reviews = sum(1 for name in os.listdir(root / "approval") if name.endswith("_review.xlsx"))
    mail = root / "mail"
    mails = sum(1 for p in mail.glob("*sent_for_approval*")) if mail.is_dir() else 0
    return reviews == count and mails == count


def report(quick: bool, scratch: Path, pinned_only: bool = False) -> str:
    """Run every burst and return the Markdown section for BENCHMARKS.md."""
    from tests.support.postgres import running_postgres

    count, lines = (40, 5) if quick else (500, 20)
    staged = [
        make_budget(scratch / "staged" / f"B-{n}.xlsx", lines, project=f"B-{n}")
        for n in range(count)
    ]
    results = [] if pinned_only else [burst(scratch, staged, "SQLite", 1)]
    with running_postgres() as server:
        for daemons in () if pinned_only else (1, 2, 3):
            results.append(burst(scratch, staged, "PostgreSQL", daemons, server.new_database()))
        one = burst(scratch, staged, "PostgreSQL", 1, server.new_database(), [0])
        two = burst(scratch, staged, "PostgreSQL", 2, server.new_database(), [0, 1])
    command = f"python -m benchmarks.daemons{' --quick' if quick else ''}"
    machine = f"{os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}"
    text = (
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {machine}.\n"
        f"Command: `{command}{' --pinned' if pinned_only else ''}`: {count} budgets "
        f"of {lines} lines renamed into inbox/ at once, the daemons already running.\n\n"
    )
    if results:
        base = results[0].per_second
        rows = "\n".join(
            f"| {r.engine} | {r.daemons} | {r.seconds:.1f} s | {r.per_second:.1f} | "
            f"{r.per_second / base:.2f} |"
            for r in results
        )
        text += (
            "| state | daemons | burst | budgets/s | vs one SQLite daemon |\n"
            "|---|---|---|---|---|\n" + rows + "\n\n"
        )
    pinned_rows = "\n".join(
        f"| {r.daemons} | {r.cores} | {r.seconds:.1f} s | {r.per_second:.1f} | "
        f"{r.per_second / one.per_second:.2f} |"
        for r in (one, two)
    )
    return text + (
        "Each daemon pinned to a core of its own (`taskset -c`), state on PostgreSQL:\n\n"
        "| daemons | cores | burst | budgets/s | vs one daemon on one core |\n"
        "|---|---|---|---|---|\n" + pinned_rows + "\n"
    )


def main() -> None:
    """Print the report (``--out FILE`` also writes it)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="40 small budgets (smoke test)")
    parser.add_argument("--pinned", action="store_true", help="only the pinned comparison")
    parser.add_argument("--out", type=Path, help="also write the report here")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="budget-erp-daemons-") as scratch:
        text = report(options.quick, Path(scratch), options.pinned)
    print(text)
    if options.out:
        options.out.write_text(text)


if __name__ == "__main__":
    main()
