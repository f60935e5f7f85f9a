"""What people do in a workspace of fakes (``fakes.py``), one step each, for the use cases'
unit tests: an admin drops a budget, an approver saves a decision, the ERP answers. Each puts
the file where its person would; ``send`` and ``decide`` then run the pass that takes it, as
the daemon would on the event."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

from pipeline.domain.budget import BudgetDocument, BudgetLine, ReasonResponse
from pipeline.domain.review import Decision, LineFlag, ReviewMarks
from pipeline.services.context import Outcome
from pipeline.services.ports import ReadResult
from pipeline.services.processing import process_once
from pipeline.services.review_ports import SavedReview
from tests.support.fakes import ISSUED_FIGURES, ROOT, FakeWorld

APPROVER = "Carl Accountant"
ADMIN = "Ada Admin"
LINES = (
    BudgetLine(
        row=8,
        sub_job="",
        cost_code="01-100",
        cost_type="L",
        description="General conditions",
        amount=Decimal("12000.00"),
    ),
    BudgetLine(
        row=9,
        sub_job="",
        cost_code="03-300",
        cost_type="M",
        description="Concrete",
        amount=Decimal("45000.50"),
    ),
)
CONCRETE = LINES[1].key
# Each file its own bytes (the fake hash reads the first 20 bytes and the length).
_FILES = itertools.count()


def drop(
    world: FakeWorld,
    concrete: str = "45000.50",
    project: str = "P-1",
    responses: tuple[ReasonResponse, ...] = (),
    general: str = "12000.00",
) -> Path:
    """A budget workbook dropped into the inbox: its Concrete line at ``concrete``, its
    General conditions at ``general``, with the admin's ``responses`` to an earlier
    rejection; its own bytes, so never taken for a duplicate."""
    lines = (
        replace(LINES[0], amount=Decimal(general)),
        replace(LINES[1], amount=Decimal(concrete)),
    )
    document = BudgetDocument(
        project_number=project,
        lines=lines,
        project_name="Depot",
        prepared_by=ADMIN,
        responses=responses,
    )
    name = f"{project}-{concrete}-{len(world.answers.budgets)}.xlsx"
    world.answers.budgets[name] = ReadResult(
        document=document,
        problems=[],
        last_modified_by="",
        project_number=project,
        prepared_by=ADMIN,
    )
    return world.folders.put(ROOT / "inbox" / name, f"{next(_FILES)} {name}".encode())


def send(
    world: FakeWorld, concrete: str = "45000.50", project: str = "P-1", general: str = "12000.00"
) -> Outcome:
    """Drop a budget and run a pass: its one outcome. The review workbook it is sent with
    reads as issued (no decision) until the approver saves one."""
    drop(world, concrete, project, general=general)
    [outcome] = process_once(world.app)
    budget = world.app.store.get_budget(project)
    if budget is not None and budget.with_approver:
        save_decision(world, "", project, budget.version, on_disk=False)
    return outcome


def save_decision(
    world: FakeWorld,
    verdict: str,
    project: str = "P-1",
    version: int = 1,
    reason: str = "",
    flags: tuple[LineFlag, ...] = (),
    on_disk: bool = True,
) -> Path:
    """The approver saves the review workbook of a version in approval/, decided: the one
    issued last for it (its identifier), showing the figures every fake review is issued
    with; its own bytes, so each save is read as new. ``on_disk=False``: only what the
    workbook there reads as (``""``: as issued, undecided)."""
    issue = world.app.store.current_review_issue(project, version)
    assert issue is not None, f"no review workbook was issued for {project} v{version}"
    review = ROOT / "approval" / issue.review_file
    decision = Decision(verdict, reason, APPROVER, flags)
    marks = ReviewMarks((issue.token, issue.token))
    world.answers.reviews[review.name] = SavedReview(decision, marks, ISSUED_FIGURES)
    if not on_disk:
        return review
    return world.folders.put(review, f"{next(_FILES)} {review.name} {verdict}".encode())


def decide(world: FakeWorld, verdict: str, project: str = "P-1", reason: str = "") -> Outcome:
    """The approver decides the version awaiting approval; a pass applies it."""
    budget = world.app.store.get_budget(project)
    assert budget is not None
    save_decision(world, verdict, project, budget.version, reason)
    [outcome] = process_once(world.app)
    return outcome


def result_file(world: FakeWorld, export: str, status: str, message: str = "") -> Path:
    """The ERP's answer about an export, dropped into outbox/results/."""
    answer = {"export": export, "status": status, "message": message, "erp_ids": {"job": 7}}
    path = ROOT / "outbox" / "results" / f"{Path(export).name}.json"
    return world.folders.put(path, json.dumps(answer).encode())


def mail_to(world: FakeWorld, template: str) -> list[tuple[str, ...]]:
    """The recipients of each message of a template queued so far, in order."""
    queued = world.app.store.mail_queue()
    return sorted(q.notification.to for q in queued if q.notification.template == template)
