"""Ordered schema migrations for the SQLite state database, each applied once, in a transaction
(what PostgreSQL's run word for word too is in ``adapters/sql/ddl.py``)."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from pipeline.adapters.sql.ddl import (
    EXPORT_KINDS,
    M001_STATUSES,
    M003_STATUSES,
    M009_ROUTES,
    M010_MAIL_COPY,
    MAIL_STATUSES,
)


def m001_initial(db: sqlite3.Connection) -> None:
    """Budgets, their versions and lines, rejections, exports and the audit trail."""
    _run(
        db,
        f"""
    CREATE TABLE budgets (
        project_number TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ({M001_STATUSES})),
        version INTEGER NOT NULL,
        sender TEXT NOT NULL,
        sent_at TEXT,
        changed_at TEXT,
        revision INTEGER NOT NULL
    );
    CREATE TABLE submissions (
        project_number TEXT NOT NULL REFERENCES budgets(project_number),
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        file_name TEXT NOT NULL,
        file_sha256 TEXT NOT NULL,
        fingerprint TEXT NOT NULL,
        sender TEXT NOT NULL,
        at TEXT NOT NULL,
        review_file TEXT NOT NULL,
        line_count INTEGER NOT NULL,
        total TEXT NOT NULL,
        project_name TEXT NOT NULL,
        prepared_by TEXT NOT NULL,
        stated_total TEXT NOT NULL,
        PRIMARY KEY (project_number, version)
    );
    CREATE INDEX submissions_by_review ON submissions(review_file);
    CREATE INDEX submissions_by_sha ON submissions(file_sha256);
    CREATE TABLE lines (
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        row INTEGER NOT NULL,
        sub_job TEXT NOT NULL,
        cost_code TEXT NOT NULL,
        cost_type TEXT NOT NULL,
        description TEXT NOT NULL,
        amount TEXT NOT NULL,
        unit_qty TEXT,
        uom TEXT NOT NULL,
        unit_cost TEXT,
        FOREIGN KEY (project_number, version) REFERENCES submissions(project_number, version)
    );
    CREATE INDEX lines_by_version ON lines(project_number, version);
    CREATE TABLE rejections (
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        approver TEXT NOT NULL,
        at TEXT NOT NULL,
        reasons TEXT NOT NULL,
        flags TEXT NOT NULL,
        PRIMARY KEY (project_number, version)
    );
    CREATE TABLE exports (
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        line_count INTEGER NOT NULL,
        total TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (project_number, version)
    );
    CREATE TABLE decision_files (
        sha256 TEXT PRIMARY KEY,
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        outcome TEXT NOT NULL,
        at TEXT NOT NULL
    );
    CREATE TABLE events (
        id INTEGER PRIMARY KEY,
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        action TEXT NOT NULL,
        actor TEXT NOT NULL,
        at TEXT NOT NULL,
        detail TEXT NOT NULL,
        file_sha256 TEXT NOT NULL
    );
    CREATE INDEX events_by_project ON events(project_number, id);
    """,
    )


def _run(db: sqlite3.Connection, script: str) -> None:
    # executescript() would commit behind our back; run the statements one by one instead.
    for statement in script.split(";"):
        if statement.strip():
            db.execute(statement)


def m002_outbox(db: sqlite3.Connection) -> None:
    """Notifications, queued in the same transaction as the change that causes them."""
    _run(
        db,
        f"""
    CREATE TABLE notifications (
        key TEXT PRIMARY KEY,
        template TEXT NOT NULL,
        recipients TEXT NOT NULL,
        subject TEXT NOT NULL,
        text TEXT NOT NULL,
        html TEXT NOT NULL,
        created_at TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ({MAIL_STATUSES})),
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT NOT NULL,
        last_error TEXT NOT NULL DEFAULT '',
        sent_at TEXT
    );
    CREATE INDEX notifications_due ON notifications(status, next_attempt_at)
    """,
    )


def m003_erp_hand_off(db: sqlite3.Connection) -> None:
    """Several exports per version (``--again``), profiles, kinds, results; two new states."""
    _run(
        db,
        f"""
    CREATE TABLE erp_exports (
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ({EXPORT_KINDS})),
        profile TEXT NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        line_count INTEGER NOT NULL,
        total TEXT NOT NULL,
        at TEXT NOT NULL,
        result TEXT NOT NULL DEFAULT '',
        result_message TEXT NOT NULL DEFAULT '',
        erp_ids TEXT NOT NULL DEFAULT '',
        PRIMARY KEY (project_number, version, seq)
    );
    INSERT INTO erp_exports (project_number, version, seq, kind, profile, file_name, sha256,
                             line_count, total, at)
        SELECT project_number, version, 1, 'original', 'generic-csv', file_name, sha256,
               line_count, total, at FROM exports;
    DROP TABLE exports;
    CREATE TABLE budgets_new (
        project_number TEXT PRIMARY KEY,
        status TEXT NOT NULL CHECK (status IN ({M003_STATUSES})),
        version INTEGER NOT NULL,
        sender TEXT NOT NULL,
        sent_at TEXT,
        changed_at TEXT,
        revision INTEGER NOT NULL
    );
    INSERT INTO budgets_new SELECT * FROM budgets;
    DROP TABLE budgets;
    ALTER TABLE budgets_new RENAME TO budgets
    """,
    )


def m004_identity(db: sqlite3.Connection) -> None:
    """Who saved each file (the account with each event), the review workbooks issued, and
    the file-name stem of each project, unique whatever the case the file system ignores."""
    _run(
        db,
        """
    ALTER TABLE events ADD COLUMN account TEXT NOT NULL DEFAULT '';
    CREATE TABLE review_issues (
        token TEXT PRIMARY KEY,
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        review_file TEXT NOT NULL,
        sha256 TEXT NOT NULL,
        issued_at TEXT NOT NULL
    );
    CREATE INDEX review_issues_by_version ON review_issues(project_number, version);
    CREATE TABLE file_stems (
        stem TEXT PRIMARY KEY COLLATE NOCASE,
        project_number TEXT NOT NULL UNIQUE COLLATE NOCASE
    );
    INSERT OR IGNORE INTO file_stems (stem, project_number)
        SELECT substr(review_file, 1,
                      length(review_file) - length('_v' || version || '_review.xlsx')),
               project_number
        FROM submissions WHERE version = 1
    """,
    )


def m005_handed_back(db: sqlite3.Connection) -> None:
    """What sits in rejected/ for each project, so it can be tidied once not needed."""
    _run(
        db,
        """
    CREATE TABLE handed_back (
        name TEXT PRIMARY KEY,
        project_number TEXT NOT NULL,
        at TEXT NOT NULL,
        cleared_at TEXT
    );
    CREATE INDEX handed_back_by_project ON handed_back(project_number, cleared_at)
    """,
    )


def m006_passes(db: sqlite3.Connection) -> None:
    """When the last pass over the workspace ran, for the status page (is the daemon alive?)."""
    _run(db, "CREATE TABLE passes (name TEXT PRIMARY KEY, at TEXT NOT NULL)")


def m007_export_intents(db: sqlite3.Connection) -> None:
    """Each ERP file's name and hashes, recorded before its rename: after a crash only a file
    with exactly these is taken for ours (one row per name; a name is tried only once)."""
    _run(
        db,
        f"""
    CREATE TABLE export_intents (
        project_number TEXT NOT NULL,
        version INTEGER NOT NULL,
        seq INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ({EXPORT_KINDS})),
        profile TEXT NOT NULL,
        file_name TEXT NOT NULL UNIQUE,
        sha256 TEXT NOT NULL,
        manifest_sha256 TEXT NOT NULL,
        line_count INTEGER NOT NULL,
        total TEXT NOT NULL,
        at TEXT NOT NULL,
        PRIMARY KEY (project_number, version, seq)
    )
    """,
    )


def m008_review_figures(db: sqlite3.Connection) -> None:
    """The fingerprint of the figures each review workbook was issued with ('' for those
    issued before: their saves are not held to figures)."""
    _run(db, "ALTER TABLE review_issues ADD COLUMN figures TEXT NOT NULL DEFAULT ''")


def m009_approval_routes(db: sqlite3.Connection) -> None:
    """The levels each version was sent under and how far it has come; the level each
    review workbook was issued to."""
    _run(db, M009_ROUTES)
    _run(db, "ALTER TABLE review_issues ADD COLUMN level INTEGER NOT NULL DEFAULT 0")


def m010_mail_copy(db: sqlite3.Connection) -> None:
    """The addresses a message copies (Cc), as a JSON list: an escalation copies the person
    the level escalates to."""
    _run(db, M010_MAIL_COPY)


MIGRATIONS: list[tuple[str, Callable[[sqlite3.Connection], None]]] = [
    ("m001_initial", m001_initial),
    ("m002_outbox", m002_outbox),
    ("m003_erp_hand_off", m003_erp_hand_off),
    ("m004_identity", m004_identity),
    ("m005_handed_back", m005_handed_back),
    ("m006_passes", m006_passes),
    ("m007_export_intents", m007_export_intents),
    ("m008_review_figures", m008_review_figures),
    ("m009_approval_routes", m009_approval_routes),
    ("m010_mail_copy", m010_mail_copy),
]


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet applied; return the names applied now."""
    # Tables are rebuilt the way SQLite documents it: foreign keys off, checked after.
    db.execute("PRAGMA foreign_keys=OFF")
    db.execute("CREATE TABLE IF NOT EXISTS migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    applied = {row[0] for row in db.execute("SELECT name FROM migrations")}
    done: list[str] = []
    for name, migration in MIGRATIONS:
        if name in applied:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            migration(db)
            broken = db.execute("PRAGMA foreign_key_check").fetchall()
            if broken:
                raise sqlite3.IntegrityError(f"{name} broke foreign keys: {broken[:3]}")
            db.execute("INSERT INTO migrations VALUES (?, datetime('now'))", (name,))
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise
        done.append(name)
    return done
