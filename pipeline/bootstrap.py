"""The one place that wires adapters to the use cases: Settings in, Services out."""

from __future__ import annotations

import contextlib
import functools
import logging
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, Unpack

from pipeline.adapters.clock import clock_from_environment
from pipeline.adapters.erp.profiles import ProfileWriter
from pipeline.adapters.erp.publishing import OutboxPublisher, abandon_temporary
from pipeline.adapters.files.inbox_folder import LocalInbox
from pipeline.adapters.files.owners import file_owner, process_account
from pipeline.adapters.files.settling import Observations
from pipeline.adapters.files.temp_files import TempSweeper
from pipeline.adapters.files.workspace_folders import LocalFolders
from pipeline.adapters.html.status_page import JinjaStatusPage, status_environment
from pipeline.adapters.mail.render import JinjaMailRenderer, template_environment
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.adapters.validation.approval_rules import APPROVAL_FILE, load_matrix
from pipeline.adapters.validation.rules_files import (
    load_column_names,
    load_directory,
    load_summary_names,
    load_validation_rules,
)
from pipeline.bootstrap_readers import Readers, no_read_ahead, readers_of
from pipeline.bootstrap_state import environment_check
from pipeline.config import Settings
from pipeline.domain.approval_route import ApprovalMatrix
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.column_names import ColumnNames
from pipeline.domain.names import CHANGES, FAILED, REFUSED, RESULTS
from pipeline.domain.notification import Notification
from pipeline.domain.people import Directory
from pipeline.domain.review import Rejection
from pipeline.domain.review_figures import ReviewFigures
from pipeline.domain.summary_figures import SummaryNames
from pipeline.errors import ConfigError, ErpListUnavailable
from pipeline.services import ports, review_ports, workbook_ports
from pipeline.services.context import Services
from pipeline.services.records import Store

if TYPE_CHECKING:
    import jinja2

logger = logging.getLogger("pipeline")

# What writes workbooks (xlsxwriter) and renders templates (jinja2) is imported by the
# adapters below on first use, not here: a command loads only what it uses (`status` reads
# the database, nothing more). The readers are wired in ``bootstrap_readers``.


def write_review_workbook(content: ports.ReviewContent, target: Path) -> ReviewFigures:
    """Write a review workbook (xlsxwriter is imported when the first one is written)."""
    from pipeline.adapters.writing.review_workbook import write_review_workbook as write

    return write(content, target)


def _transport(settings: Settings) -> ports.MailTransport:
    """The configured transport, built (smtplib and email imported) at the first message."""
    built = functools.cache(lambda: _built_transport(settings))

    def send(notification: Notification, sender: str) -> None:
        built()(notification, sender)

    return send


def _built_transport(settings: Settings) -> ports.MailTransport:
    from pipeline.adapters.mail.transport import FileTransport, NullTransport, SmtpTransport

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


def _readers(settings: Settings, start_worker: bool = False) -> Readers:
    """The readers of workbooks (``bootstrap_readers.readers_of``), once what they need is
    there: defusedxml and the validation rules, checked at start-up, not at the first file."""
    require_defusedxml()
    try:
        load_validation_rules(settings.rules)
    except ErpListUnavailable as exc:  # being rewritten: files wait for it, the start does not
        logger.warning("%s", exc)
    return readers_of(settings, start_worker)


def temp_sweeper(settings: Settings) -> TempSweeper:
    """The sweep of every folder budget-erp writes into (a crash can leave a temporary file
    in any of them); the archive with its ``sha256/xx`` folders."""
    return TempSweeper(
        flat=[
            settings.approval,
            settings.rejected,
            settings.current,
            settings.outbox,
            settings.outbox / CHANGES,  # change files the person importing must be told of
            settings.outbox / RESULTS / REFUSED,  # notes beside refused result files
            settings.outbox / FAILED,  # the ERP's message beside a file it refused
            settings.mail_dir,
            *([settings.status_page.parent] if settings.status_page else []),  # once it exists
        ],
        trees=[settings.archive],
        before_remove={
            settings.outbox: abandon_temporary,
            settings.outbox / CHANGES: abandon_temporary,
        },
    )


def workbook_checker(settings: Settings) -> tuple[ports.BudgetReader, Callable[[], None]]:
    """Only the reader of admins' workbooks, for ``check`` outside a workspace: it creates
    no folder and opens no database; and what stops its parse workers."""
    readers = _readers(settings, start_worker=True)
    return readers.read_budget, readers.close


def column_names(settings: Settings) -> ColumnNames:
    """The names a budget's columns are read under, the company's first (``check
    --columns``); reading them opens nothing else."""
    return load_column_names(settings.rules)


def require_defusedxml() -> None:
    """Refuse to run unless XML is parsed with defusedxml (no entity expansion, no XXE)."""
    import importlib.util

    # Our own XML parsing (xlsx_parts) imports defusedxml; openpyxl is not used by the
    # pipeline, so its own switch is not consulted (importing it costs 0.2 s).
    if importlib.util.find_spec("defusedxml") is None:
        raise ConfigError(
            "defusedxml is required (pip install defusedxml): without it a "
            "hostile workbook could expand entities or reach out of the file"
        )


class Replacements(TypedDict, total=False):
    """Ports ``bootstrap`` can take ready-made (tests pass fakes), instead of the adapters;
    listed by name."""

    annotate: ports.Annotator
    clock: ports.Clock
    erp_outbox: ports.ErpOutbox
    exporter: ports.Exporter
    file_owner: ports.FileOwner
    folders: ports.Folders
    inbox: ports.InboxFolder
    people: ports.PeopleSource
    approval_matrix: ports.ApprovalMatrixSource
    process_account: ports.ProcessAccount
    read_ahead: ports.ReadAhead
    read_budget: ports.BudgetReader
    read_decision: review_ports.DecisionReader
    compare_figures: review_ports.FiguresComparer
    render_mail: ports.MailRenderer
    render_status: ports.StatusPageRenderer
    store: Store
    sweep_temporaries: ports.TemporarySweep
    transport: ports.MailTransport
    write_rejected: workbook_ports.RejectedWriter
    write_current: workbook_ports.CurrentWriter
    read_mark: workbook_ports.MarkReader
    write_review: review_ports.ReviewWriter
    summary_names: ports.SummaryNamesSource
    write_template: workbook_ports.TemplateWriter


def bootstrap(
    settings: Settings, *, start_worker: bool = False, **ports: Unpack[Replacements]
) -> Services:
    """Build the Services for a workspace from its adapters, or from the ports given.

    An adapter that is replaced is never built, so a test on fakes touches no disk. The real
    ones check what they can at start-up (rules, ERP layouts, defusedxml), not at the first
    file. ``start_worker``: start the parse worker now, for a command that reads workbooks.
    """
    store = ports.get("store") or _store(settings)
    # One memory of what was seen of each file, shared by the inbox and the other folders:
    # a file settles by our own watching when its modified time cannot be believed.
    observations = Observations()
    folders = ports.get("folders") or _prepared_folders(settings, store, observations)
    readers = (
        None
        if {"read_budget", "read_decision", "compare_figures"} <= ports.keys()
        else _readers(settings, start_worker)
    )
    people = ports.get("people") or _people(settings)
    env = functools.cache(lambda: template_environment(settings.templates, settings.time_zone))
    return Services(
        settings=settings,
        store=store,
        clock=ports.get("clock") or clock_from_environment(),
        people=people,
        approval_matrix=ports.get("approval_matrix") or _approval_matrix(settings, people),
        read_budget=ports.get("read_budget") or _pick(readers).read_budget,
        read_ahead=ports.get("read_ahead") or (readers.read_ahead if readers else no_read_ahead),
        read_decision=ports.get("read_decision") or _pick(readers).read_decision,
        compare_figures=ports.get("compare_figures") or _pick(readers).compare_figures,
        write_review=ports.get("write_review") or write_review_workbook,
        write_rejected=ports.get("write_rejected") or _rejected_writer(settings),
        write_current=ports.get("write_current") or _current_writer(settings),
        read_mark=ports.get("read_mark") or read_version_mark,
        exporter=ports.get("exporter") or _exporter(settings, env),
        render_mail=ports.get("render_mail") or JinjaMailRenderer(env),
        transport=ports.get("transport") or _transport(settings),
        annotate=ports.get("annotate") or _pick(readers).annotate,
        write_template=ports.get("write_template") or _template_writer(settings),
        file_owner=ports.get("file_owner") or file_owner,
        process_account=ports.get("process_account") or process_account,
        sweep_temporaries=ports.get("sweep_temporaries") or temp_sweeper(settings),
        folders=folders,
        inbox=ports.get("inbox")
        or LocalInbox(settings.inbox, settings.root / "processing", observations, store.claimant),
        erp_outbox=ports.get("erp_outbox") or OutboxPublisher(settings.outbox),
        summary_names=ports.get("summary_names") or _summary_names(settings),
        render_status=ports.get("render_status")
        or JinjaStatusPage(
            functools.cache(lambda: status_environment(settings.templates, settings.time_zone))
        ),
        releases=(readers.close,) if readers else (),
        environment_check=environment_check(settings),
    )


def _store(settings: Settings) -> Store:
    """SQLite in the workspace, or the PostgreSQL server of ``[state] url``; psycopg is
    imported only then."""
    if not settings.database_url:
        return SqliteStore(settings.database)
    from pipeline.adapters.postgres.store import PostgresStore

    return PostgresStore(settings.database_url, settings.lease_seconds)


def _prepared_folders(settings: Settings, store: Store, observations: Observations) -> LocalFolders:
    """The workspace's folders, created where missing. Passes take ``state/pass.lock`` on
    SQLite; with the state on a server that daemons on several machines share, passes run
    side by side, each item under the database's lock of its own (``Store.hold``)."""
    for folder in [*settings.folders(), settings.outbox / RESULTS]:
        folder.mkdir(parents=True, exist_ok=True)
    shared = contextlib.nullcontext if settings.database_url else None
    return LocalFolders(
        settings.archive, settings.database.parent / "pass.lock", shared, observations
    )


def _people(settings: Settings) -> ports.PeopleSource:
    load_directory(settings.rules)  # fail at start-up, not at the first file

    def people() -> Directory:
        return load_directory(settings.rules)  # fresh: edits count without a restart

    return people


def _approval_matrix(settings: Settings, people: ports.PeopleSource) -> ports.ApprovalMatrixSource:
    if (settings.rules / APPROVAL_FILE).is_file():  # fail at start-up, not at a send
        load_matrix(settings.rules, people().people)

    def matrix() -> ApprovalMatrix:
        return load_matrix(settings.rules)  # fresh: a change applies to versions sent after it

    return matrix


def _exporter(settings: Settings, env: Callable[[], jinja2.Environment]) -> ProfileWriter:
    writer = ProfileWriter(env, settings.templates)
    for profile in {settings.export_profile, *settings.export_job_profiles.values()}:
        writer.profile(profile)  # a missing or broken profile stops start-up, not an export
    return writer


def _summary_names(settings: Settings) -> ports.SummaryNamesSource:
    def names() -> SummaryNames:
        return load_summary_names(settings.rules)  # fresh, as the rules are read per file

    return names


def _rejected_writer(settings: Settings) -> workbook_ports.RejectedWriter:
    def write(document: BudgetDocument, rejection: Rejection, target: Path) -> None:
        from pipeline.adapters.writing.rejected_workbook import write_rejected_workbook

        rules = load_validation_rules(settings.rules)
        write_rejected_workbook(document, rejection, target, rules, settings.time_zone)

    return write


def _current_writer(settings: Settings) -> workbook_ports.CurrentWriter:
    def write(document: BudgetDocument, version: int, target: Path) -> None:
        from pipeline.adapters.writing.current_workbook import write_current_workbook

        write_current_workbook(document, version, target, load_validation_rules(settings.rules))

    return write


def read_version_mark(path: Path) -> str:
    """The version mark of a workbook in this process (a few hundred bytes of XML, bounded:
    not worth a parse worker)."""
    from pipeline.adapters.reading.version_mark import read_version_mark as read

    return read(path)


def _template_writer(settings: Settings) -> workbook_ports.TemplateWriter:
    def write(target: Path, project_number: str) -> None:
        from pipeline.adapters.writing.template_workbook import write_template

        write_template(target, load_validation_rules(settings.rules), project_number)

    return write


def _pick(readers: Readers | None) -> Readers:
    if readers is None:
        raise ConfigError("replace every reader (budget, decision, figures), or none")
    return readers
