"""Nothing a user drops stops the pipeline: each hostile drop fails only itself, and a good
budget dropped in the same pass reaches approval/ with its approver's email written."""

from __future__ import annotations

import os
import time
from pathlib import Path

import openpyxl
import pytest

from tests.support.state import state_sql
from tests.support.workbooks import make_workbook, xlsx_escaped
from tests.support.workspace import Workspace

GOOD = "P-GOOD"


def _drop_good(ws: Workspace) -> None:
    ws.drop("good.xlsx", project=GOOD)


def _good_went_through(ws: Workspace, output: str) -> None:
    assert "Traceback" not in output, output
    assert ws.review(GOOD).exists(), output
    subjects = [str(m["Subject"]) for m in ws.mail()]
    assert f"Budget {GOOD} sent for your acceptance (version 1)" in subjects, subjects


def _old(path: Path, seconds: float = 600) -> Path:
    moment = time.time() - seconds
    os.utime(path, (moment, moment), follow_symlinks=False)
    return path


def _every_name_fits(root: Path) -> None:
    for path in root.rglob("*"):
        assert len(path.name.encode("utf-8")) <= 255, path


@pytest.mark.parametrize(
    "name",
    [
        "b" * 250 + ".xlsx",  # plain ASCII, near the limit
        "Kostenvoranschlag-Übersicht-" + "建設予算書" * 40 + ".xlsx",  # a multi-byte script
    ],
    ids=["ascii", "multibyte"],
)
def test_a_refused_workbook_with_a_name_near_the_limit_is_handed_back(
    workspace: Workspace, name: str
) -> None:
    while len(name.encode()) > 255:  # as long as the file system allows
        name = name[:-6] + ".xlsx"
    workspace.drop(name, lines=[("", "", "L", "no code", 10)])
    _drop_good(workspace)

    result = workspace.run("process")

    assert result.exit_code == 1
    _good_went_through(workspace, result.output)
    handed_back = [n for n in workspace.files("rejected") if n.endswith(".xlsx")]
    assert len(handed_back) == 2  # the workbook and its annotated copy
    notes = [n for n in workspace.files("rejected") if n.endswith(".refused.txt")]
    assert len(notes) == 1 and "Cost Code is blank" in (
        workspace.root / "rejected" / notes[0]
    ).read_text(encoding="utf-8")
    _every_name_fits(workspace.root)
    assert workspace.files("inbox") in ([], [".gitkeep"])


def test_a_project_number_of_hundreds_of_characters_gets_short_file_names(
    workspace: Workspace,
) -> None:
    project = "JOB-" + "9" * 400
    workspace.drop("long.xlsx", project=project)
    _drop_good(workspace)

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    _good_went_through(workspace, result.output)
    long_review = [n for n in workspace.files("approval") if n.startswith("JOB-")]
    assert len(long_review) == 1 and len(long_review[0]) < 100
    workspace.decide(long_review[0].rsplit("_v", 1)[0], decision="Reject", reason="No")
    assert workspace.run("process").exit_code == 0
    _every_name_fits(workspace.root)


@pytest.mark.parametrize(
    ("character", "shown"),
    [
        ("\x1b", "U+001B"),  # ESC, written by Excel as _x001B_
        ("\x07", "U+0007"),
        ("\u200b", "U+200B ZERO WIDTH SPACE"),
        ("\u202e", "U+202E RIGHT-TO-LEFT OVERRIDE"),
        ("\u2028", "U+2028 LINE SEPARATOR"),
        ("\u00a0", "U+00A0 NO-BREAK SPACE"),
    ],
    ids=["esc", "bel", "zero-width", "bidi", "line-separator", "no-break-space"],
)
def test_a_project_number_with_a_hidden_character_is_refused_at_its_cell(
    workspace: Workspace, character: str, shown: str
) -> None:
    if ord(character) < 32:  # as Excel stores a control character: the _xHHHH_ escape
        _old(xlsx_escaped(workspace.drop("odd.xlsx", project="P-10@01"), {"@": character}))
    else:
        workspace.drop("odd.xlsx", project=f"P-10{character}01")
    _drop_good(workspace)

    result = workspace.run("process")

    assert result.exit_code == 1
    assert f"Budget!B2: the Project Number holds {shown}" in result.output
    assert character not in result.output  # shown escaped, never raw on a terminal
    _good_went_through(workspace, result.output)
    assert "odd.xlsx" in workspace.files("rejected")
    refusal = [m for m in workspace.mail() if "was not taken" in str(m["Subject"])]
    assert len(refusal) == 1 and "\n" not in str(refusal[0]["Subject"])  # a header, one line
    status = workspace.run("status")
    assert character not in status.output


def test_scoping_never_merges_two_erp_job_numbers(workspace: Workspace) -> None:
    workspace.add_people(
        '\n[[person]]\nname = "Mia Masse"\nemail = "mia@example.com"\n'
        'roles = ["budget_admin"]\nprojects = ["MASSE-1"]\n'
    )
    workspace.drop("masse.xlsx", project="MAßE-1", prepared_by="Mia Masse")
    _drop_good(workspace)

    result = workspace.run("process")

    # A job number is plain ASCII once NFKC: MAßE-1 is refused, never taken as MASSE-1.
    assert result.exit_code == 1
    assert (
        "Budget!B2: the Project Number holds U+00DF LATIN SMALL LETTER SHARP S, not plain ASCII"
        in result.output
    )
    assert "masse.xlsx" in workspace.files("rejected")
    assert not workspace.review("MASSE-1").exists()
    _good_went_through(workspace, result.output)


@pytest.mark.parametrize(
    "make",
    ["folder", "no extension", "stray tmp", "hidden", "orphan lock"],
)
def test_every_inbox_entry_left_alone_gets_an_answer(workspace: Workspace, make: str) -> None:
    inbox = workspace.root / "inbox"
    if make == "folder":
        entry = inbox / "budgets for march"
        entry.mkdir()
        make_workbook(entry / "inside.xlsx")
    elif make == "no extension":
        entry = make_workbook(inbox / "budget")
    elif make == "stray tmp":
        entry = inbox / "budget.xlsx.tmp"
        entry.write_bytes(b"half a workbook")
    elif make == "hidden":
        entry = make_workbook(inbox / ".budget.xlsx")
    else:
        entry = inbox / "~$gone.xlsx"
        entry.write_text("carl")
    _drop_good(workspace)
    recent = time.time() - 10
    os.utime(entry, (recent, recent))

    held = workspace.run("process")  # fresh: perhaps still being written; left for now

    assert held.exit_code == 0, held.output
    _good_went_through(workspace, held.output)
    assert entry.exists()
    _old(entry)
    answered = workspace.run("process")
    assert answered.exit_code == 1 and "Traceback" not in answered.output
    assert not entry.exists()
    note = [n for n in workspace.files("rejected") if n.endswith(".refused.txt")]
    assert len(note) == 1, workspace.files("rejected")
    assert workspace.files("inbox") in ([], [".gitkeep"])


def test_an_office_lock_beside_its_workbook_is_left_alone(workspace: Workspace) -> None:
    inbox = workspace.root / "inbox"
    workbook = make_workbook(inbox / "open.xlsx")
    lock = inbox / ".~lock.open.xlsx#"
    lock.write_text("ada")
    _old(lock)
    recent = time.time() - 10
    os.utime(workbook, (recent, recent))
    _drop_good(workspace)

    result = workspace.run("process")

    assert result.exit_code == 0
    _good_went_through(workspace, result.output)
    assert workbook.exists() and lock.exists()  # Excel still has it open: it waits


def test_mail_goes_on_past_a_message_that_cannot_be_built(workspace: Workspace) -> None:
    _drop_good(workspace)
    assert workspace.run("process").exit_code == 0
    state_sql(  # a message queued by an older version, say
        workspace.root,
        "INSERT INTO notifications (key, template, recipients, subject, text, html, "
        "created_at, status, next_attempt_at) VALUES ('broken', 'refused', '[\"a@b\"]', "
        "?, 'x', '<p>x</p>', '2026-03-02T07:00:00+00:00', 'queued', "
        "'2026-03-02T07:00:00+00:00')",
        ("bad\u2028subject\nBcc: everyone@example.com",),
    )
    state_sql(workspace.root, "UPDATE notifications SET status = 'queued' WHERE key != 'broken'")
    for eml in (workspace.root / "mail").glob("*.eml"):
        eml.unlink()

    result = workspace.run("mail")

    assert "Traceback" not in result.output
    messages = workspace.mail()
    assert f"Budget {GOOD} sent for your acceptance (version 1)" in [
        str(m["Subject"]) for m in messages
    ]
    broken = [m for m in messages if "bad" in str(m["Subject"])]
    assert len(broken) == 1 and broken[0]["Bcc"] is None  # no header smuggled in


def test_process_and_mail_exit_codes_stay_0_1_2(workspace: Workspace, tmp_path: Path) -> None:
    _drop_good(workspace)
    assert workspace.run("process").exit_code == 0
    assert workspace.run("mail").exit_code == 0
    workspace.drop("bad.xlsx", lines=[("", "", "", "", "x")])
    assert workspace.run("process").exit_code == 1
    outside = Workspace(tmp_path / "not-a-workspace").run("process")
    assert outside.exit_code == 2 and "Traceback" not in outside.output


def test_a_hand_back_name_stays_clean_and_recognisable(workspace: Workspace) -> None:
    inbox = workspace.root / "inbox"
    path = make_workbook(inbox / "budget\u00a0march\uf8ff.xlsx", lines=[("", "", "L", "x", 1)])
    _old(path)
    _drop_good(workspace)

    result = workspace.run("process")

    _good_went_through(workspace, result.output)
    assert "budget march\uf8ff.xlsx" in workspace.files("rejected")
    book = openpyxl.load_workbook(workspace.root / "rejected" / "budget march\uf8ff.problems.xlsx")
    assert "Problems" in book.sheetnames
