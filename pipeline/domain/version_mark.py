"""The mark of the version a workbook we hand out was built from (the budget in force, or a
version handed back after its rejection), and what a workbook dropped later with an older
mark means: its changes are measured against a newer version than the one it started from.

Pure: the mark is text (``P-1001 v3``) that a document property carries through Excel's and
LibreOffice's saves; reading and writing it is the adapters' business.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from pipeline.domain.budget import BudgetLine, LineKey
from pipeline.domain.changes import ChangeKind, LineChange
from pipeline.domain.identifiers import same_project

_MARK = re.compile(r"(?P<project>.+) v(?P<version>[1-9][0-9]{0,8})", re.DOTALL)


@dataclass(frozen=True)
class VersionMark:
    """Version ``version`` of project ``project_number``."""

    project_number: str
    version: int

    def __str__(self) -> str:
        return f"{self.project_number} v{self.version}"


def parse_mark(text: str) -> VersionMark | None:
    """The mark in ``text``, or None when it holds none (blank, someone else's, damaged)."""
    match = _MARK.fullmatch(text.strip())
    if match is None:
        return None
    return VersionMark(match["project"], int(match["version"]))


def built_from_older(
    mark: VersionMark | None, project_number: str, in_force: int
) -> VersionMark | None:
    """The mark, when it says the workbook was built from a version of this project older
    than ``in_force``, the version its changes are measured against; else None (no mark,
    another project's, or the version in force or a later one)."""
    if mark is None or not same_project(mark.project_number, project_number):
        return None
    return mark if mark.version < in_force else None


def put_back(changes: Sequence[LineChange], built_from: Iterable[BudgetLine]) -> list[LineKey]:
    """The changed lines that a workbook built from an older version undoes: each changed
    back to that version's amount, or removed though that version did not have it (added
    since), in the order of ``changes``. They were changed in between, not by this change."""
    earlier = {line.key: line.amount for line in built_from}
    return [
        change.key
        for change in changes
        if (change.kind is ChangeKind.REMOVED and change.key not in earlier)
        or (
            change.kind in (ChangeKind.AMOUNT, ChangeKind.ADDED)
            and change.new is not None
            and earlier.get(change.key) == change.new.amount
        )
    ]
