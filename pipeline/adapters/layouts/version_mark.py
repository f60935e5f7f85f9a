"""Where a workbook we hand out (the budget in force in ``current/``, the one handed back after
a rejection) carries the version it was built from: a custom document property, which Excel
and LibreOffice keep when they save, and a copy saved under another name keeps too."""

from __future__ import annotations

VERSION_PROPERTY = "budget-erp version"  # its value: ``P-1001 v3`` (``domain.version_mark``)
