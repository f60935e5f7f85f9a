"""The daily summary (``services/daily_summary.py``) on fakes: due once a local day from the summary
time, to the approver of what waits; it lists each version waiting (a file the ERP refused
apart, with its message) and leaves out what waits on nobody and what was mailed moments ago."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.people import Directory, make_person
from pipeline.services.daily_summary import PendingBudget, SentAs, queue_daily_mail
from pipeline.services.processing import process_once
from tests.support.fake_steps import decide, result_file, send
from tests.support.fakes import NOW, PEOPLE, FakeWorld, fake_world

SUMMARY_TIME = NOW.replace(hour=8, minute=30)  # the summary is due from 08:00 (UTC)


def _pending(world: FakeWorld) -> list[PendingBudget]:
    """What the last summary rendered lists."""
    [(template, context)] = world.recorder.rendered[-1:]
    assert template == "daily_summary"
    pending = context["pending"]
    assert isinstance(pending, list)
    return pending


def _waiting_and_decided(world: FakeWorld) -> None:
    """P-1 and P-2 wait for the approver, P-3 was rejected, P-4's file the ERP refused; all
    at 06:00, long enough before the summary for none to wait out the grace."""
    world.clock.at = NOW.replace(hour=6)
    for project in ("P-1", "P-2", "P-3", "P-4"):
        assert send(world, project=project).kind == "sent for approval"
    assert decide(world, "Reject", "P-3", reason="too high").kind == "rejected"
    assert decide(world, "Accept", "P-4").kind == "accepted"
    result_file(world, "P-4_v1_001.csv", "failure", "cost code 03-300 is not set up")
    assert [o.kind for o in process_once(world.app)] == ["failed to export"]


def test_the_summary_is_queued_once_a_day_to_the_approver_listing_what_waits() -> None:
    world = fake_world()
    _waiting_and_decided(world)

    world.clock.at = NOW.replace(hour=7, minute=59)
    assert queue_daily_mail(world.app) == []  # not due yet
    world.clock.at = SUMMARY_TIME

    [summary] = queue_daily_mail(world.app)

    assert (summary.key, summary.to) == (
        "summary:carl@example.com:2026-03-02",
        ("carl@example.com",),
    )
    listed = _pending(world)
    assert [(p.project_number, p.total, p.sent_as) for p in listed] == [
        ("P-1", "57,000.50", SentAs.FIRST),
        ("P-2", "57,000.50", SentAs.FIRST),
        ("P-4", "57,000.50", SentAs.FIRST),
    ]
    refusal = listed[2].refusal
    assert listed[0].refusal is None and refusal is not None
    assert refusal.message == "cost code 03-300 is not set up"
    assert world.app.store.has_notification(summary.key)

    world.clock.at = SUMMARY_TIME + timedelta(hours=6)
    assert queue_daily_mail(world.app) == []  # the same day: once

    world.clock.at = SUMMARY_TIME + timedelta(days=1)
    [tomorrow] = queue_daily_mail(world.app)
    assert tomorrow.key == "summary:carl@example.com:2026-03-03"


def _sent_at_seven_and_a_quarter_to_eight(world: FakeWorld) -> None:
    assert send(world, project="P-1").kind == "sent for approval"  # at 07:00
    world.clock.at = NOW.replace(hour=7, minute=45)
    assert send(world, project="P-2").kind == "sent for approval"


def test_a_version_mailed_moments_ago_waits_for_the_next_summary() -> None:
    world = fake_world()
    _sent_at_seven_and_a_quarter_to_eight(world)
    world.clock.at = NOW.replace(hour=8)  # P-2's approver was emailed 15 minutes ago

    [_] = queue_daily_mail(world.app)

    assert [p.project_number for p in _pending(world)] == ["P-1"]


def test_asked_for_before_its_time_the_summary_lists_everything_waiting() -> None:
    world = fake_world()
    _sent_at_seven_and_a_quarter_to_eight(world)

    [summary] = queue_daily_mail(world.app, force=True)

    assert summary.key == "summary:carl@example.com:2026-03-02"
    assert [p.project_number for p in _pending(world)] == ["P-1", "P-2"]


def test_nothing_waiting_no_summary() -> None:
    world = fake_world()
    assert send(world).kind == "sent for approval"
    assert decide(world, "Accept").kind == "accepted"
    world.clock.at = SUMMARY_TIME

    assert queue_daily_mail(world.app) == []
    assert [t for t, _ in world.recorder.rendered if t == "daily_summary"] == []


def _looks(world: FakeWorld, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts each look at every budget the store is asked for from now on."""
    looked: list[int] = []
    budgets = world.app.store.budgets

    def counting() -> list[ProjectBudget]:
        looked.append(1)
        return budgets()

    monkeypatch.setattr(world.app.store, "budgets", counting)
    return looked


def test_once_the_days_summaries_are_out_a_pass_does_not_look_at_every_budget_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fake_world()
    _waiting_and_decided(world)
    world.clock.at = SUMMARY_TIME
    [_] = queue_daily_mail(world.app)
    looked = _looks(world, monkeypatch)

    assert queue_daily_mail(world.app) == []  # looks, and finds the day's summaries out
    assert queue_daily_mail(world.app) == []

    assert len(looked) == 1


def test_a_person_added_the_same_day_gets_their_summary(monkeypatch: pytest.MonkeyPatch) -> None:
    world = fake_world()
    _waiting_and_decided(world)
    world.clock.at = SUMMARY_TIME
    [_] = queue_daily_mail(world.app)
    assert queue_daily_mail(world.app) == []
    dana = make_person("Dana Delegate", "dana@example.com", ["accounting_approver"], ["*"])
    more = Directory((*PEOPLE.people, dana))
    app = replace(world.app, identity=replace(world.app.identity, people=lambda: more))

    [summary] = queue_daily_mail(app)  # the same process, its memory shared

    assert summary.key == "summary:dana@example.com:2026-03-02"


def test_a_version_held_back_by_the_grace_is_summarised_once_it_has_passed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = fake_world()
    world.clock.at = NOW.replace(hour=7, minute=45)
    assert send(world, project="P-2").kind == "sent for approval"
    world.clock.at = NOW.replace(hour=8)  # its approver was emailed 15 minutes ago
    assert queue_daily_mail(world.app) == []
    looked = _looks(world, monkeypatch)
    world.clock.at = NOW.replace(hour=8, minute=14)
    assert queue_daily_mail(world.app) == []  # still within the grace: not looked at again
    assert looked == []
    world.clock.at = NOW.replace(hour=8, minute=16)

    [summary] = queue_daily_mail(world.app)

    assert len(looked) == 1
    assert summary.key == "summary:carl@example.com:2026-03-02"
    assert [p.project_number for p in _pending(world)] == ["P-2"]


def test_a_version_sent_after_a_look_that_found_nothing_is_summarised() -> None:
    world = fake_world()
    world.clock.at = SUMMARY_TIME
    assert queue_daily_mail(world.app) == []  # nothing waits: the look is remembered
    world.clock.at = NOW.replace(hour=9)
    assert send(world).kind == "sent for approval"  # the state's mark moves
    world.clock.at = NOW.replace(hour=9, minute=31)

    [summary] = queue_daily_mail(world.app)

    assert summary.key == "summary:carl@example.com:2026-03-02"
