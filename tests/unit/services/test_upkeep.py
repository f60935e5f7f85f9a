"""The upkeep of every budget in a pass (``services/processing.py``) on fakes: an idle pass
does not look at every budget again while nothing the look depends on has changed (the
state's mark, the names in approval/), and looks again, and acts, once either has."""

from __future__ import annotations

import pytest

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.services.context import Services
from pipeline.services.processing import process_once
from pipeline.services.review_issues import review_missing_from
from tests.support.fake_steps import APPROVER, send
from tests.support.fakes import NOW, ROOT, FakeWorld, fake_world, restarted

REVIEW = ROOT / "approval" / "P-1_v1_review.xlsx"


def _looks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The budgets the upkeep looks at from now on (whether each one's review is there)."""
    looked: list[str] = []

    def counting(app: Services, budget: ProjectBudget, listed: frozenset[str]) -> bool:
        looked.append(budget.project_number)
        return review_missing_from(app, budget, listed)

    monkeypatch.setattr("pipeline.services.processing.review_missing_from", counting)
    return looked


def _two_waiting() -> FakeWorld:
    world = fake_world()
    send(world)
    send(world, project="P-2")
    assert process_once(world.app) == []  # a look that found nothing to do: remembered
    return world


def test_an_idle_pass_does_not_look_at_every_budget_again(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = _two_waiting()
    looked = _looks(monkeypatch)

    assert process_once(world.app) == []

    assert looked == []


def test_a_review_gone_from_approval_is_looked_for_and_put_back(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = _two_waiting()
    looked = _looks(monkeypatch)
    world.folders.remove(REVIEW)

    process_once(world.app)

    assert sorted(looked) == ["P-1", "P-2"]
    assert world.folders.exists(REVIEW)  # written again from the archive


def test_an_accept_another_process_committed_but_never_exported_is_exported(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    world = _two_waiting()
    other = restarted(world).app  # another daemon: it commits the Accept, then dies
    budget = other.store.get_budget("P-1")
    assert budget is not None
    budget.accept(approver=APPROVER, at=NOW, detail="", file_sha256="", account="")
    with other.store.transaction():
        other.store.save_budget(budget)
    _looks(monkeypatch)

    [outcome] = process_once(world.app)  # approval/ unchanged: the state's mark moved

    assert outcome.kind == "exported"
    assert list(world.outbox.published_files) == ["P-1_v1_001.csv"]
