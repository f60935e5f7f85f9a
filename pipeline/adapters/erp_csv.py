"""The generic ERP import file: one CSV row per budget line, amounts with two decimals."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

from pipeline.domain.budget import BudgetLine

HEADER = ("Job", "Sub Job", "Cost Code", "Cost Type", "Description", "Amount")
_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def guard_text(text: str) -> str:
    """Neutralise text that a spreadsheet would run as a formula (OWASP CSV injection)."""
    return f"'{text}" if text.startswith(_FORMULA_TRIGGERS) else text


class GenericCsvExporter:
    """Writes ``Job,Sub Job,Cost Code,Cost Type,Description,Amount``."""

    suffix = ".csv"

    def __call__(self, project_number: str, lines: Sequence[BudgetLine], target: Path) -> None:
        """Write the lines of one accepted budget to ``target``."""
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\r\n")
            writer.writerow(HEADER)
            writer.writerows(
                (
                    guard_text(project_number),
                    guard_text(line.sub_job),
                    guard_text(line.cost_code),
                    guard_text(line.cost_type),
                    guard_text(line.description),
                    f"{line.amount:.2f}",
                )
                for line in lines
            )
