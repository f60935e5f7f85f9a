"""A budget's amounts for the status page, ``status`` and the daily summary: the total of its
current version and the net change against the version in force below it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal

from pipeline.domain.exports import ExportResult
from pipeline.domain.lifecycle import ProjectBudget, Status
from pipeline.services.budget_amounts import amounts
from pipeline.services.records import ExportRecord

AT = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def _export(version: int, total: str, result: ExportResult = ExportResult.NONE) -> ExportRecord:
    name = f"P-1001_v{version}_001.csv"
    return ExportRecord(
        project_number="P-1001",
        version=version,
        file_name=name,
        sha256="sha",
        line_count=4,
        total=total,
        at=AT,
        result=result,
    )


def _sent(**totals: str) -> Callable[[int], str | None]:
    """The whole total each version was sent with: ``_sent(v1="90000")``."""
    return lambda version: totals.get(f"v{version}")


def test_a_first_budget_has_a_total_and_no_net_change() -> None:
    found = amounts(
        ProjectBudget(project_number="P-1001", status=Status.AWAITING_APPROVAL, version=1),
        "95000.50",
        [],
        _sent(),
    )
    assert (found.total_text, found.net_change_text, found.below) == ("95,000.50", "", None)


def test_a_change_is_measured_against_the_version_in_force_below_it() -> None:
    budget = ProjectBudget(project_number="P-1001", status=Status.WITHDRAWN, version=3)
    exports = [_export(1, "90000"), _export(2, "95000.50")]
    found = amounts(budget, "94000", exports, _sent(v1="90000", v2="95000.50"))
    assert found.below == 2
    assert found.net_change == Decimal("-1000.50")
    assert found.net_change_text == "-1,000.50"


def test_a_version_the_erp_refused_is_not_the_one_measured_against() -> None:
    budget = ProjectBudget(project_number="P-1001", status=Status.AWAITING_APPROVAL, version=3)
    exports = [_export(1, "90000"), _export(2, "95000", ExportResult.FAILURE)]
    found = amounts(budget, "91200", exports, _sent(v1="90000", v2="95000"))
    assert (found.below, found.net_change_text) == (1, "+1,200.00")


def test_the_version_in_force_itself_is_measured_against_the_one_before() -> None:
    budget = ProjectBudget(project_number="P-1001", status=Status.EXPORTED, version=2)
    found = amounts(
        budget, "95000", [_export(1, "90000"), _export(2, "95000")], _sent(v1="90000", v2="95000")
    )
    assert (found.below, found.net_change_text) == (1, "+5,000.00")


def test_a_change_file_holds_only_differences_so_the_version_total_is_measured_against() -> None:
    # v2 went to the ERP as a change file of +5,000.00; v3 changes v2's whole 95,000.00
    budget = ProjectBudget(project_number="P-1001", status=Status.AWAITING_APPROVAL, version=3)
    exports = [_export(1, "90000"), _export(2, "5000")]
    found = amounts(budget, "96000", exports, _sent(v1="90000", v2="95000", v3="96000"))
    assert (found.below, found.net_change_text) == (2, "+1,000.00")


def test_no_change_reads_as_the_emails_write_it() -> None:
    budget = ProjectBudget(project_number="P-1001", status=Status.AWAITING_APPROVAL, version=2)
    found = amounts(budget, "90000", [_export(1, "90000")], _sent(v1="90000"))
    assert found.net_change_text == "0.00"
