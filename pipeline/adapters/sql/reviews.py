"""Review workbooks in the state database: the ones issued (with their tokens and the
fingerprints of their figures), the saves already read, and the file-name stem each project
owns."""

from __future__ import annotations

import json
from datetime import datetime

from pipeline.adapters.sql.queries import Queries
from pipeline.domain.review import DecisionFile, DecisionOutcome, ReviewIssue
from pipeline.domain.review_figures import ReviewFigures, SheetFigures
from pipeline.errors import ConcurrentUpdate

ISSUE_COLUMNS = "token, project_number, version, review_file, sha256, issued_at, figures, level"


class ReviewQueries(Queries):
    """Review methods of the store (they share its connection and transactions)."""

    def add_review_issue(self, issue: ReviewIssue) -> None:
        """Record a review workbook written for a version."""
        self.db.execute(
            f"INSERT INTO review_issues ({ISSUE_COLUMNS}) VALUES (?,?,?,?,?,?,?,?)",
            (
                issue.token,
                issue.project_number,
                issue.version,
                issue.review_file,
                issue.sha256,
                issue.issued_at.isoformat(),
                _figures_text(issue.figures),
                issue.level,
            ),
        )

    def review_issue(self, token: str) -> ReviewIssue | None:
        """The review workbook issued under this token, if any."""
        row = self.db.execute(
            f"SELECT {ISSUE_COLUMNS} FROM review_issues WHERE token=?", (token,)
        ).fetchone()
        return issue_of(row) if row else None

    def current_review_issue(self, project_number: str, version: int) -> ReviewIssue | None:
        """The review workbook issued last for a version: the only one that counts."""
        if self._snapshot is not None:
            return self._snapshot.current_review_issue(project_number, version)
        row = self.db.execute(
            f"SELECT {ISSUE_COLUMNS} FROM review_issues WHERE project_number=? AND version=? "
            "ORDER BY issued_at DESC, rowid DESC LIMIT 1",
            (project_number, version),
        ).fetchone()
        return issue_of(row) if row else None

    def decision_outcome(self, sha256: str) -> DecisionOutcome | None:
        """What was done with a review workbook with these bytes, if seen before."""
        row = self.db.execute(
            "SELECT outcome FROM decision_files WHERE sha256=?", (sha256,)
        ).fetchone()
        return DecisionOutcome(row[0]) if row else None

    def note_decision_file(self, saved: DecisionFile) -> None:
        """Remember a review workbook's bytes so the same save is read only once."""
        self.db.execute(
            "INSERT INTO decision_files (sha256, project_number, version, outcome, at) "
            "VALUES (?,?,?,?,?) ON CONFLICT (sha256) DO UPDATE SET "
            "project_number = excluded.project_number, version = excluded.version, "
            "outcome = excluded.outcome, at = excluded.at",
            (
                saved.sha256,
                saved.project_number,
                saved.version,
                saved.outcome.value,
                saved.at.isoformat(),
            ),
        )

    def stem_owner(self, stem: str) -> str | None:
        """The project whose files are named with this stem (case ignored), if any."""
        row = self.db.execute(
            "SELECT project_number FROM file_stems WHERE stem=?", (stem,)
        ).fetchone()
        return str(row[0]) if row else None

    def claim_stem(self, stem: str, project_number: str) -> None:
        """Reserve a file-name stem for a project (once; the same pair again is a no-op)."""
        self.db.execute(
            "INSERT INTO file_stems (stem, project_number) VALUES (?, ?) ON CONFLICT DO NOTHING",
            (stem, project_number),
        )
        if self.stem_owner(stem) != project_number:
            raise ConcurrentUpdate(f"file name stem {stem!r} belongs to another project")


def issue_of(row: tuple[str, str, int, str, str, str, str, int]) -> ReviewIssue:
    """A review issue from a row of ``ISSUE_COLUMNS``."""
    return ReviewIssue(
        token=row[0],
        project_number=row[1],
        version=row[2],
        review_file=row[3],
        sha256=row[4],
        issued_at=datetime.fromisoformat(row[5]),
        figures=_figures(row[6]),
        level=row[7],
    )


def _figures_text(figures: ReviewFigures | None) -> str:
    """A fingerprint as stored: each sheet's digest and rows, where the decision cells are
    ("" for none)."""
    if figures is None:
        return ""
    sheets = {name: [sheet.digest, sheet.rows] for name, sheet in figures.sheets.items()}
    return json.dumps(
        {"sheets": sheets, "decision_cells": dict(figures.decision_cells)}, ensure_ascii=False
    )


def _figures(text: str) -> ReviewFigures | None:
    if not text:  # issued before fingerprints were recorded
        return None
    stored = json.loads(text)
    sheets = {name: SheetFigures(digest, rows) for name, (digest, rows) in stored["sheets"].items()}
    return ReviewFigures(sheets, stored["decision_cells"])
