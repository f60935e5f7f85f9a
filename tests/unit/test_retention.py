"""Unit tests of the retention rules: which actions an audit keeps, the ``[retention]``
settings, and what ``prune`` says it did."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pipeline.domain.lifecycle import Action
from pipeline.domain.retention import AUDIT_ACTIONS, NOTICE_ACTIONS, Pruned, retention_from

NOW = datetime(2027, 3, 2, tzinfo=UTC)


def test_every_decision_export_and_change_of_state_is_an_audit_event() -> None:
    kept = {Action.ACCEPT, Action.ACCEPT_LEVEL, Action.REJECT, Action.EXPORT, Action.SEND}
    assert kept | {Action.EXPORT_AGAIN, Action.SET_ASIDE, Action.SYNC} <= AUDIT_ACTIONS
    assert not AUDIT_ACTIONS & NOTICE_ACTIONS and set(Action) == AUDIT_ACTIONS | NOTICE_ACTIONS


def test_a_year_by_default_and_zero_keeps_forever() -> None:
    retention = retention_from({"mail_days": 30, "archive_days": 0})
    assert retention.before(retention.events_days, NOW) == NOW - timedelta(days=365)
    assert retention.before(retention.mail_days, NOW) == NOW - timedelta(days=30)
    assert retention.before(retention.archive_days, NOW) is None


@pytest.mark.parametrize("value", [-1, 1.5, "365", True])
def test_a_retention_that_is_not_whole_days_is_refused_naming_the_key(value: object) -> None:
    with pytest.raises(ValueError, match=r"retention\.reviews_days = .*whole number of days"):
        retention_from({"reviews_days": value})


def test_the_report_says_what_went_or_would_go() -> None:
    pruned = Pruned(events=3, mail=2, archive_files=1, archive_bytes=3 * 2**20)
    assert pruned.lines(dry_run=False)[0] == "removed 3 notice event(s) from the history"
    assert pruned.lines(dry_run=True)[1] == "would remove 2 sent email(s) from the mail queue"
    assert pruned.lines(dry_run=False)[-1].endswith("(3.0 MB)")
