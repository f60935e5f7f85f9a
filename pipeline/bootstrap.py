"""The one place that wires adapters to the use cases: Settings in, Services out."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pipeline.adapters.annotated_workbook import write_annotated_copy
from pipeline.adapters.budget_reader import read_budget, text_of
from pipeline.adapters.budget_validation import check_budget
from pipeline.adapters.decision_reader import read_decision
from pipeline.adapters.erp_csv import GenericCsvExporter
from pipeline.adapters.mail_files import FileNotifier, NullNotifier, template_environment
from pipeline.adapters.rejected_workbook import write_rejected_workbook
from pipeline.adapters.review_workbook import write_review_workbook
from pipeline.adapters.rules_files import load_directory, load_validation_rules
from pipeline.adapters.sqlite_store import SqliteStore
from pipeline.adapters.template_workbook import write_template
from pipeline.config import Settings
from pipeline.domain.people import Directory
from pipeline.services.context import Services
from pipeline.services.ports import Notifier, ReadResult


class SystemClock:
    """Wall-clock time in UTC."""

    def now(self) -> datetime:
        """The current moment."""
        return datetime.now(UTC)


def bootstrap(settings: Settings, clock: SystemClock | None = None) -> Services:
    """Build the Services for a workspace; touches the disk only to create missing folders."""
    for folder in settings.folders():
        folder.mkdir(parents=True, exist_ok=True)
    clock = clock or SystemClock()
    load_validation_rules(settings.rules)  # fail at start-up, not at the first file
    load_directory(settings.rules)

    def people() -> Directory:
        return load_directory(settings.rules)

    def read(path: Path) -> ReadResult:
        raw = read_budget(path)
        document, problems = check_budget(raw, load_validation_rules(settings.rules))
        project = text_of(raw.header.get("project_number", ("", ""))[0])
        return ReadResult(document, problems, raw.last_modified_by, project)

    notifier: Notifier
    if settings.mail_transport == "file":
        notifier = FileNotifier(
            template_environment(settings.templates), settings.mail_dir, settings.mail_from, clock
        )
    else:
        notifier = NullNotifier()
    return Services(
        settings=settings,
        store=SqliteStore(settings.database),
        clock=clock,
        people=people,
        read_budget=read,
        read_decision=read_decision,
        write_review=write_review_workbook,
        write_rejected=write_rejected_workbook,
        exporter=GenericCsvExporter(),
        notify=notifier,
        annotate=write_annotated_copy,
        write_template=lambda target, project: write_template(
            target, load_validation_rules(settings.rules), project
        ),
    )
