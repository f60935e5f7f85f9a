"""A command imports only what it uses: the small ones load no workbook or template library,
and with isolated parsing not even a pass loads pandas in budget-erp's own process (the
parse worker does). Checked on ``sys.modules`` of a real CLI process, not on a time."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from tests.support.workspace import Workspace

# Run the CLI, then print which of these libraries the command's process imported.
RUN_AND_LIST = """
import json, sys
wanted = set(sys.argv.pop(1).split(","))
from pipeline.cli import main
try:
    main()
except SystemExit as exit:
    print("EXIT", exit.code)
libraries = {name.split(".")[0] for name in sys.modules}
print("LOADED", json.dumps(sorted(libraries & wanted)))
import os
children = 0
for pid in filter(str.isdigit, os.listdir("/proc")):
    try:  # a process may end while it is looked at
        stat = open(f"/proc/{pid}/stat").read()
    except OSError:
        continue
    children += stat.rsplit(")", 1)[1].split()[1] == str(os.getpid())
print("CHILDREN", children)
"""
WORKBOOK_LIBRARIES = ("pandas", "pandera", "numpy", "openpyxl", "xlsxwriter", "python_calamine")
PARSING_LIBRARIES = ("pandas", "pandera", "numpy", "openpyxl")


def loaded(workspace: Workspace, libraries: tuple[str, ...], *command: str) -> list[str]:
    """The libraries among ``libraries`` that ``budget-erp <command>`` imported."""
    return run(workspace, libraries, *command)[0]


def run(workspace: Workspace, libraries: tuple[str, ...], *command: str) -> tuple[list[str], int]:
    """What ``loaded`` says, and how many child processes (a parse worker's fork server)
    the command had running when it finished."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            RUN_AND_LIST,
            ",".join(libraries),
            "-w",
            str(workspace.root),
            *command,
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "EXIT 0" in done.stdout or "EXIT None" in done.stdout, done.stdout + done.stderr
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED "))
    names: list[str] = json.loads(line.removeprefix("LOADED "))
    children = next(x for x in done.stdout.splitlines() if x.startswith("CHILDREN "))
    return names, int(children.removeprefix("CHILDREN "))


@pytest.mark.parametrize(
    "command",
    [
        ["--help"],
        ["status"],
        ["status", "--json"],
        ["history", "P-1001"],
    ],
)
def test_a_small_command_imports_no_workbook_or_template_library(
    workspace: Workspace, command: list[str]
) -> None:
    workspace.drop()
    workspace.run("process")  # something recorded, so that status and history have rows

    assert loaded(workspace, (*WORKBOOK_LIBRARIES, "jinja2", "smtplib"), *command) == []


def test_retrieve_loads_only_the_template_library_for_the_status_page(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")

    # retrieve rewrites the status page at once (Jinja), and touches no workbook or mail
    assert (
        loaded(
            workspace, (*WORKBOOK_LIBRARIES, "smtplib"), "retrieve", "P-1001", "--by", "Ada Admin"
        )
        == []
    )
    assert (workspace.root / "status" / "index.html").read_text().count("retrieved") >= 1


def test_a_pass_with_nothing_to_do_imports_no_workbook_library(workspace: Workspace) -> None:
    assert loaded(workspace, WORKBOOK_LIBRARIES, "process") == []


def test_with_isolated_parsing_a_pass_leaves_pandas_to_the_parse_worker(
    workspace: Workspace,
) -> None:
    workspace.drop()

    assert loaded(workspace, PARSING_LIBRARIES, "process") == []
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]  # it was read and checked


def test_without_isolation_the_pass_reads_in_its_own_process(workspace: Workspace) -> None:
    workspace.configure("limits", isolate_parsing=False)
    workspace.drop()

    assert loaded(workspace, PARSING_LIBRARIES, "process") == ["numpy", "pandas", "pandera"]


def test_a_pass_with_only_reviews_awaiting_their_approver_starts_no_parse_worker(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]

    assert run(workspace, WORKBOOK_LIBRARIES, "process") == ([], 0)


def test_a_new_budget_is_read_in_a_parse_worker_process(workspace: Workspace) -> None:
    workspace.drop()

    _, children = run(workspace, PARSING_LIBRARIES, "process")

    assert children >= 1  # the fork server (and its resource tracker) still running at exit
