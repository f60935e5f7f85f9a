"""A problem found in a workbook: which rule, where (sheet and cell), what was found, the fix;
and a check's report of them."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class Severity(enum.StrEnum):
    """Errors refuse the workbook; warnings travel with it to the approver."""

    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing wrong with a workbook, tied to a stable rule id."""

    rule: str
    message: str
    sheet: str = ""
    cell: str = ""
    column: str = ""
    value: str = ""
    hint: str = ""
    severity: Severity = Severity.ERROR

    @property
    def where(self) -> str:
        """``Budget!C14``, or just the sheet, or nothing."""
        if self.sheet and self.cell:
            return f"{self.sheet}!{self.cell}"
        return self.sheet

    def __str__(self) -> str:
        parts = [f"{self.where}: " if self.where else "", self.message]
        if self.value:
            parts.append(f" (found {self.value!r})")
        if self.hint:
            parts.append(f". {self.hint}")
        parts.append(f" [{self.rule}]")
        return "".join(parts)


@dataclass(frozen=True)
class CheckReport:
    """What a check found, and which checks it could not run (and why)."""

    problems: list[Problem]
    not_run: list[str] = field(default_factory=list)
    # The approval levels the budget would need if sent now, where the workspace has several
    # ("Accounting, then Controller (total 1,200,000.00 over 1,000,000.00)"); else empty.
    approval: str = ""


def errors(problems: list[Problem]) -> list[Problem]:
    """Only the problems that refuse the workbook."""
    return [p for p in problems if p.severity is Severity.ERROR]


def cell_ref(row: int, col: int) -> str:
    """Excel A1 reference for a 1-based row and 0-based column."""
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row}"
