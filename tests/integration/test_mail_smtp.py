"""Notifications over a real SMTP server (aiosmtpd): every event, exactly once, through failures.

Time is moved with BUDGET_ERP_CLOCK_START, the one clock the program reads.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.support.messages import body
from tests.support.smtp_server import Inbox, free_port, smtp_server, use_smtp
from tests.support.workspace import Workspace

Smtp = tuple[Workspace, Inbox, int]  # the workspace, what the server received, its port


@pytest.fixture
def smtp(workspace: Workspace) -> Iterator[Smtp]:
    """The workspace sending to a real SMTP server on a free port."""
    port = free_port()
    use_smtp(workspace, port)
    with smtp_server(port, Inbox()) as inbox:
        yield workspace, inbox, port


def _at(monkeypatch: pytest.MonkeyPatch, moment: str) -> None:
    monkeypatch.setenv("BUDGET_ERP_CLOCK_START", moment)


def test_each_event_mails_exactly_the_right_people(
    smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, inbox, _ = smtp
    ws.drop()
    ws.run("process")
    assert [(m["To"], m["Subject"]) for m in inbox.messages] == [
        ("carl@example.com", "Budget P-1001 sent for your acceptance (version 1)")
    ]

    ws.decide(decision="Reject", reason="Too high", line_flags={"09-900/S": "wrong sub"})
    ws.run("process")
    assert inbox.to("Budget P-1001 rejected") == ["ada@example.com"]
    rejected = body(inbox.messages[-1])
    assert "- Too high" in rejected and "line 09-900 / S: wrong sub" in rejected
    assert "file://" in rejected and "P-1001_v1_rejected.xlsx" in rejected

    ws.drop(
        "locked.xlsx",
        project="P-1001",
        prepared_by="Eve Estimator",
        lines=[("", "01-100", "L", "x", 1)],
    )
    ws.drop_file(ws.root / "rejected" / "P-1001_v1_rejected.xlsx", "same.xlsx")
    ws.run("process")
    assert inbox.to("Budget workbook same.xlsx was not taken") == ["ada@example.com"]

    ws.drop("other.xlsx", project="P-2002", lines=[("", "01-100", "L", "x", 1)])
    ws.run("process")
    ws.decide("P-2002", 1, decision="Accept")
    ws.run("process")
    exported = [m for m in inbox.messages if "and exported" in str(m["Subject"])]
    assert [(m["To"], m["Subject"]) for m in exported] == [
        ("ada@example.com", "Budget P-2002 accepted by Carl Accountant and exported to the ERP")
    ]
    assert "P-2002_v1_001.csv" in body(exported[0])
    assert len({m["Message-ID"] for m in inbox.messages}) == len(inbox.messages)


def test_an_unauthorised_submitter_known_to_us_is_told_why(smtp: Smtp) -> None:
    ws, inbox, _ = smtp
    ws.drop(prepared_by="bob@example.com")
    ws.run("process")
    assert inbox.to("Budget workbook budget.xlsx was not taken") == ["bob@example.com"]
    text = body(inbox.messages[0])
    assert "is not a budget admin of project P-1001" in text


def test_the_summary_goes_once_a_day_across_restarts(
    smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, inbox, _ = smtp
    ws.drop()
    ws.run("process")  # 07:00: sent, no summary yet
    assert inbox.subjects() == ["Budget P-1001 sent for your acceptance (version 1)"]

    for moment in (
        "2026-03-02T08:00:05+00:00",
        "2026-03-02T08:00:05+00:00",
        "2026-03-02T15:30:00+00:00",
    ):  # each run a fresh process: a restart
        _at(monkeypatch, moment)
        ws.run("process")
    assert inbox.subjects().count("ERP Integrations Daily Summary") == 1

    _at(monkeypatch, "2026-03-03T08:01:00+00:00")
    ws.run("process")
    assert inbox.subjects().count("ERP Integrations Daily Summary") == 2
    summary = body(inbox.messages[-1])
    assert (
        "P-1001 Riverside Clinic, version 1 (first send), sent by Ada Admin, waiting 1 d 1 h"
        in summary
    )


def test_no_summary_when_nothing_is_pending(smtp: Smtp, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, inbox, _ = smtp
    _at(monkeypatch, "2026-03-02T09:00:00+00:00")
    result = ws.run("summary")
    assert "nothing new to send" in result.output
    assert inbox.messages == []


def test_summary_command_sends_todays_once_even_before_the_hour(smtp: Smtp) -> None:
    ws, inbox, _ = smtp
    ws.drop()
    ws.run("process")
    first = ws.run("summary")
    second = ws.run("summary")
    assert "queued summary:carl@example.com:2026-03-02" in first.output
    assert "nothing new to send" in second.output
    assert inbox.subjects().count("ERP Integrations Daily Summary") == 1


@pytest.mark.parametrize(
    ("at", "moments"),
    [
        # 2026-03-08: clocks in Chicago jump from 02:00 to 03:00; 02:30 never happens that day.
        (
            "02:30",
            [
                "2026-03-08T07:00:00+00:00",
                "2026-03-08T08:30:00+00:00",
                "2026-03-08T09:30:00+00:00",
                "2026-03-09T04:59:00+00:00",
            ],
        ),
        # 2026-11-01: clocks fall back from 02:00 to 01:00; 01:30 happens twice that day.
        (
            "01:30",
            [
                "2026-11-01T05:00:00+00:00",
                "2026-11-01T06:35:00+00:00",
                "2026-11-01T07:35:00+00:00",
                "2026-11-02T05:59:00+00:00",
            ],
        ),
    ],
    ids=["spring-forward", "fall-back"],
)
def test_a_daylight_saving_day_has_exactly_one_summary(
    smtp: Smtp, monkeypatch: pytest.MonkeyPatch, at: str, moments: list[str]
) -> None:
    ws, inbox, _ = smtp
    ws.configure("notify", time_zone="America/Chicago", summary_time=at)
    _at(monkeypatch, moments[0])  # local 01:00 or 00:00: before the summary time
    ws.drop()
    ws.run("process")
    for moment in moments:
        _at(monkeypatch, moment)
        ws.run("process")
    assert inbox.subjects().count("ERP Integrations Daily Summary") == 1


def test_an_approver_who_opted_out_gets_no_summary(
    smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, inbox, _ = smtp
    ws.change_person("Carl Accountant", new=True, digest=False)
    ws.drop()
    ws.run("process")
    _at(monkeypatch, "2026-03-02T09:00:00+00:00")
    ws.run("process")
    assert "ERP Integrations Daily Summary" not in inbox.subjects()
    assert inbox.to("Budget P-1001 sent") == ["carl@example.com"]  # still told at once


def test_separate_reminders_go_daily_until_the_approver_answers(
    smtp: Smtp, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws, inbox, _ = smtp
    ws.configure("notify", reminders="separate")
    ws.drop()
    ws.run("process")
    for moment in (
        "2026-03-02T09:00:00+00:00",
        "2026-03-03T09:00:00+00:00",
        "2026-03-03T10:00:00+00:00",
    ):
        _at(monkeypatch, moment)
        ws.run("process")
    assert inbox.subjects().count("Reminder: budget P-1001 awaits your acceptance") == 1
    ws.decide(decision="Accept")
    _at(monkeypatch, "2026-03-04T09:00:00+00:00")
    ws.run("process")
    assert inbox.subjects().count("Reminder: budget P-1001 awaits your acceptance") == 1
    assert inbox.subjects().count("ERP Integrations Daily Summary") == 2  # 2nd and 3rd, not 4th


def test_mail_queues_while_the_server_is_down_and_goes_once_it_is_back(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    use_smtp(workspace, port)
    workspace.drop()
    down = workspace.run("process")
    assert down.exit_code == 0  # the budget went through; only the mail waits
    queue = workspace.run("mail")
    assert queue.exit_code == 1 and "queued" in queue.output
    assert "ConnectionRefusedError" in queue.output

    with smtp_server(port, Inbox()) as inbox:
        up = workspace.run("mail")
        again = workspace.run("mail")
    assert up.exit_code == 0 and "sent 1" in up.output
    assert "sent 0" in again.output
    assert inbox.subjects() == ["Budget P-1001 sent for your acceptance (version 1)"]


def test_a_4xx_is_retried_and_a_5xx_is_not(smtp: Smtp, monkeypatch: pytest.MonkeyPatch) -> None:
    ws, inbox, _ = smtp
    inbox.replies = ["451 4.3.0 mailbox busy, try later"]
    ws.drop()
    ws.run("process")
    assert inbox.messages == []
    _at(monkeypatch, "2026-03-02T07:10:00+00:00")  # past the backoff
    ws.run("process")
    assert inbox.subjects() == ["Budget P-1001 sent for your acceptance (version 1)"]

    inbox.replies = ["550 5.1.1 no such user"]
    ws.decide(decision="Reject", reason="No")
    ws.run("process")
    _at(monkeypatch, "2026-03-02T09:10:00+00:00")
    ws.run("process")
    listing = ws.run("mail")
    assert "failed" in listing.output and "550" in listing.output
    assert inbox.to("Budget P-1001 rejected") == []  # never retried on its own...
    assert inbox.replies == []  # ...the server saw it exactly once


def test_html_part_escapes_what_people_typed(smtp: Smtp) -> None:
    ws, inbox, _ = smtp
    ws.drop(project_name="<script>alert('x')</script> Clinic")
    ws.run("process")
    html = body(inbox.messages[0], "html")
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Clinic" in html
    text = body(inbox.messages[0])
    assert "<script>alert('x')</script> Clinic" in text


def test_the_smtp_login_comes_from_the_environment(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = free_port()
    use_smtp(workspace, port)
    monkeypatch.setenv("BUDGET_ERP_SMTP_USER", "mailer")
    monkeypatch.setenv("BUDGET_ERP_SMTP_PASSWORD", "s3cret")
    seen: list[tuple[bytes, bytes]] = []

    def authenticator(  # aiosmtpd's hook
        server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: LoginPassword
    ) -> AuthResult:
        seen.append((auth_data.login, auth_data.password))
        return AuthResult(success=True)

    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        workspace.drop()
        workspace.run("process")
    finally:
        controller.stop()
    assert seen == [(b"mailer", b"s3cret")]
    assert len(inbox.messages) == 1
    config = (workspace.root / "budget-erp.toml").read_text()
    assert "s3cret" not in config
