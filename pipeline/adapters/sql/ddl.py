"""The DDL both engines' migrations share: the statements they run word for word, and the
values their CHECK constraints allow, named from the domain's enums rather than copied.

A migration, once applied, never changes: each list is the one of its migration's day, so a
value the domain gains later needs a migration of its own on both engines.
"""

from __future__ import annotations

from collections.abc import Iterable

from pipeline.domain.exports import ExportKind
from pipeline.domain.lifecycle import Status
from pipeline.domain.notification import MailStatus


def sql_values(values: Iterable[str]) -> str:
    """The values as SQL string literals for ``IN (...)``: ``'a', 'b'``."""
    return ", ".join(f"'{value}'" for value in values)


# The budgets' states m001_initial allowed, and those m003_erp_hand_off allows (two more).
M001_STATUSES = sql_values(
    (
        Status.AWAITING_APPROVAL,
        Status.REJECTED,
        Status.ACCEPTED,
        Status.EXPORTED,
        Status.RETRIEVED,
        Status.WITHDRAWN,
    )
)
M003_STATUSES = M001_STATUSES + ", " + sql_values((Status.SYNCED, Status.EXPORT_FAILED))
# A notification's place in the outbox (m002_outbox), and what an ERP file or its intent
# carries (m003_erp_hand_off, m007_export_intents).
MAIL_STATUSES = sql_values((MailStatus.QUEUED, MailStatus.SENT, MailStatus.FAILED))
EXPORT_KINDS = sql_values((ExportKind.ORIGINAL, ExportKind.CHANGE, ExportKind.AGAIN))

M009_ROUTES = """
CREATE TABLE approval_routes (
    project_number TEXT NOT NULL,
    version INTEGER NOT NULL,
    route TEXT NOT NULL,
    review_inputs TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (project_number, version)
)
"""

M010_MAIL_COPY = "ALTER TABLE notifications ADD COLUMN copy_to TEXT NOT NULL DEFAULT '[]'"
