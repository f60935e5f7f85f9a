"""Use case: check workbooks without sending anything (``budget-erp check``): every check
intake runs, the workbook's own and, inside a workspace, those against its people and the
state of the budget (read-only), so a clean check means intake will take it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.people import Person
from pipeline.domain.problems import CheckReport, Problem, Severity
from pipeline.domain.route_words import needed
from pipeline.domain.rule_catalog import hint
from pipeline.errors import UnreadableWorkbook
from pipeline.services.approval_routing import route_for
from pipeline.services.context import Services
from pipeline.services.intake import duplicate_of
from pipeline.services.intake_checks import (
    assess_change_against_export,
    assess_resend_against_rejection,
    check_not_busy,
    check_stem_free,
    older_file,
    submitter_of,
)
from pipeline.services.ports import BudgetReader, ChangeAssessment, ReadResult
from pipeline.services.refusals import Refusal

STATE_CHECKS = (
    "the submitter",
    "the budget's state",
    "the re-send or change",
    "a duplicate",
)
# The checks against the job's ERP layout (lengths, characters, decimals, sub jobs).
LAYOUT_CHECKS = "the ERP layout's limits"


def check_file(app: Services, path: Path) -> CheckReport:
    """Every problem intake would find in one workbook, against the workspace as it is."""
    try:
        result = app.workbooks.read_budget(path)
    except UnreadableWorkbook as exc:
        return _unreadable(exc)
    report = _own_checks(result)
    if report.not_run:
        return report
    return CheckReport(
        report.problems + _state_problems(app, path, result), approval=_approval(app, result)
    )


def _approval(app: Services, result: ReadResult) -> str:
    """The levels the budget would be sent under now, by the matrix in force and against the
    budget as the state holds it (its net change over a rejection or the version in the
    ERP); empty where every budget needs the one level."""
    document = result.document
    assert document is not None
    if len(app.identity.approval_matrix().levels) < 2:
        return ""
    budget = app.store.get_budget(document.project_number) or ProjectBudget(
        project_number=document.project_number
    )
    return needed(route_for(app, budget, document))


def check_workbook(read: BudgetReader, path: Path) -> CheckReport:
    """The workbook's own checks only (outside a workspace)."""
    try:
        return _own_checks(read(path))
    except UnreadableWorkbook as exc:
        return _unreadable(exc)


def _unreadable(exc: UnreadableWorkbook) -> CheckReport:
    problem = Problem(
        rule="workbook.unreadable", message=str(exc), hint=hint("workbook.unreadable")
    )
    return CheckReport([problem], [f"{', '.join(STATE_CHECKS)} (the workbook cannot be read)"])


def _own_checks(result: ReadResult) -> CheckReport:
    if result.document is None:
        later = f"{', '.join(STATE_CHECKS)} (once the errors above are fixed)"
        return CheckReport(list(result.problems), [later])
    return CheckReport(list(result.problems))


def _state_problems(app: Services, path: Path, result: ReadResult) -> list[Problem]:
    document = result.document
    assert document is not None
    account = app.identity.file_owner(path) if app.settings.identity.records else ""
    found: list[Problem] = []
    warnings: list[Problem] = []
    submitter: Person | None = None

    def run(rule: str, step: Callable[[], object]) -> None:
        try:
            step()
        except Refusal as refusal:
            found.extend(
                Problem(rule=rule, message=reason, severity=Severity.ERROR)
                for reason in refusal.reasons
            )

    def find_submitter() -> None:
        nonlocal submitter
        submitter = submitter_of(app, document, result.last_modified_by, account)

    run("intake.submitter", find_submitter)
    duplicate = duplicate_of(app, app.folders.sha256(path))
    if duplicate is not None:
        found.extend(Problem(rule="intake.duplicate", message=r) for r in duplicate.reasons)
    budget = app.store.get_budget(document.project_number) or ProjectBudget(
        project_number=document.project_number
    )
    run("intake.busy", lambda: check_not_busy(app, budget, submitter))
    run("intake.file_names", lambda: check_stem_free(app, budget, submitter))
    run(
        "intake.resend",
        lambda: assess_resend_against_rejection(app, budget, document, submitter, warnings),
    )
    change: ChangeAssessment | None = None

    def assess_change() -> None:
        nonlocal change
        change = assess_change_against_export(app, budget, document, submitter)

    run("intake.change", assess_change)
    warnings += older_file(app, budget, result.version_mark, change)
    return found + warnings
