"""The generic ERP CSV stays byte-stable (a golden file) and never carries a live formula."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from pipeline.adapters.erp_csv import GenericCsvExporter
from pipeline.domain.budget import BudgetLine

GOLDEN = Path(__file__).parent.parent / "golden" / "generic_budget.csv"
LINES = [
    BudgetLine(8, "", "01-100", "L", "General conditions", Decimal("12000.00")),
    BudgetLine(9, "A", "03-300", "M", 'Concrete, "ready mix"', Decimal("45000.5")),
    BudgetLine(10, "", "09-900", "S", "=2+3 painting", Decimal("-8000.00")),
]


def test_generic_csv_matches_the_golden_file(tmp_path: Path, request: pytest.FixtureRequest):
    target = tmp_path / "out.csv"
    GenericCsvExporter()("P-1001", LINES, target)
    if request.config.getoption("--update-golden"):
        GOLDEN.write_bytes(target.read_bytes())
    assert target.read_bytes() == GOLDEN.read_bytes()
