"""A command run inside a process that goes on (as the tests run the CLI) leaves nothing
running behind: its parse workers end with it. One worker left per run, each tens of MiB,
took a test run that invokes the CLI hundreds of times to the out-of-memory killer."""

from __future__ import annotations

import multiprocessing.forkserver
from pathlib import Path

from click.testing import CliRunner

from pipeline.cli import cli
from tests.support.workspace import Workspace


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (from /proc)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # it ended while we looked
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _server() -> int | None:
    """The forkserver that starts parse workers, once one has started."""
    return multiprocessing.forkserver._forkserver._forkserver_pid  # type: ignore[attr-defined,no-any-return]


def test_the_parse_workers_of_a_command_end_with_it(workspace: Workspace) -> None:
    # Workers that earlier tests of the same run still hold are theirs, not these commands'.
    before = set(_children(server)) if (server := _server()) is not None else set()
    for name in ("one.xlsx", "two.xlsx", "three.xlsx"):
        workspace.drop(name, project=f"P-{name[:3].upper()}")
        assert workspace.run("process").exit_code == 0  # each read in a parse worker
    outside = workspace.root.parent / "elsewhere"  # check outside a workspace: its own reader
    outside.mkdir()
    budget = workspace.drop("four.xlsx", project="P-FOUR")
    result = CliRunner().invoke(cli, ["--workspace", str(outside), "check", str(budget)])
    assert result.exit_code == 0, result.output

    server = _server()
    assert server is not None, "the workbooks were read in parse workers"
    assert set(_children(server)) - before == set()
