"""Approvals that can be trusted, through the real CLI: the review workbook counts only for the
version it was issued for, the sender cannot decide, no two budgets share a file, a save while
the workbook is open waits, a later save is answered, and every refused decision is mailed."""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path

import openpyxl
import pytest

from tests.support.workspace import DANA, Workspace, age


def _status(ws: Workspace) -> dict[str, str]:
    rows = json.loads(ws.run("status", "--json").output)
    return {row["project_number"]: row["status"] for row in rows}


def _history(ws: Workspace, project: str) -> list[dict[str, str]]:
    result = ws.run("history", project, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, str]] = json.loads(result.output)
    return events


def _not_applied_mail(ws: Workspace) -> list[tuple[str, str]]:
    return [
        (str(m["To"]), str(m["Subject"])) for m in ws.mail() if "not applied" in str(m["Subject"])
    ]


def _note(review: Path) -> str:
    return review.with_name(review.name + ".refused.txt").read_text(encoding="utf-8")


def _outbox_data(ws: Workspace) -> list[str]:
    return [n for n in ws.files("outbox") if n.endswith(".csv")]


def _saved_seconds_ago(path: Path, seconds: float) -> None:
    moment = time.time() - seconds
    os.utime(path, (moment, moment))


def _sent(ws: Workspace, *projects: str) -> None:
    for project in projects:
        ws.drop(f"{project}.xlsx", project=project)
    assert ws.run("process").exit_code == 0


def test_a_review_saved_over_another_budgets_review_is_applied_to_neither(
    workspace: Workspace,
) -> None:
    _sent(workspace, "P-1", "P-2")
    first, second = workspace.review("P-1"), workspace.review("P-2")
    second.write_bytes(first.read_bytes())  # P-1's review, saved under P-2's name
    workspace.decide("P-2", decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "it is the review workbook of P-1 version 1" in result.output
    assert _status(workspace) == {"P-1": "awaiting_approval", "P-2": "awaiting_approval"}
    assert _outbox_data(workspace) == []
    for project in ("P-1", "P-2"):
        assert [e["action"] for e in _history(workspace, project)][-1] == "refuse_decision"
    assert "applied to no budget" in _note(second)
    assert first.exists()  # P-1's own review is untouched and still counts


def test_a_foreign_review_cleared_away_brings_back_the_real_one(workspace: Workspace) -> None:
    _sent(workspace, "P-1", "P-2")
    genuine = workspace.review("P-2").read_bytes()
    workspace.review("P-2").write_bytes(workspace.review("P-1").read_bytes())
    workspace.decide("P-2", decision="Accept")
    assert workspace.run("process").exit_code == 1

    workspace.review("P-2").unlink()  # as the note says
    workspace.review("P-2").with_name("P-2_v1_review.xlsx.refused.txt").unlink()
    assert workspace.run("process").exit_code == 0

    assert workspace.review("P-2").read_bytes() == genuine
    workspace.decide("P-2", decision="Accept")
    assert workspace.run("process").exit_code == 0
    assert _status(workspace)["P-2"] == "exported"
    exported = (workspace.root / "outbox" / "P-2_v1_001.csv").read_text()
    assert "P-2" in exported and "P-1," not in exported


def test_a_copy_of_version_1s_review_does_not_decide_version_2(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    old_review = workspace.review().read_bytes()
    workspace.decide(decision="Reject", reason="Too high")
    assert workspace.run("process").exit_code == 0
    workspace.drop("v2.xlsx", lines=[("", "01-100", "L", "General conditions", 9000)])
    assert workspace.run("process").exit_code == 0
    workspace.review(version=2).write_bytes(old_review)
    workspace.decide(version=2, decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "it is the review workbook of P-1001 version 1" in result.output
    assert _status(workspace)["P-1001"] == "awaiting_approval"
    assert _outbox_data(workspace) == []


def test_a_hand_made_review_without_an_identifier_is_refused(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    book = openpyxl.load_workbook(review)
    del book["_meta"]
    # types-openpyxl does not know the workbook's custom properties (openpyxl >= 3.1 has them)
    book.custom_doc_props.props.clear()  # type: ignore[attr-defined]
    book.save(review)
    workspace.decide(decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "carries no review identifier" in result.output
    assert _status(workspace)["P-1001"] == "awaiting_approval"


def test_the_sender_cannot_decide_their_own_version(workspace: Workspace) -> None:
    workspace.add_people(DANA)
    workspace.drop(prepared_by="Dana Director")
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept", approver="Dana Director")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "Dana Director sent version 1 and cannot also decide it" in result.output
    assert _status(workspace)["P-1001"] == "awaiting_approval"
    workspace.decide(decision="Accept", approver="Carl Accountant")
    assert workspace.run("process").exit_code == 0
    actors = {e["action"]: e["actor"] for e in _history(workspace, "P-1001")}
    assert (actors["send"], actors["accept"]) == ("Dana Director", "Carl Accountant")


def test_a_small_company_may_let_the_sender_decide(workspace: Workspace) -> None:
    workspace.add_people(DANA)
    workspace.configure("identity", self_approval=True)
    workspace.drop(prepared_by="Dana Director")
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept", approver="Dana Director")

    assert workspace.run("process").exit_code == 0
    assert _status(workspace)["P-1001"] == "exported"


def test_project_numbers_that_would_share_a_stem_write_separate_files(workspace: Workspace) -> None:
    slash = "J/100"
    lookalike = f"J_100-{hashlib.sha256(slash.encode()).hexdigest()[:8]}"
    _sent(workspace, slash.replace("/", "-"))  # an unrelated budget first: names stay stable
    workspace.drop("a.xlsx", project=slash)
    workspace.drop("b.xlsx", project=lookalike, lines=[("", "01-100", "L", "Other job", 77)])
    assert workspace.run("process").exit_code == 0

    reviews = [n for n in workspace.files("approval") if n.startswith("J_100")]
    assert len(reviews) == 2, reviews
    for review in reviews:
        workspace.decide(review.rsplit("_v", 1)[0], decision="Accept")
    assert workspace.run("process").exit_code == 0

    exported = {
        name: (workspace.root / "outbox" / name).read_text()
        for name in _outbox_data(workspace)
        if name.startswith("J_100")
    }
    assert len(exported) == 2
    assert sum("Other job" in text for text in exported.values()) == 1
    assert _status(workspace)[slash] == _status(workspace)[lookalike] == "exported"


def test_a_save_while_the_workbook_is_open_waits_and_the_last_save_wins(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    lock = review.with_name(f".~lock.{review.name}#")
    lock.write_text("Carl Accountant,carl,host,29.11.2026 10:00,file:///home/carl;")
    _saved_seconds_ago(workspace.decide(decision="Accept"), 10)  # settled, still open

    held = workspace.run("process")

    assert held.exit_code == 0 and "nothing to do" in held.output
    assert _status(workspace)["P-1001"] == "awaiting_approval"
    _saved_seconds_ago(workspace.decide(decision="Reject", reason="Concrete is over"), 5)
    lock.unlink()  # LibreOffice closed
    assert workspace.run("process").exit_code == 0
    assert _status(workspace)["P-1001"] == "rejected"
    assert _outbox_data(workspace) == []


def test_a_workbook_left_open_is_taken_after_incomplete_seconds(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    review.with_name(f"~${review.name}").write_text("carl")  # Excel, left open over lunch
    workspace.decide(decision="Accept")  # saved two minutes ago, more than incomplete_seconds
    workspace.configure("watch", incomplete_seconds=60.0)

    assert workspace.run("process").exit_code == 0
    assert _status(workspace)["P-1001"] == "exported"


def test_a_later_save_after_the_decision_is_answered_and_recorded(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept")
    accepted = workspace.review().read_bytes()
    assert workspace.run("process").exit_code == 0
    workspace.review().write_bytes(accepted)  # LibreOffice saves again under the same name
    workspace.decide(decision="Reject", reason="Changed my mind: labour is too high")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "the later save was not applied" in result.output
    assert _status(workspace)["P-1001"] == "exported"
    late = [e for e in _history(workspace, "P-1001") if e["action"] == "late_decision"]
    assert len(late) == 1 and "accepted by Carl Accountant" in late[0]["detail"]
    note = _note(workspace.review())
    assert "P-1001_v1_001.csv" in note and "Your later save (Reject) changed nothing" in note
    mail = [m for m in workspace.mail() if "Later save" in str(m["Subject"])]
    assert len(mail) == 1 and "carl@example.com" in str(mail[0]["To"])
    assert workspace.run("process").exit_code == 0  # answered once
    assert len([m for m in workspace.mail() if "Later save" in str(m["Subject"])]) == 1


def test_the_same_decision_saved_again_after_it_was_applied_is_cleared_quietly(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Accept")
    accepted = workspace.review().read_bytes()
    assert workspace.run("process").exit_code == 0
    workspace.review().write_bytes(accepted)
    workspace.decide(decision="Accept", reason="saved twice")

    assert workspace.run("process").exit_code == 0
    assert workspace.files("approval") == []
    assert "late_decision" not in {e["action"] for e in _history(workspace, "P-1001")}


def _refusal_by_kind(ws: Workspace, kind: str) -> None:
    if kind == "not an approver":
        ws.decide(decision="Accept", approver="Ada Admin")
    elif kind == "reject without a reason":
        ws.decide(decision="Reject")
    elif kind == "accept with line rejects":
        ws.decide(decision="Accept", line_flags={"09-900/S": "wrong sub job"})
    elif kind == "own budget":
        ws.decide(decision="Accept", approver="Dana Director")
    elif kind == "foreign review":
        ws.review().write_bytes(ws.review("P-2").read_bytes())
        ws.decide(decision="Accept")


@pytest.mark.parametrize(
    "kind",
    [
        "not an approver",
        "reject without a reason",
        "accept with line rejects",
        "own budget",
        "foreign review",
    ],
)
def test_every_refused_decision_is_mailed_once_to_the_people_concerned(
    workspace: Workspace, kind: str
) -> None:
    workspace.add_people(DANA)
    workspace.drop("a.xlsx", prepared_by="Dana Director" if kind == "own budget" else "Ada Admin")
    workspace.drop("b.xlsx", project="P-2")
    assert workspace.run("process").exit_code == 0
    _refusal_by_kind(workspace, kind)

    assert workspace.run("process").exit_code == 1
    assert workspace.run("process").exit_code == 0  # the same save is not answered twice

    mail = _not_applied_mail(workspace)
    assert len(mail) == 1, mail
    to, subject = mail[0]
    assert subject == "Decision on budget P-1001 version 1 not applied"
    assert "carl@example.com" in to and "dana@example.com" in to  # the project's approvers
    if kind in ("not an approver",):
        assert "ada@example.com" in to  # the person the workbook names
    assert _status(workspace)["P-1001"] == "awaiting_approval"


def test_a_review_workbook_reaching_the_far_corner_is_refused_naming_the_cell(
    workspace: Workspace,
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    workspace.decide(decision="Accept")
    book = openpyxl.load_workbook(review)
    book["Lines"]["XFD1048576"] = "x"
    book.save(review)
    age(review)

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "'Lines' has something at XFD1048576" in result.output
    assert _status(workspace)["P-1001"] == "awaiting_approval"
