"""Every email says who did what, when (in the workspace's time), to which version, with its
amounts: the total, and for a budget change or a re-send the net change against the version
it stands on. Read from the mail the CLI writes into mail/ (and, for a daemon, over SMTP), in
a workspace in America/Chicago."""

from __future__ import annotations

from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.support.daemon import Daemon, fast_settings
from tests.support.messages import body
from tests.support.smtp_server import Inbox, free_port, smtp_server, use_smtp
from tests.support.waiting import wait_for
from tests.support.workbooks import DEFAULT_LINES
from tests.support.workspace import Workspace

# The test clock starts at 2026-03-02 07:00 UTC: 01:00 in Chicago, standard time.
TODAY_IN_CHICAGO = "2026-03-02 01:0"
# DEFAULT_LINES with painting up from 8,000 to 9,000: total 96,000.50.
CHANGED = [*DEFAULT_LINES[:3], ("", "09-900", "S", "Painting subcontract", 9000)]


@pytest.fixture
def chicago(workspace: Workspace) -> Workspace:
    workspace.configure("notify", time_zone="America/Chicago")
    return workspace


def _one(ws: Workspace, subject_words: str) -> EmailMessage:
    assert ws.run("mail").exit_code == 0
    found = [m for m in ws.mail() if subject_words in str(m["Subject"])]
    assert len(found) == 1, [str(m["Subject"]) for m in ws.mail()]
    return found[0]


def _both(mail: EmailMessage) -> tuple[str, str]:
    return body(mail), body(mail, "html")


def _exported_v1(ws: Workspace) -> None:
    ws.drop()
    assert ws.run("process").exit_code == 0
    ws.decide(decision="Accept")
    assert ws.run("process").exit_code == 0


def test_a_first_send_says_who_sent_which_version_when_and_its_total(
    chicago: Workspace,
) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0

    text, html = _both(_one(chicago, "sent for your acceptance (version 1)"))

    assert "Ada Admin sent the budget of project P-1001" in text
    assert "(version 1) for your acceptance on " + TODAY_IN_CHICAGO in text
    assert " CST." in text
    assert "Lines: 4\r\nTotal: 95,000.50\r\n" in text
    assert "Net change" not in text  # nothing to compare a first send with
    assert "95,000.50" in html and f"for your acceptance on {TODAY_IN_CHICAGO}" in html


def test_a_rejection_says_who_rejected_which_version_when_and_its_total(
    chicago: Workspace,
) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0
    chicago.decide(decision="Reject", reason="Concrete is over the estimate.")
    assert chicago.run("process").exit_code == 0

    text, html = _both(_one(chicago, "rejected by Carl Accountant"))

    assert "(version 1) was rejected by Carl Accountant on " + TODAY_IN_CHICAGO in text
    assert "Lines: 4\r\nTotal: 95,000.50\r\n" in text
    assert "- Concrete is over the estimate." in text
    assert "<td>Total</td><td>95,000.50</td>" in html


def test_a_re_send_says_its_net_change_against_the_version_rejected(chicago: Workspace) -> None:
    chicago.drop()
    assert chicago.run("process").exit_code == 0
    chicago.decide(decision="Reject", reason="Concrete is over the estimate.")
    assert chicago.run("process").exit_code == 0
    lower = [DEFAULT_LINES[0], ("", "03-300", "M", "Concrete", 40000), *DEFAULT_LINES[2:]]
    chicago.drop("again.xlsx", lines=lower)
    assert chicago.run("process").exit_code == 0

    text, html = _both(_one(chicago, "re-sent for your acceptance (version 2)"))

    assert "Ada Admin re-sent the budget of project P-1001" in text
    assert "Total: 90,000.00" in text
    assert "Net change against rejected version 1 (total 95,000.50): -5,000.50" in text
    assert "-5,000.50" in html


def test_an_accept_says_who_accepted_when_the_file_and_the_total(chicago: Workspace) -> None:
    _exported_v1(chicago)

    text, html = _both(_one(chicago, "accepted by Carl Accountant"))

    assert "(version 1) was accepted by Carl Accountant on " + TODAY_IN_CHICAGO in text
    assert "and exported to the ERP on " + TODAY_IN_CHICAGO in text
    assert "ERP import file: P-1001_v1_001.csv (4 line(s), total 95,000.50)" in text
    assert "Lines: 4\r\nTotal: 95,000.50\r\n" in text
    assert "Net change" not in text
    assert "P-1001_v1_001.csv" in html and "95,000.50" in html


def test_a_budget_change_says_its_net_change_when_sent_and_when_accepted(
    chicago: Workspace,
) -> None:
    _exported_v1(chicago)
    chicago.drop("change.xlsx", lines=CHANGED)
    assert chicago.run("process").exit_code == 0

    sent_text, sent_html = _both(_one(chicago, "sent for your acceptance (version 2)"))
    chicago.decide(version=2, decision="Accept")
    assert chicago.run("process").exit_code == 0
    [exported] = [
        m for m in chicago.mail() if "accepted by" in str(m["Subject"]) and "(version 2)" in body(m)
    ]

    net = "Net change against version 1 in the ERP (total 95,000.50): +1,000.00"
    assert "This is a budget change against exported version 1" in sent_text
    assert "Total: 96,000.50" in sent_text and net in sent_text
    assert "+1,000.00" in sent_html
    text = body(exported)
    assert "as a budget change (only the changed amounts)" in text
    assert "(1 line(s), total 1,000.00)" in text  # the file holds the change alone
    assert "Total: 96,000.50" in text and net in text


def test_a_refused_decision_says_who_saved_it_when_and_the_version_s_amounts(
    chicago: Workspace,
) -> None:
    _exported_v1(chicago)
    chicago.drop("change.xlsx", lines=CHANGED)
    assert chicago.run("process").exit_code == 0
    chicago.decide(version=2, decision="Accept", approver="Ada Admin")  # not an approver
    assert chicago.run("process").exit_code == 1

    text, html = _both(_one(chicago, "version 2 not applied"))

    assert "P-1001_v2_review.xlsx by account " in text  # no person holds the test account
    assert "(Approver: Ada Admin), found on " + TODAY_IN_CHICAGO in text
    assert "(budget P-1001, version 2, sent by Ada Admin)" in text
    assert "Total: 96,000.50" in text
    assert "Net change against version 1 in the ERP (total 95,000.50): +1,000.00" in text
    assert "+1,000.00" in html


@pytest.mark.slow
def test_a_daemon_mails_the_accept_with_its_facts_over_smtp(
    chicago: Workspace, tmp_path: Path
) -> None:
    port = free_port()
    fast_settings(chicago)
    use_smtp(chicago, port)
    with smtp_server(port, Inbox()) as inbox:
        chicago.drop()
        assert chicago.run("process").exit_code == 0
        chicago.decide(decision="Accept")
        daemon = Daemon.start(chicago, tmp_path / "daemon.log")
        try:

            def exported() -> list[EmailMessage]:
                return [m for m in inbox.messages if "accepted by" in str(m["Subject"])]

            assert wait_for(lambda: len(exported()) == 1, timeout=60), daemon.output()
        finally:
            daemon.kill()
    text = body(exported()[0])
    assert "was accepted by Carl Accountant on " in text and " CST and exported" in text
    assert "ERP import file: P-1001_v1_001.csv (4 line(s), total 95,000.50)" in text
    assert "Total: 95,000.50" in text
