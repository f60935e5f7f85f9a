"""The one place that wires adapters to the use cases: Settings in, Services out."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pipeline.adapters.erp.profiles import ProfileWriter
from pipeline.adapters.erp.publishing import abandon_temporary
from pipeline.adapters.files.owners import file_owner, process_account
from pipeline.adapters.files.temp_files import TempSweeper
from pipeline.adapters.mail.render import JinjaMailRenderer, template_environment
from pipeline.adapters.mail.transport import FileTransport, NullTransport, SmtpTransport
from pipeline.adapters.reading.parse_worker import ParseWorker
from pipeline.adapters.reading.review_reader import read_saved_review
from pipeline.adapters.reading.workbook_intake import read_and_check
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.adapters.validation.rules_files import (
    load_directory,
    load_validation_rules,
)
from pipeline.adapters.writing.annotated_workbook import write_annotated_copy
from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook
from pipeline.adapters.writing.review_workbook import write_review_workbook
from pipeline.adapters.writing.template_workbook import write_template
from pipeline.config import Settings
from pipeline.domain.names import REFUSED, RESULTS
from pipeline.domain.people import Directory
from pipeline.domain.problems import Problem
from pipeline.errors import ConfigError
from pipeline.services.context import Services
from pipeline.services.ports import (
    Annotator,
    BudgetReader,
    Clock,
    DecisionReader,
    MailTransport,
    ReadResult,
    SavedReview,
)


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(UTC)


class ShiftedClock:
    """Time that started at a chosen moment and runs on at the real pace.

    Set by ``BUDGET_ERP_CLOCK_START`` (an ISO timestamp), so a daemon can be tried, or
    tested, at a summary time or across a daylight-saving change without waiting for it.
    ``<timestamp>@<unix time>`` pins the chosen moment to a real instant, so that several
    processes (a daemon and its restarts) share one timeline.
    """

    def __init__(self, start: datetime, anchor: float | None = None) -> None:
        self.start = start
        self.anchor = time.time() if anchor is None else anchor

    def now(self) -> datetime:
        """The chosen start plus the real time elapsed since its anchor."""
        return (self.start + timedelta(seconds=time.time() - self.anchor)).astimezone(UTC)


def clock_from_environment() -> SystemClock | ShiftedClock:
    """The clock the program runs on: real time, unless BUDGET_ERP_CLOCK_START is set."""
    setting = os.environ.get("BUDGET_ERP_CLOCK_START", "").strip()
    if not setting:
        return SystemClock()
    start, _, anchor = setting.partition("@")
    try:
        moment = datetime.fromisoformat(start)
        pinned = float(anchor) if anchor else None
    except ValueError as exc:
        raise ConfigError(
            f"BUDGET_ERP_CLOCK_START={setting!r} is not an ISO timestamp (optionally @unix-time)"
        ) from exc
    if moment.tzinfo is None:
        raise ConfigError("BUDGET_ERP_CLOCK_START needs a time zone offset, e.g. +00:00")
    return ShiftedClock(moment, pinned)


def _transport(settings: Settings) -> MailTransport:
    if settings.mail_transport == "smtp":
        # Secrets only from the environment, never from a file in the workspace.
        return SmtpTransport(
            settings.smtp,
            os.environ.get("BUDGET_ERP_SMTP_USER", ""),
            os.environ.get("BUDGET_ERP_SMTP_PASSWORD", ""),
        )
    if settings.mail_transport == "file":
        return FileTransport(settings.mail_dir)
    return NullTransport()


def _readers(settings: Settings) -> tuple[BudgetReader, DecisionReader, Annotator]:
    """Read workbooks, the admins' and the approvers' alike, and write the annotated copy of
    a refused one, in the isolated parse worker (the default; one worker for all three), or
    in this process."""
    if not settings.isolate_parsing:

        def direct(path: Path) -> ReadResult:
            return read_and_check(path, settings)

        def direct_review(path: Path, line_count: int) -> SavedReview:
            return read_saved_review(path, line_count, settings.package_limits)

        return direct, direct_review, write_annotated_copy
    worker = ParseWorker(settings.parse_seconds, settings.parse_memory_mb)

    def isolated(path: Path) -> ReadResult:
        result: ReadResult = worker.run(path.name, read_and_check, path, settings)
        return result

    def isolated_review(path: Path, line_count: int) -> SavedReview:
        saved: SavedReview = worker.run(
            path.name, read_saved_review, path, line_count, settings.package_limits
        )
        return saved

    def isolated_annotate(source: Path, problems: Sequence[Problem], target: Path) -> None:
        worker.run(source.name, write_annotated_copy, source, list(problems), target)

    return isolated, isolated_review, isolated_annotate


def temp_sweeper(settings: Settings) -> TempSweeper:
    """The sweep of every folder budget-erp writes into (a crash can leave a temporary file
    in any of them); the archive with its ``sha256/xx`` folders."""
    return TempSweeper(
        flat=[
            settings.approval,
            settings.rejected,
            settings.outbox,
            settings.outbox / RESULTS / REFUSED,  # notes beside refused result files
            settings.mail_dir,
            settings.root / "status",  # swept once it exists
        ],
        trees=[settings.archive],
        before_remove={settings.outbox: abandon_temporary},
    )


def workbook_checker(settings: Settings) -> BudgetReader:
    """Only the reader of admins' workbooks, for ``check`` outside a workspace: it creates
    no folder and opens no database."""
    require_defusedxml()
    return _readers(settings)[0]


def require_defusedxml() -> None:
    """Refuse to run unless XML is parsed with defusedxml (no entity expansion, no XXE)."""
    import importlib.util

    import openpyxl.xml

    if importlib.util.find_spec("defusedxml") is None or not openpyxl.xml.DEFUSEDXML:
        raise ConfigError(
            "defusedxml is required (pip install defusedxml): without it a "
            "hostile workbook could expand entities or reach out of the file"
        )


def bootstrap(settings: Settings, clock: Clock | None = None) -> Services:
    """Build the Services for a workspace; touches the disk only to create missing folders."""
    for folder in [*settings.folders(), settings.outbox / RESULTS]:
        folder.mkdir(parents=True, exist_ok=True)
    require_defusedxml()
    clock = clock or clock_from_environment()
    load_validation_rules(settings.rules)  # fail at start-up, not at the first file
    load_directory(settings.rules)

    def people() -> Directory:
        return load_directory(settings.rules)

    env = template_environment(settings.templates)
    writer = ProfileWriter(env, settings.templates)
    for profile in {settings.export_profile, *settings.export_job_profiles.values()}:
        writer.profile(profile)  # a missing or broken profile stops start-up, not an export

    read, read_review, annotate = _readers(settings)

    return Services(
        settings=settings,
        store=SqliteStore(settings.database),
        clock=clock,
        people=people,
        read_budget=read,
        read_decision=read_review,
        write_review=write_review_workbook,
        write_rejected=lambda document, rejection, target: write_rejected_workbook(
            document, rejection, target, load_validation_rules(settings.rules)
        ),
        exporter=writer,
        render_mail=JinjaMailRenderer(env),
        transport=_transport(settings),
        annotate=annotate,
        write_template=lambda target, project: write_template(
            target, load_validation_rules(settings.rules), project
        ),
        file_owner=file_owner,
        process_account=process_account,
        sweep_temporaries=temp_sweeper(settings),
    )
