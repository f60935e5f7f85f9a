"""Files handed back to admins in ``rejected/`` (refused workbooks with their reports and
marked-up copies, rejected versions), so those a budget no longer needs can be tidied away."""

from __future__ import annotations

from datetime import datetime

from pipeline.adapters.sql.queries import Queries


class HandBackQueries(Queries):
    """Hand-back methods of the store (they share its connection and transactions)."""

    def add_hand_backs(self, project_number: str, names: list[str], at: datetime) -> None:
        """Record files put into rejected/ for a project."""
        self.db.executemany(
            "INSERT INTO handed_back (name, project_number, at, cleared_at) "
            "VALUES (?, ?, ?, NULL) ON CONFLICT (name) DO UPDATE SET "
            "project_number = excluded.project_number, at = excluded.at, cleared_at = NULL",
            [(name, project_number, at.isoformat()) for name in names],
        )

    def hand_backs(self, project_number: str) -> list[str]:
        """Files in rejected/ for a project, not tidied away yet, oldest first."""
        rows = self.db.execute(
            "SELECT name FROM handed_back WHERE project_number = ? COLLATE NOCASE "
            "AND cleared_at IS NULL ORDER BY at, name",
            (project_number,),
        )
        return [str(row[0]) for row in rows]

    def clear_hand_backs(self, names: list[str], at: datetime) -> None:
        """Note files as moved from rejected/ to the archive."""
        self.db.executemany(
            "UPDATE handed_back SET cleared_at = ? WHERE name = ?",
            [(at.isoformat(), name) for name in names],
        )
