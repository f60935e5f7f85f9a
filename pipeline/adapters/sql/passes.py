"""The passes in the state database: when the last one over the workspace ended, and the
mark of the decisions made so far."""

from __future__ import annotations

from datetime import datetime

from pipeline.adapters.sql.queries import Queries

_LAST = "last"  # one row today; a row per daemon can join it under its own name


class PassQueries(Queries):
    """Pass methods of the store (they share its connection and transactions)."""

    def note_pass(self, at: datetime) -> None:
        """Record that a pass ended at ``at``."""
        self.db.execute(
            "INSERT INTO passes (name, at) VALUES (?, ?) "
            "ON CONFLICT (name) DO UPDATE SET at = excluded.at",
            (_LAST, at.isoformat()),
        )

    def last_pass(self) -> datetime | None:
        """When the last pass ended, or None if none has yet."""
        row = self.db.execute("SELECT at FROM passes WHERE name = ?", (_LAST,)).fetchone()
        return datetime.fromisoformat(row[0]) if row else None

    def decisions_mark(self) -> tuple[int, int]:
        """The newest event and the newest review issued (0 for none): any change to a
        budget, its route or its current review changes the mark."""
        row = self.db.execute(
            "SELECT (SELECT MAX(id) FROM events), (SELECT MAX(rowid) FROM review_issues)"
        ).fetchone()
        return int(row[0] or 0), int(row[1] or 0)
