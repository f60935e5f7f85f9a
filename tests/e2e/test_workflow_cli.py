"""The whole acceptance loop through the real CLI, over real .xlsx files and a real SQLite file."""

from __future__ import annotations

import csv
import errno
import json
import os
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from tests.support import invariants
from tests.support.messages import body
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace, age


def _status(ws: Workspace) -> dict[str, dict[str, object]]:
    result = ws.run("status", "--json")
    assert result.exit_code == 0, result.output
    return {row["project_number"]: row for row in json.loads(result.output)}


def _edit_rejected(
    ws: Workspace,
    name: str,
    edits: dict[tuple[str, str], dict[int, str | float]],
    project: str = "P-1001",
    version: int = 1,
) -> Path:
    """Correct the rejected workbook as an admin would, and drop it into the inbox."""
    book = openpyxl.load_workbook(ws.root / "rejected" / f"{project}_v{version}_rejected.xlsx")
    sheet = book["Budget"]
    total = Decimal("0")
    for row in sheet.iter_rows(min_row=7):
        key = (str(row[1].value), str(row[2].value))
        for col, value in edits.get(key, {}).items():
            row[col].value = value
        if row[7].value is not None:
            total += Decimal(str(row[7].value))
    for row in sheet.iter_rows(max_row=5):
        if row[0].value == "Budget Total":
            row[1].value = float(total)
    target = ws.root / "inbox" / name
    book.save(target)
    age(target)
    return target


def _submit_and_reject(ws: Workspace) -> None:
    ws.drop()
    assert ws.run("process").exit_code == 0
    ws.decide(
        decision="Reject",
        reason="Concrete 03-300 is over the estimate",
        line_flags={"09-900/S": "Painting belongs to sub job B"},
    )
    assert ws.run("process").exit_code == 0


def test_submit_locks_the_budget_and_puts_a_review_workbook_in_approval(
    workspace: Workspace,
) -> None:
    source = workspace.drop()
    sha = invariants.sha(source)
    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert "sent for approval" in result.output
    assert workspace.files("inbox") == [".gitkeep"] or workspace.files("inbox") == []
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]
    row = _status(workspace)["P-1001"]
    assert (row["status"], row["version"], row["locked"]) == ("awaiting_approval", 1, True)
    archived = {invariants.sha(p) for p in (workspace.root / "archive").rglob("*.xlsx")}
    assert archived == {sha, invariants.sha(workspace.review())} and not source.exists()


def test_reject_with_flagged_lines_unlocks_and_hands_back_an_editable_workbook(
    workspace: Workspace,
) -> None:
    _submit_and_reject(workspace)

    row = _status(workspace)["P-1001"]
    assert (row["status"], row["locked"]) == ("rejected", False)
    assert workspace.files("approval") == []
    book = openpyxl.load_workbook(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx")
    reasons = [c.value for r in book["Rejection Reasons"].iter_rows() for c in r if c.value]
    assert "Concrete 03-300 is over the estimate" in reasons
    assert "Painting belongs to sub job B" in reasons
    notes = {(r[1].value, r[2].value): r[8].value for r in book["Budget"].iter_rows(min_row=7)}
    assert notes[("09-900", "S")] == "REJECTED: Painting belongs to sub job B"
    assert not notes[("01-100", "L")]
    history = workspace.run("history", "P-1001").output
    assert "reject" in history and "Carl Accountant" in history and "09-900 / S" in history


def test_unchanged_resend_is_refused_and_handed_back(workspace: Workspace) -> None:
    _submit_and_reject(workspace)
    workspace.drop_file(workspace.root / "rejected" / "P-1001_v1_rejected.xlsx", "again.xlsx")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "nothing changed since the rejection on" in result.output
    assert "again.xlsx" in workspace.files("rejected")
    note = (workspace.root / "rejected" / "again.xlsx.refused.txt").read_text()
    assert "nothing changed since the rejection" in note
    assert _status(workspace)["P-1001"]["status"] == "rejected"


def test_resend_with_a_flagged_line_untouched_is_refused_naming_it(workspace: Workspace) -> None:
    _submit_and_reject(workspace)
    _edit_rejected(workspace, "fix.xlsx", {("03-300", "M"): {7: 40000.5}})

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "09-900 / S (Painting belongs to sub job B)" in result.output
    assert workspace.files("approval") == []


def test_flagged_line_untouched_passes_with_a_warning_when_configured(workspace: Workspace) -> None:
    workspace.configure("resend", unchanged_flagged_lines="warn")
    _submit_and_reject(workspace)
    _edit_rejected(workspace, "fix.xlsx", {("03-300", "M"): {7: 40000.5}})

    assert workspace.run("process").exit_code == 0
    book = openpyxl.load_workbook(workspace.review(version=2))
    texts = [c.value for r in book["Review"].iter_rows() for c in r if isinstance(c.value, str)]
    assert any("flagged line(s) unchanged: 09-900 / S" in t for t in texts)


def test_corrected_resend_shows_changes_and_earlier_reasons(workspace: Workspace) -> None:
    _submit_and_reject(workspace)
    _edit_rejected(
        workspace, "fixed.xlsx", {("03-300", "M"): {7: 40000.5}, ("09-900", "S"): {0: "B"}}
    )

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert "re-sent for approval" in result.output
    book = openpyxl.load_workbook(workspace.review(version=2))
    reasons = {
        r[0].value: (r[3].value, r[4].value) for r in book["Earlier Reasons"].iter_rows(min_row=4)
    }
    assert reasons["Painting belongs to sub job B"][0] == "looks addressed"
    assert reasons["Concrete 03-300 is over the estimate"][0] == "looks addressed"
    changes = [
        (r[0].value, r[1].value, r[2].value, r[3].value)
        for r in book["Changes"].iter_rows(min_row=2)
    ]
    assert ("amount changed", "", "03-300", "M") in [(k, s or "", c, t) for k, s, c, t in changes]
    assert ("added", "B", "09-900", "S") in changes
    assert ("removed", None, "09-900", "S") in changes or ("removed", "", "09-900", "S") in changes
    lines = book["Lines"]
    header = [c.value for c in lines[1]]
    changed = {
        (r[2].value, r[3].value): r[header.index("Change")].value
        for r in lines.iter_rows(min_row=2)
    }
    assert changed[("03-300", "M")] == "amount changed (-5,000.00)"
    fill = next(
        r for r in lines.iter_rows(min_row=2) if r[2].value == "03-300" and r[3].value == "M"
    )[2].fill.fgColor.rgb
    assert str(fill).endswith("FCE4D6")
    assert _status(workspace)["P-1001"]["version"] == 2


def test_accept_writes_the_erp_csv_with_every_line_and_the_total(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Accept")

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert workspace.files("outbox") == ["P-1001_v1_001.csv", "P-1001_v1_001.csv.manifest.json"]
    with (workspace.root / "outbox" / "P-1001_v1_001.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["Cost Code"], r["Cost Type"], r["Amount"], r["Workflow"]) for r in rows] == [
        (code, kind, f"{Decimal(str(amount)):.2f}", "original")
        for _, code, kind, _, amount in DEFAULT_LINES
    ]
    assert sum(Decimal(r["Amount"]) for r in rows) == Decimal("95000.50")
    assert _status(workspace)["P-1001"]["status"] == "exported"


def test_a_workbook_for_a_locked_budget_is_refused_saying_since_when_and_by_whom(
    workspace: Workspace,
) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.drop("second.xlsx", prepared_by="Eve Estimator")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "is locked: version 1 awaits approval since" in result.output
    assert "sent by Ada Admin" in result.output
    assert "second.xlsx" in workspace.files("rejected")
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]


def test_an_exported_budget_takes_only_a_real_change(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Accept")
    workspace.run("process")
    workspace.drop("change.xlsx", project_name="Riverside Clinic (new name)")  # same lines

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "nothing changed since version 1 was exported" in result.output
    assert workspace.files("outbox") == ["P-1001_v1_001.csv", "P-1001_v1_001.csv.manifest.json"]


def test_retrieve_takes_the_budget_out_of_the_queue_and_unlocks_it(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")

    result = workspace.run("retrieve", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 0, result.output
    assert workspace.files("approval") == []
    assert _status(workspace)["P-1001"]["status"] == "retrieved"
    workspace.drop("again.xlsx")
    assert workspace.run("process").exit_code == 0
    assert workspace.files("approval") == ["P-1001_v2_review.xlsx"]


def test_withdraw_closes_a_rejected_budget(workspace: Workspace) -> None:
    _submit_and_reject(workspace)

    result = workspace.run("withdraw", "P-1001", "--by", "Ada Admin")

    assert result.exit_code == 0
    assert _status(workspace)["P-1001"]["status"] == "withdrawn"
    assert "withdraw" in workspace.run("history", "P-1001").output


def test_withdraw_of_a_budget_awaiting_approval_is_refused(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")

    result = workspace.run("withdraw", "P-1001", "--by", "ada@example.com")

    assert result.exit_code == 1
    assert "awaiting_approval: cannot withdraw" in result.output


def test_only_a_budget_admin_of_the_project_may_retrieve(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")

    result = workspace.run("retrieve", "p-1001", "--by", "Bob Builder")

    assert result.exit_code == 1
    assert "'Bob Builder' is not a budget admin of project P-1001" in result.output
    assert _status(workspace)["P-1001"]["status"] == "awaiting_approval"


def test_project_numbers_differing_only_in_case_are_one_budget(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.drop("lower.xlsx", project="p-1001")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "budget P-1001 is locked" in result.output
    assert list(_status(workspace)) == ["P-1001"]


def test_project_numbers_that_look_alike_in_file_names_never_share_a_file(
    workspace: Workspace,
) -> None:
    workspace.drop("a.xlsx", project="J/100")
    workspace.drop("b.xlsx", project="J_100")

    assert workspace.run("process").exit_code == 0

    reviews = workspace.files("approval")
    assert len(reviews) == 2 and "J_100_v1_review.xlsx" in reviews


def test_the_same_bytes_dropped_again_under_another_name_are_refused_not_dropped(
    workspace: Workspace,
) -> None:
    first = workspace.drop("a.xlsx")
    copy = first.read_bytes()
    workspace.run("process")
    again = workspace.root / "inbox" / "a-again.xlsx"
    again.write_bytes(copy)
    age(again)

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "duplicate of a.xlsx, sent on" in result.output
    assert "as version 1 of P-1001 (now awaiting_approval)" in result.output
    assert "a-again.xlsx" in workspace.files("rejected")
    assert workspace.files("approval") == ["P-1001_v1_review.xlsx"]


def test_the_same_bytes_after_a_retrieve_are_a_new_send(workspace: Workspace) -> None:
    first = workspace.drop("a.xlsx")
    copy = first.read_bytes()
    workspace.run("process")
    workspace.run("retrieve", "P-1001", "--by", "Ada Admin")
    again = workspace.root / "inbox" / "a.xlsx"
    again.write_bytes(copy)
    age(again)

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert workspace.files("approval") == ["P-1001_v2_review.xlsx"]


def test_a_budget_total_that_is_not_a_number_is_refused(workspace: Workspace) -> None:
    workspace.drop(total="TBD")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "Budget!B5: Budget Total is not a number (found 'TBD')" in result.output


def test_a_broken_people_file_leaves_the_inbox_alone(workspace: Workspace) -> None:
    workspace.drop()
    (workspace.root / "rules" / "people.toml").write_text(
        '[[person]]\nname = "X"\nroles = ["budget_admn"]\n'
    )

    result = workspace.run("process")

    assert result.exit_code != 0
    assert workspace.files("inbox") == ["budget.xlsx"]


def test_unauthorised_submitter_is_refused(workspace: Workspace) -> None:
    workspace.drop(prepared_by="Bob Builder")  # admin of P-OTHER only

    result = workspace.run("process")

    assert result.exit_code == 1
    assert (
        "'Bob Builder' (the Prepared By cell) is not a budget admin of project P-1001"
        in result.output
    )
    assert workspace.files("approval") == []
    assert "budget.xlsx" in workspace.files("rejected")


def test_submitter_falls_back_to_last_modified_by(workspace: Workspace, tmp_path: Path) -> None:
    path = workspace.drop(prepared_by=None)
    book = openpyxl.load_workbook(path)
    book.properties.lastModifiedBy = "ada@example.com"
    book.save(path)
    age(path)

    assert workspace.run("process").exit_code == 0
    assert _status(workspace)["P-1001"]["sender"] == "Ada Admin"


def test_unauthorised_approver_is_not_applied_and_the_workbook_stays(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Accept", approver="Ada Admin")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "'Ada Admin' is not an accounting approver of project P-1001" in result.output
    assert workspace.files("approval") == [
        "P-1001_v1_review.xlsx",
        "P-1001_v1_review.xlsx.refused.txt",
    ]
    assert workspace.files("outbox") == [".gitkeep"] or workspace.files("outbox") == []
    assert _status(workspace)["P-1001"]["status"] == "awaiting_approval"
    assert "refuse_decision" in workspace.run("history", "P-1001").output
    again = workspace.run("process")  # the same save is refused once, not on every pass
    assert again.exit_code == 0 and "nothing to do" in again.output


def test_reject_without_reason_is_not_applied(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Reject")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "a Reject needs a Reason" in result.output
    assert _status(workspace)["P-1001"]["status"] == "awaiting_approval"


def test_a_second_process_with_nothing_new_changes_nothing(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    database = workspace.root / "state" / "budget-erp.sqlite"
    before = (
        _status(workspace),
        workspace.run("history", "P-1001").output,
        workspace.files("approval"),
        workspace.review().read_bytes(),
    )

    result = workspace.run("process")

    assert result.exit_code == 0 and "nothing to do" in result.output
    after = (
        _status(workspace),
        workspace.run("history", "P-1001").output,
        workspace.files("approval"),
        workspace.review().read_bytes(),
    )
    assert after == before
    assert database.exists() is not workspace.on_postgres  # the state is where it is configured


def test_a_broken_workbook_is_handed_back_naming_the_file_and_the_daemon_goes_on(
    workspace: Workspace,
) -> None:
    broken = workspace.root / "inbox" / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a zip")
    age(broken)
    workspace.drop("good.xlsx")

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "broken.xlsx: refused. broken.xlsx: not an .xlsx workbook" in result.output
    assert "good.xlsx: P-1001: sent for approval" in result.output
    assert "broken.xlsx.refused.txt" in workspace.files("rejected")


def test_a_budget_with_bad_cells_is_refused_naming_sheet_and_cell(workspace: Workspace) -> None:
    workspace.drop(
        lines=[("", "", "L", "No code", 100), ("", "02-200", "M", "Fill", "lots")], total=None
    )

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "Budget!B7: Cost Code is blank" in result.output
    assert "Budget!E8: Original Budget Amount is not a number (found 'lots')" in result.output


def test_commands_outside_a_workspace_exit_2(tmp_path: Path) -> None:
    result = Workspace(tmp_path).run("status")
    assert result.exit_code == 2
    assert "is not a budget-erp workspace" in result.output


def test_init_makes_a_workspace(tmp_path: Path) -> None:
    result = Workspace(tmp_path).run("init", str(tmp_path / "new"))
    assert result.exit_code == 0
    for name in (
        "budget-erp.toml",
        "rules",
        "templates",
        "inbox",
        "approval",
        "rejected",
        "outbox",
        "archive",
    ):
        assert (tmp_path / "new" / name).exists(), name


def test_a_failed_export_is_reported_and_finished_on_a_later_pass(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Accept")
    real_replace = os.replace

    def replace(source: Path, target: Path) -> None:  # the ERP file's rename fails
        if Path(target).parent.name == "outbox" and Path(target).suffix == ".csv":
            raise OSError(errno.EIO, "the share went away", str(target))
        real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)

    failed = workspace.run("process")

    assert failed.exit_code == 1
    assert "failed" in failed.output
    assert _status(workspace)["P-1001"]["status"] == "accepted"
    monkeypatch.setattr(os, "replace", real_replace)  # mended
    finished = workspace.run("process")
    assert finished.exit_code == 0
    assert "export finished on a later pass" in finished.output
    assert _status(workspace)["P-1001"]["status"] == "exported"
    # Each name tried is spent, its intent recorded (a rename that failed on a share may yet
    # have happened): 001 by the accept, 002 by the pass's retry, then the file is 003.
    assert [n for n in workspace.files("outbox") if n.endswith(".csv")] == ["P-1001_v1_003.csv"]


def test_a_refusal_note_goes_once_the_decision_is_applied(workspace: Workspace) -> None:
    workspace.drop()
    workspace.run("process")
    workspace.decide(decision="Reject")
    workspace.run("process")
    assert "P-1001_v1_review.xlsx.refused.txt" in workspace.files("approval")

    workspace.decide(decision="Reject", reason="Too high")

    assert workspace.run("process").exit_code == 0
    assert workspace.files("approval") == []


def test_people_are_told_by_mail_files(workspace: Workspace) -> None:
    import email
    import email.policy

    _submit_and_reject(workspace)

    messages = {
        m["Subject"]: m
        for m in (
            email.message_from_bytes(
                (workspace.root / "mail" / name).read_bytes(), policy=email.policy.default
            )
            for name in workspace.files("mail")
        )
    }
    assert {(m["To"], subject) for subject, m in messages.items()} == {
        ("carl@example.com", "Budget P-1001 sent for your acceptance (version 1)"),
        ("ada@example.com", "Budget P-1001 rejected by Carl Accountant"),
    }
    rejection = messages["Budget P-1001 rejected by Carl Accountant"]
    text = body(rejection)
    assert "Concrete 03-300 is over the estimate" in text
    assert "P-1001_v1_rejected.xlsx" in text
    assert "Response column of the Rejection Reasons sheet" in text  # how to answer
