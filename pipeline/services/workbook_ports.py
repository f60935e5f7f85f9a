"""The ports of the workbooks we hand to admins: the blank template, the workbook handed back
after a rejection, the budget in force (``current/``), and the mark of the version such a
workbook (or a copy of it) was built from."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from pipeline.domain.budget import BudgetDocument
from pipeline.domain.review import Rejection


class TemplateWriter(Protocol):
    """Writes a blank budget workbook for a project."""

    def __call__(self, target: Path, project_number: str) -> None: ...


class RejectedWriter(Protocol):
    """Writes the editable workbook handed back after a rejection."""

    def __call__(self, document: BudgetDocument, rejection: Rejection, target: Path) -> None: ...


class CurrentWriter(Protocol):
    """Writes the workbook of the budget in force: version ``version``, ``document``."""

    def __call__(self, document: BudgetDocument, version: int, target: Path) -> None: ...


class MarkReader(Protocol):
    """Reads the version mark a workbook carries ("" when it has none or cannot be read)."""

    def __call__(self, path: Path) -> str: ...
