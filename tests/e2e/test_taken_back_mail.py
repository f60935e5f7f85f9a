"""Everyone affected hears of a retrieve or a withdraw, through the CLI, in a workspace in
America/Chicago: the approvers who were sent the version, and its sender when someone else
took it back; who did what, when (in the workspace's time), to which version, with its
amounts. A withdraw leaves nothing waiting in rejected/."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import openpyxl
import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.messages import body
from tests.support.smtp_server import Inbox, free_port, smtp_server, use_smtp
from tests.support.waiting import wait_for
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace

# The test clock starts at 2026-03-02 07:00 UTC: 01:00 in Chicago, standard time.
TODAY_IN_CHICAGO = "2026-03-02 01:0"


@pytest.fixture
def chicago(workspace: Workspace) -> Workspace:
    workspace.configure("notify", time_zone="America/Chicago")
    return workspace


def _delivered(ws: Workspace, template_words: str) -> list[EmailMessage]:
    assert ws.run("mail").exit_code == 0
    return [m for m in ws.mail() if template_words in str(m["Subject"])]


def _sent_and_rejected(ws: Workspace) -> None:
    ws.drop()
    assert ws.run("process").exit_code == 0
    ws.decide(decision="Reject", reason="Concrete 03-300 is over the estimate.")
    assert ws.run("process").exit_code == 0


def test_a_retrieve_by_someone_else_tells_the_approver_and_the_sender(chicago: Workspace) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0

    result = chicago.run("retrieve", "P-1001", "--by", "Eve Estimator")

    assert result.exit_code == 0, result.output
    [mail] = _delivered(chicago, "retrieved")
    assert sorted(mail["To"].addresses[i].addr_spec for i in range(2)) == [
        "ada@example.com",
        "carl@example.com",
    ]
    assert str(mail["Subject"]) == (
        "Budget P-1001 version 1 retrieved by Eve Estimator: no decision needed"
    )
    text = body(mail)
    assert "Eve Estimator retrieved the budget of project P-1001" in text
    assert "(version 1, sent by Ada Admin)" in text
    assert f"on {TODAY_IN_CHICAGO}" in text and " CST, before it was decided" in text
    assert "Total: 95,000.50" in text
    assert "P-1001_v1_review.xlsx has left approval/" in text
    assert "95,000.50" in body(mail, "html") and "CST" in body(mail, "html")


def test_the_sender_retrieving_their_own_budget_is_not_told_of_it(chicago: Workspace) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0

    assert chicago.run("retrieve", "P-1001", "--by", "Ada Admin").exit_code == 0

    [mail] = _delivered(chicago, "retrieved")
    assert [a.addr_spec for a in mail["To"].addresses] == ["carl@example.com"]


def test_a_refused_retrieve_tells_nobody(chicago: Workspace) -> None:
    _sent_and_rejected(chicago)

    assert chicago.run("retrieve", "P-1001", "--by", "Ada Admin").exit_code == 1

    assert _delivered(chicago, "retrieved") == []


def test_a_withdraw_tells_the_approver_and_tidies_rejected(chicago: Workspace) -> None:
    _sent_and_rejected(chicago)
    assert chicago.files("rejected") == ["P-1001_v1_rejected.xlsx"]

    result = chicago.run("withdraw", "P-1001", "--by", "Eve Estimator")

    assert result.exit_code == 0, result.output
    assert chicago.files("rejected") == []
    history = chicago.run("history", "P-1001").output
    assert "P-1001_v1_rejected.xlsx" in history and "moved to the archive" in history
    [mail] = _delivered(chicago, "withdrawn")
    assert {a.addr_spec for a in mail["To"].addresses} == {"carl@example.com", "ada@example.com"}
    text = body(mail)
    assert "Eve Estimator withdrew the budget of project P-1001" in text
    assert f"on {TODAY_IN_CHICAGO}" in text and "CST. It was rejected" in text
    assert "Total: 95,000.50" in text
    assert "- rejected/P-1001_v1_rejected.xlsx" in text


def test_a_withdrawn_change_says_its_net_change_and_the_version_kept(chicago: Workspace) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0
    chicago.decide(decision="Accept")
    assert chicago.run("process").exit_code == 0
    changed = [*DEFAULT_LINES[:3], ("", "09-900", "S", "Painting subcontract", 9000)]
    chicago.drop("change.xlsx", lines=changed)
    assert chicago.run("process").exit_code == 0
    chicago.decide(version=2, decision="Reject", reason="No change this quarter")
    assert chicago.run("process").exit_code == 0

    assert chicago.run("withdraw", "P-1001", "--by", "Ada Admin").exit_code == 0

    [mail] = _delivered(chicago, "withdrawn")
    text = body(mail)
    assert "(version 2, sent by Ada Admin)" in text
    assert "Total: 96,000.50" in text
    assert "Net change against version 1 in the ERP (total 95,000.50): +1,000.00" in text
    assert "version 1 stays the budget in force in the ERP" in text


def test_emails_and_history_show_times_in_the_workspace_zone(chicago: Workspace) -> None:
    _sent_and_rejected(chicago)

    [rejected] = _delivered(chicago, "rejected by")
    history = chicago.run("history", "P-1001").output

    assert f"on {TODAY_IN_CHICAGO}" in body(rejected) and "CST." in body(rejected)
    assert "UTC" not in body(rejected)
    lines = history.splitlines()
    assert lines and all(line.startswith(TODAY_IN_CHICAGO) for line in lines)
    assert all(" CST " in line for line in lines)


def test_a_reason_ending_in_a_full_stop_is_not_punctuated_twice(chicago: Workspace) -> None:
    _sent_and_rejected(chicago)
    resent = [*DEFAULT_LINES[:1], ("", "03-300", "M", "Concrete", 40000), *DEFAULT_LINES[2:]]
    chicago.drop("again.xlsx", lines=resent)
    assert chicago.run("process").exit_code == 0

    [sent] = _delivered(chicago, "re-sent")

    assert "Concrete 03-300 is over the estimate: looks addressed" in body(sent)
    assert ".:" not in body(sent) and ".:" not in body(sent, "html")


@pytest.mark.slow
def test_a_running_daemon_delivers_the_withdraw_email_over_smtp(
    chicago: Workspace, tmp_path: Path
) -> None:
    port = free_port()
    fast_settings(chicago)
    use_smtp(chicago, port)
    with smtp_server(port, Inbox()) as inbox:
        _sent_and_rejected(chicago)
        daemon = Daemon.start(chicago, tmp_path / "daemon.log")
        try:
            assert daemon.wait_for_passes(1), daemon.output()
            assert chicago.run("withdraw", "P-1001", "--by", "Eve Estimator").exit_code == 0

            def withdrawn() -> list[EmailMessage]:
                return [m for m in inbox.messages if "withdrawn by" in str(m["Subject"])]

            assert wait_for(lambda: len(withdrawn()) == 1, timeout=30), daemon.output()
        finally:
            daemon.kill()
    [mail] = withdrawn()
    assert str(mail["Subject"]) == (
        "Budget P-1001 version 1 withdrawn by Eve Estimator: it will not be re-sent"
    )
    assert {a.addr_spec for a in mail["To"].addresses} == {"carl@example.com", "ada@example.com"}
    assert " CST. It was rejected" in body(mail)
    assert chicago.files("rejected") == []


def test_the_review_and_the_hand_back_show_times_in_the_workspace_zone(
    chicago: Workspace,
) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0
    sheet = openpyxl.load_workbook(chicago.review())["Review"]
    facts = {row[0].value: row[1].value for row in sheet.iter_rows() if row[0].value}
    assert str(facts["Sent at"]).startswith(TODAY_IN_CHICAGO)
    assert str(facts["Sent at"]).endswith(" CST")

    chicago.decide(decision="Reject", reason="Too high.")
    assert chicago.run("process").exit_code == 0
    handed_back = openpyxl.load_workbook(chicago.root / "rejected" / "P-1001_v1_rejected.xlsx")
    title = str(handed_back["Rejection Reasons"]["A1"].value)
    assert title.startswith(f"Version 1 rejected by Carl Accountant on {TODAY_IN_CHICAGO}")
    assert title.endswith(" CST")
