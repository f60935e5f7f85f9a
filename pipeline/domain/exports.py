"""ERP exports as the domain sees them: what kind of file an export is and what the ERP
answered. The store keeps the values; the use cases compare the enums."""

from __future__ import annotations

import enum


class ExportKind(enum.StrEnum):
    """What an ERP file carries."""

    ORIGINAL = "original"  # every line of the first accepted version
    CHANGE = "change"  # only the amounts changed since the last export
    AGAIN = "again"  # a copy of the last export, written on request


class ExportResult(enum.StrEnum):
    """The ERP's answer about one file ("" until it answers)."""

    NONE = ""
    SUCCESS = "success"
    FAILURE = "failure"

    @property
    def counts(self) -> bool:
        """Whether the file is (or may be) in the ERP: not refused by it."""
        return self is not ExportResult.FAILURE
