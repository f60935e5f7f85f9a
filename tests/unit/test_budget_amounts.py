"""A budget's amounts for the status page, ``status`` and the daily summary: the total of its
current version and the net change against the version in force below it."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from pipeline.domain.exports import ExportResult
from pipeline.domain.lifecycle import ProjectBudget, Status
from pipeline.services.budget_amounts import amounts
from pipeline.services.ports import ExportRecord

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _export(version: int, total: str, result: ExportResult = ExportResult.NONE) -> ExportRecord:
    name = f"P-1001_v{version}_001.csv"
    return ExportRecord("P-1001", version, name, "sha", 4, total, AT, result=result)


def test_a_first_budget_has_a_total_and_no_net_change() -> None:
    found = amounts(ProjectBudget("P-1001", Status.AWAITING_APPROVAL, 1), "95000.50", [])
    assert (found.total_text, found.net_change_text, found.below) == ("95,000.50", "", None)


def test_a_change_is_measured_against_the_version_in_force_below_it() -> None:
    budget = ProjectBudget("P-1001", Status.WITHDRAWN, 3)
    exports = [_export(1, "90000"), _export(2, "95000.50")]
    found = amounts(budget, "94000", exports)
    assert found.below == 2
    assert found.net_change == Decimal("-1000.50")
    assert found.net_change_text == "-1,000.50"


def test_a_version_the_erp_refused_is_not_the_one_measured_against() -> None:
    budget = ProjectBudget("P-1001", Status.AWAITING_APPROVAL, 3)
    exports = [_export(1, "90000"), _export(2, "95000", ExportResult.FAILURE)]
    found = amounts(budget, "91200", exports)
    assert (found.below, found.net_change_text) == (1, "+1,200.00")


def test_the_version_in_force_itself_is_measured_against_the_one_before() -> None:
    budget = ProjectBudget("P-1001", Status.EXPORTED, 2)
    found = amounts(budget, "95000", [_export(1, "90000"), _export(2, "95000")])
    assert (found.below, found.net_change_text) == (1, "+5,000.00")
