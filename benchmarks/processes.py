"""Whole processes measured from outside: wall time, and the memory of a process tree sampled
while it runs. Shared by ``cold_start`` and ``burst``.

Memory is sampled every 10 ms from /proc: for every process of the tree (the command, and
everything it started: the fork server and the parse worker), its resident set (Rss) and its
proportional share (Pss, from smaps_rollup: a page shared by n processes counts 1/n in each).
The peak of the tree's summed Pss is what the machine really had to hold at once; the
kernel's own per-process peaks (VmHWM) summed are an upper bound, since those peaks need not
coincide and pages shared after a fork count once per process.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.one import PEOPLE
from pipeline.example_lists import EXAMPLE_LISTS


def environment() -> dict[str, str]:
    """The environment of a measured process: bytecode is cached, as an installed package's is
    (some shells and CI set PYTHONDONTWRITEBYTECODE, which recompiles every module per run)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def cli(root: Path, *args: str) -> list[str]:
    """The command line of ``budget-erp -w root args``, through this interpreter."""
    return [sys.executable, "-m", "pipeline", "-w", str(root), *args]


def without_example_lists(root: Path) -> None:
    """Remove the example ERP lists ``init`` writes: the benchmarks' budgets are for jobs and
    codes of their own, measured as a workspace without ERP lists checks them."""
    for name in EXAMPLE_LISTS:
        (root / "rules" / name).unlink(missing_ok=True)


def new_workspace(root: Path, **settings: str) -> Path:
    """A workspace made by ``budget-erp init``, with the benchmark's people and settings."""
    subprocess.run(cli(root, "init", str(root)), check=True, capture_output=True, env=environment())
    without_example_lists(root)
    (root / "rules" / "people.toml").write_text(PEOPLE)
    config = root / "budget-erp.toml"
    text = config.read_text()
    for old, new in settings.items():
        if old not in text:  # the defaults init writes changed: say so, do not measure wrongly
            raise RuntimeError(f"{config}: no {old!r} to set to {new!r}")
        text = text.replace(old, new)
    config.write_text(text)
    return root


def timed(command: Sequence[str], cwd: Path | None = None) -> float:
    """Seconds from start to exit of a command, which must succeed."""
    started = time.perf_counter()
    subprocess.run(
        command, check=True, capture_output=True, env=environment(), cwd=cwd, timeout=3600
    )
    return time.perf_counter() - started


def interleaved(runs: int, cases: dict[str, Callable[[], float]]) -> dict[str, float]:
    """Median of each case over ``runs`` rounds; each round runs every case once, the order
    turning each round, so that a busy moment of the machine does not fall on one case."""
    seen: dict[str, list[float]] = {name: [] for name in cases}
    names = list(cases)
    for round_ in range(runs):
        turn = round_ % len(names)
        for name in names[turn:] + names[:turn]:
            seen[name].append(cases[name]())
    return {name: statistics.median(values) for name, values in seen.items()}


def _tree(root: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry.name)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {root}, {root}
    while frontier:
        frontier = {pid for pid, parent in parents.items() if parent in frontier} - tree
        tree |= frontier
    return tree


def _field_kib(path: Path, name: str) -> int:
    try:
        for line in path.read_text().splitlines():
            if line.startswith(name):
                return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def _role(pid: int, root: int) -> str:
    """What a process of the tree is, from its command line."""
    if pid == root:
        return "main"
    try:
        command = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return "?"
    if "resource_tracker" in command:
        return "tracker"
    # The worker is forked from the fork server without exec: same command line, but its
    # parent is the fork server.
    return "fork server" if "forkserver" in command and parent == root else "worker"


@dataclass
class TreeMemory:
    """Peaks of one process tree, sampled while it runs (MiB)."""

    root: int
    pss: float = 0.0
    rss: float = 0.0
    hwm: dict[int, float] = field(default_factory=dict)
    roles: dict[int, str] = field(default_factory=dict)

    def sample(self) -> None:
        """Add one sample of the tree's memory."""
        pss = rss = 0
        for pid in _tree(self.root):
            proc = Path(f"/proc/{pid}")
            pss += _field_kib(proc / "smaps_rollup", "Pss:")
            rss += _field_kib(proc / "smaps_rollup", "Rss:")
            peak = _field_kib(proc / "status", "VmHWM:") / 1024
            self.hwm[pid] = max(self.hwm.get(pid, 0.0), peak)
            if pid not in self.roles:
                self.roles[pid] = _role(pid, self.root)
        self.pss, self.rss = max(self.pss, pss / 1024), max(self.rss, rss / 1024)

    def peaks(self) -> str:
        """Each process's own peak, named: ``daemon 173, worker 360, ...``."""
        return ", ".join(f"{self.roles.get(pid, '?')} {peak:.0f}" for pid, peak in self.hwm.items())

    @property
    def hwm_sum(self) -> float:
        """The processes' own peaks summed: an upper bound."""
        return sum(self.hwm.values())


class Sampler:
    """Samples a process tree every 10 ms in a thread until stopped."""

    def __init__(self, pid: int) -> None:
        self.memory = TreeMemory(pid)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.memory.sample()
            self._stop.wait(0.01)

    def stop(self) -> TreeMemory:
        """Stop sampling; the peaks seen."""
        self._stop.set()
        self._thread.join()
        return self.memory


def measured_run(command: Sequence[str]) -> tuple[float, TreeMemory]:
    """Run a command to its end: its seconds and its tree's memory peaks."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    sampler = Sampler(process.pid)
    _, errors = process.communicate(timeout=3600)
    elapsed = time.perf_counter() - started
    memory = sampler.stop()
    if process.returncode:
        raise RuntimeError(f"{' '.join(command)}: exit {process.returncode}: {errors.decode()}")
    return elapsed, memory
