"""The README's "Try it" section, run as written on a copy of the repository's workspace.

Every ``sh`` block of the section runs verbatim in a shell, in order, with the daemon the
README's first command starts (and once with ``budget-erp process`` in its place). The
person's steps between them (choosing Accept, correcting a workbook) are done in code, as
Excel would save them. Also: the samples in examples/ are what their script builds, and the
repository's ERP lists catch what they are there to catch.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from types import ModuleType
from typing import Any

import openpyxl
import pytest
import python_calamine

from pipeline.adapters.reading.version_mark import read_version_mark
from tests.support.waiting import wait_for
from tests.support.workbooks import Line, make_workbook
from tests.support.workspace import APPROVER, MORNING, Workspace, age

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")
FIRST_COMMANDS = (
    "```sh\n"
    "python3 -m venv .venv && .venv/bin/pip install -q -e . && .venv/bin/budget-erp watch\n"
    "```\n"
    "```sh\n"
    "./scripts/test\n"
    "```\n"
)
# What the person types or changes, as the README tells them to.
REASON = "Pay for the shielding out of the contingency: lower 01-900 by 38,750.00"
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno drives LibreOffice
LIBREOFFICE_EDIT = Path(__file__).with_name("libreoffice_edit.py")
CONTINGENCY = ("01-900", "O", "120,000.00", "81,250.00")
TOTALS = ("3,124,956.00", "3,086,206.00")
PROCESS = ".venv/bin/budget-erp process"
REFUSAL = [  # what a refused workbook leaves in rejected/, as `ls` sorts it
    "P-1001_with_mistakes.problems.xlsx",
    "P-1001_with_mistakes.xlsx",
    "P-1001_with_mistakes.xlsx.refused.txt",
]


def try_it_section() -> str:
    """The README's "Try it" section, up to the next section."""
    return README.split("\n## Try it\n", 1)[1].split("\n## ", 1)[0]


def sh_blocks(text: str) -> list[str]:
    """The fenced ``sh`` blocks of ``text``, in order."""
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", text, re.DOTALL)]


def samples_script() -> ModuleType:
    """examples/make_sample_budgets.py, imported from the repository."""
    path = REPO / "examples" / "make_sample_budgets.py"
    spec = importlib.util.spec_from_file_location("make_sample_budgets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def copy_of_the_repository_workspace(root: Path) -> Path:
    """The repository's workspace as committed, in ``root``: never the repository itself."""
    ignore = shutil.ignore_patterns("__pycache__", ".~lock.*", "~$*")
    root.mkdir(parents=True)
    shutil.copy2(REPO / "budget-erp.toml", root / "budget-erp.toml")
    for folder in ("rules", "templates", "examples"):
        shutil.copytree(REPO / folder, root / folder, ignore=ignore)
    for folder in ("inbox", "outbox"):  # as cloned: only their .gitkeep
        (root / folder).mkdir()
        (root / folder / ".gitkeep").touch()
    return root


def files_under(root: Path) -> set[str]:
    """Every file below ``root``, relative; the .venv link is not followed."""
    return {
        str(Path(folder, name).relative_to(root))
        for folder, _, names in os.walk(root)
        for name in names
        if not Path(folder, name).is_symlink()
    }


@dataclass
class Tour:
    """A new user's second terminal, on a copy of the workspace, with or without the daemon."""

    root: Path
    log: Path
    as_cloned: set[str] = field(default_factory=set)  # the files before the first command
    daemon: subprocess.Popen[bytes] | None = None

    @property
    def ws(self) -> Workspace:
        return Workspace(self.root)

    def sh(self, block: str) -> subprocess.CompletedProcess[str]:
        """Run a README block as pasted into a shell (bash, stopping at a failing line)."""
        return subprocess.run(
            ["bash", "-ec", block],
            cwd=self.root,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    def taken(self, *expected: str, refused: bool = False) -> None:
        """Let the program answer what was just dropped or saved, and see ``expected`` (file
        names or glob patterns) appear.

        With the daemon: wait for it. Without: a few seconds later (the files aged), run
        ``process`` as the README says.
        """

        def written() -> bool:
            return all(any(self.root.glob(pattern)) for pattern in expected)

        if self.daemon is not None:
            assert wait_for(written), f"no {expected} from the daemon:\n{self.log.read_text()}"
            return
        for folder in ("inbox", "approval"):
            for path in (self.root / folder).glob("*.xlsx"):
                age(path)
        result = self.sh(PROCESS)
        assert result.returncode == (1 if refused else 0), result.stdout + result.stderr
        assert written(), f"no {expected} from process:\n{result.stdout}"

    def stop_daemon(self) -> None:
        """Ctrl-C in the first terminal."""
        if self.daemon is not None:
            self.daemon.send_signal(signal.SIGINT)
            assert self.daemon.wait(timeout=30) == 0
            assert "stopped" in self.log.read_text()


def correct_handed_back(path: Path) -> None:
    """Step 4, as Ada does it: in LibreOffice, type the new contingency; the Budget Total, a
    live sum, must follow to what the README says. What both held before is checked first."""
    code, kind, old, new = CONTINGENCY
    amount, total = _contingency_and_total(path, code, kind)
    assert (amount.value, total.value) == (float(money(old)), float(money(TOTALS[0])))
    subprocess.run(
        [
            SYSTEM_PYTHON,
            str(LIBREOFFICE_EDIT),
            str(path),
            f"Budget!{amount.coordinate}={money(new)}",
        ],
        check=True,
        timeout=180,
    )
    amount, total = _contingency_and_total(path, code, kind)
    assert (amount.value, total.value) == (float(money(new)), float(money(TOTALS[1])))


def _contingency_and_total(path: Path, code: str, kind: str) -> tuple[Any, Any]:
    """The contingency's amount cell and the Budget Total cell, with the values they show."""
    book = openpyxl.load_workbook(path, data_only=True)
    rows = list(book["Budget"].iter_rows())
    total = next(row[1] for row in rows if row[0].value == "Budget Total")
    titles = next([c.value for c in row] for row in rows if row[1].value == "Cost Code")
    line = next(
        row
        for row in rows
        if (row[titles.index("Cost Code")].value, row[titles.index("Cost Type")].value)
        == (code, kind)
    )
    return line[titles.index("Original Budget Amount")], total


def money(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def sheet_text(path: Path, sheet: str) -> str:
    """Every value of one sheet, tab-separated, one line per row."""
    book = openpyxl.load_workbook(path, read_only=True)
    rows = book[sheet].iter_rows(values_only=True)
    text = "\n".join("\t".join("" if v is None else str(v) for v in row) for row in rows)
    book.close()
    return text


# One handler per README block, in the README's order: what the block must have done, then
# the person's step that the README asks for before the next block.
def sent(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    tour.taken("approval/P-1001_v1_review.xlsx", "mail/*-sent_for_approval-*.eml")
    if tour.daemon is not None:
        # The daemon logs a pass's outcomes once the pass is over (its status page written
        # last): after the review workbook and the email appear.
        logged = "P-1001: sent for approval. version 1"
        assert wait_for(lambda: logged in tour.log.read_text()), tour.log.read_text()


def review_and_mail_listed(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    assert "P-1001_v1_review.xlsx" in result.stdout
    assert re.search(r"sent_for_approval-\w+\.eml", result.stdout), result.stdout
    tour.ws.decide("P-1001", 1, decision="Accept")  # step 2: Carl chooses Accept
    tour.taken("outbox/P-1001_v1_001.csv")


def erp_file_shown(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    header, *_ = result.stdout.splitlines()
    assert header == (
        "Job,Sub Job,Cost Code,Cost Type,Description,Quantity,UOM,Unit Cost,Amount,Workflow"
    )
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == len(samples_script().LINES)
    assert {row["Workflow"] for row in rows} == {"original"}
    assert sum(Decimal(row["Amount"]) for row in rows) == money(TOTALS[1])


def change_sent(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    tour.taken("approval/P-1001_v2_review.xlsx")
    review = tour.ws.review("P-1001", 2)
    assert "added\t\t13-490\tS" in sheet_text(review, "Changes")
    summary = sheet_text(review, "Summary")  # what the README says Carl sees there
    assert "Compared with version 1, in the ERP" in summary
    assert "S Subcontract\t19\t1860495\t20\t1899245\t38750" in summary
    assert "13 Special construction\t0\t0\t1\t38750\t38750" in summary
    tour.ws.decide("P-1001", 2, decision="Reject", reason=REASON)  # step 3: Carl rejects
    tour.taken("rejected/P-1001_v2_rejected.xlsx")


def rejected_listed(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    assert result.stdout.split() == ["P-1001_v2_rejected.xlsx"]
    # Step 4: Ada corrects the handed-back workbook.
    handed_back = tour.root / "rejected" / "P-1001_v2_rejected.xlsx"
    assert REASON in sheet_text(handed_back, "Rejection Reasons")
    correct_handed_back(handed_back)


def resent(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    tour.taken("approval/P-1001_v3_review.xlsx")
    review = tour.ws.review("P-1001", 3)
    reasons = sheet_text(review, "Earlier Reasons")  # Reason, Response, Line, Status, Why
    assert f"{REASON}\t\t\tlooks addressed" in reasons
    assert "amount changed\t\t01-900\tO" in sheet_text(review, "Changes")
    tour.ws.decide("P-1001", 3, decision="Accept")  # as in step 2
    tour.taken("outbox/P-1001_v3_001_change.csv")


def change_file_shown(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    assert result.stdout.splitlines() == [
        "Job,Sub Job,Cost Code,Cost Type,Description,Quantity,UOM,Unit Cost,Amount,Workflow",
        "P-1001,,01-900,O,Contractor contingency,,,,-38750.00,approved change",
        "P-1001,,13-490,S,X-ray room lead-lined walls and door,620.0000,SF,62.5000,38750.00,"
        "approved change",
    ]


def current_listed(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    """The budget in force is version 3: the corrected contingency, a live total, its mark."""
    assert result.stdout.split() == ["P-1001_current.xlsx"]
    current = tour.root / "current" / "P-1001_current.xlsx"
    # It held version 1 since that export; the daemon writes version 3 right after its file.
    assert wait_for(lambda: read_version_mark(current) == "P-1001 v3"), tour.log.read_text()
    code, kind, _, new = CONTINGENCY
    amount, total = _contingency_and_total(current, code, kind)
    assert (amount.value, total.value) == (float(money(new)), float(money(TOTALS[1])))
    assert str(openpyxl.load_workbook(current)["Budget"]["B4"].value).startswith("=SUM(H7:H")


def mistakes_checked(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    assert "Did you mean 03-300 (a leading zero missing and a dash missing)?" in result.stdout
    assert "cost_code.unknown" in result.stdout and "amount.unit_mismatch" in result.stdout
    assert "2 error(s)" in result.stdout


def mistakes_dropped(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    tour.taken(*(f"rejected/{name}" for name in REFUSAL), refused=True)


def refusal_listed(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    assert result.stdout.split() == REFUSAL


def looked_back(tour: Tour, result: subprocess.CompletedProcess[str]) -> None:
    # PROJECT, IN THE ERP, STATE, VERSION, TOTAL, NET CHANGE, SENDER
    row = r"^P-1001\s.*\sexported\s+v3\s+[\d,]+\.\d\d\s+[+-]?[\d,]+\.\d\d\s+Ada Admin"
    assert re.search(row, result.stdout, re.MULTILINE), result.stdout
    for event in ("v1 send", "v1 accept", "v1 export", "v2 change", "v2 reject", "v3 resend"):
        assert re.search(rf"{event}\s", result.stdout), (event, result.stdout)
    assert re.search(r"refuse\s+Ada Admin.*P-1001_with_mistakes", result.stdout)
    tour.stop_daemon()  # "Start over": Ctrl-C first


STEPS: list[tuple[str, int, Callable[[Tour, subprocess.CompletedProcess[str]], None]]] = [
    ("cp examples/P-1001_riverside_clinic.xlsx inbox/", 0, sent),
    ("ls approval/ mail/", 0, review_and_mail_listed),
    ("cat outbox/P-1001_v1_001.csv", 0, erp_file_shown),
    ("cp examples/P-1001_change_order_1.xlsx inbox/", 0, change_sent),
    ("ls rejected/", 0, rejected_listed),
    ("mv rejected/P-1001_v2_rejected.xlsx inbox/", 0, resent),
    ("cat outbox/P-1001_v3_001_change.csv", 0, change_file_shown),
    ("ls current/", 0, current_listed),
    (".venv/bin/budget-erp check examples/P-1001_with_mistakes.xlsx", 1, mistakes_checked),
    ("cp examples/P-1001_with_mistakes.xlsx inbox/", 0, mistakes_dropped),
    ("ls rejected/", 0, refusal_listed),
    (".venv/bin/budget-erp status\n.venv/bin/budget-erp history P-1001", 0, looked_back),
    (
        "rm -rf approval archive current mail processing rejected state status\n"
        "find inbox outbox -mindepth 1 ! -name .gitkeep -delete",
        0,
        lambda *_: None,  # checked at the end: the clone is as it was
    ),
]


def test_the_readme_opens_with_its_two_commands_then_try_it() -> None:
    assert README.startswith(f"# budget-erp\n\n{FIRST_COMMANDS}")
    first_section = re.search(r"^## (.*)$", README, re.MULTILINE)
    assert first_section is not None and first_section.group(1) == "Try it"


def test_the_test_walks_through_every_command_of_try_it_in_order() -> None:
    assert sh_blocks(try_it_section()) == [block for block, _, _ in STEPS]


def test_what_the_person_types_is_what_the_readme_says() -> None:
    section = " ".join(try_it_section().split())  # line breaks fall anywhere
    lines = f"a {len(samples_script().LINES)}-line clinic budget"
    for text in (REASON, APPROVER, *CONTINGENCY, *TOTALS, f"`{PROCESS}`", lines):
        assert text in section, text


@pytest.fixture
def new_clone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The workspace as a fresh clone has it, with .venv the environment running the tests."""
    # A quiet morning, as in the other tests: no daily summary among the emails.
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", f"{MORNING}@{time.time()}")
    root = copy_of_the_repository_workspace(tmp_path / "budget-erp")
    venv = Path(sys.prefix)
    if not (venv / "bin" / "budget-erp").is_file():
        pytest.fail(f"{venv}/bin/budget-erp is missing: run the tests from the README's .venv")
    (root / ".venv").symlink_to(venv, target_is_directory=True)
    return root


@pytest.fixture(params=["watch", "process"])
def tour(request: pytest.FixtureRequest, new_clone: Path, tmp_path: Path) -> Iterator[Tour]:
    """The second terminal; with ``watch``, the README's first command's daemon runs."""
    log = tmp_path / "watch.log"
    tour = Tour(new_clone, log, files_under(new_clone))
    if request.param == "process":
        yield tour
        return
    daemon_command = FIRST_COMMANDS.split("\n")[1].split("&&")[-1].strip()
    assert daemon_command == ".venv/bin/budget-erp watch"
    with log.open("wb") as out:
        tour.daemon = subprocess.Popen(
            shlex.split(daemon_command),
            cwd=new_clone,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            assert wait_for(lambda: "watching" in log.read_text(), timeout=60), log.read_text()
            yield tour
        finally:
            if tour.daemon.poll() is None:
                tour.daemon.kill()
                tour.daemon.wait()


@pytest.mark.slow
def test_every_command_of_try_it_runs_as_the_readme_says(tour: Tour) -> None:
    if tour.daemon is not None:
        banner = tour.log.read_text()
        assert "Drop a budget workbook (.xlsx) into" in banner
        assert "to try a sample from examples/, see 'Try it' in README.md" in banner

    for block, exit_code, then in STEPS:
        result = tour.sh(block)
        assert result.returncode == exit_code, f"{block}\n{result.stdout}{result.stderr}"
        then(tour, result)

    assert files_under(tour.root) == tour.as_cloned  # "Start over" leaves the clone as it was


def test_the_samples_are_what_their_script_builds(tmp_path: Path) -> None:
    built = samples_script().build(tmp_path)
    assert sorted(p.name for p in built) == sorted(
        p.name for p in (REPO / "examples").glob("*.xlsx")
    )
    for path in built:
        committed = REPO / "examples" / path.name
        assert _contents(committed) == _contents(path), f"rebuild {committed.name}"


def _contents(path: Path) -> tuple[list[list[Any]], list[list[Any]]]:
    """Every cell as written (formulas as text) and as read (calculated values)."""
    book = openpyxl.load_workbook(path)
    written = [[c.value for c in row] for sheet in book for row in sheet.iter_rows()]
    calamine = python_calamine.CalamineWorkbook.from_path(str(path))
    read = [
        row for name in calamine.sheet_names for row in calamine.get_sheet_by_name(name).to_python()
    ]
    return written, read


def _check(root: Path, workbook: Path) -> dict[str, Any]:
    result = Workspace(root).run("check", str(workbook), "--json")
    report: dict[str, Any] = json.loads(result.stdout)[str(workbook)]
    return {"exit": result.exit_code, "problems": report}


def test_the_samples_pass_the_repository_rules_with_every_list_checked(new_clone: Path) -> None:
    for name in ("P-1001_riverside_clinic.xlsx", "P-1001_change_order_1.xlsx"):
        # No problem at all: not even "not checked against ERP list ...".
        assert _check(new_clone, new_clone / "examples" / name) == {"exit": 0, "problems": []}


PAINTING: Line = ("", "09-910", "S", "Interior and exterior painting", 43700)


@pytest.mark.parametrize(
    ("project", "slip", "rule", "hint"),
    [
        ("P-1001", ("", "09910", "S", "Dash forgotten", 900), "cost_code.unknown", "09-910"),
        ("P-1001", ("", "09-901", "S", "Digits swapped", 900), "cost_code.unknown", ""),
        ("P-1001", ("", "35-500", "S", "Another job's code", 900), "cost_code.unknown", ""),
        ("P-1001", ("", "09-910", "E", "Equipment on finishes", 900), "cost_type.not_allowed", ""),
        ("P-1001", ("", "09-910", "X", "No such type", 900), "cost_type.unknown", ""),
        ("P-3003", None, "job.closed", ""),
        ("P-9999", None, "job.unknown", ""),
    ],
)
def test_the_repository_lists_catch_slips(
    new_clone: Path, project: str, slip: Line | None, rule: str, hint: str
) -> None:
    lines = [PAINTING] if slip is None else [PAINTING, slip]
    budget = make_workbook(new_clone / "slip.xlsx", project=project, lines=lines)
    outcome = _check(new_clone, budget)
    assert outcome["exit"] == 1
    assert [p["rule"] for p in outcome["problems"]] == [rule]
    if hint:
        assert f"Did you mean {hint} (" in outcome["problems"][0]["hint"]


def test_a_job_specific_code_passes_on_its_job_only(new_clone: Path) -> None:
    line: Line = ("", "13-490", "S", "X-ray shielding", 38750)
    on_its_job = make_workbook(new_clone / "a.xlsx", project="P-1001", lines=[line])
    elsewhere = make_workbook(new_clone / "b.xlsx", project="P-2002", lines=[line])
    assert _check(new_clone, on_its_job)["exit"] == 0
    assert [p["rule"] for p in _check(new_clone, elsewhere)["problems"]] == ["cost_code.unknown"]
