"""The one place that wires adapters to the use cases: Settings in, Services out."""

from __future__ import annotations

import contextlib
import functools
import logging
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, TypedDict, Unpack

from pipeline.adapters.erp.profiles import ProfileWriter
from pipeline.adapters.erp.publishing import OutboxPublisher, abandon_temporary
from pipeline.adapters.files.inbox_folder import LocalInbox
from pipeline.adapters.files.owners import file_owner, process_account
from pipeline.adapters.files.settling import Observations
from pipeline.adapters.files.temp_files import workspace_sweeper
from pipeline.adapters.files.workspace_folders import LocalFolders
from pipeline.adapters.html.status_page import JinjaStatusPage, status_environment
from pipeline.adapters.mail.configured import configured_transport
from pipeline.adapters.mail.render import JinjaMailRenderer, template_environment
from pipeline.adapters.reading.readers import (
    Readers,
    no_read_ahead,
    read_version_mark,
    readers_of,
    require_defusedxml,
)
from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.adapters.validation.approval_rules import APPROVAL_FILE, load_matrix
from pipeline.adapters.validation.rules_files import (
    load_column_names,
    load_directory,
    load_summary_names,
    load_validation_rules,
)
from pipeline.adapters.writing.writers import (
    current_writer,
    rejected_writer,
    template_writer,
    write_review_workbook,
)
from pipeline.bootstrap_state import environment_check, pass_lock_file, wall_clock
from pipeline.config import Settings
from pipeline.domain.approval_route import ApprovalMatrix
from pipeline.domain.column_names import ColumnNames
from pipeline.domain.names import RESULTS
from pipeline.domain.people import Directory
from pipeline.domain.summary_figures import SummaryNames
from pipeline.errors import ConfigError, ErpListUnavailable
from pipeline.services import ports, review_ports, workbook_ports
from pipeline.services.context import Identity, Mail, Services, Workbooks
from pipeline.services.records import Store

if TYPE_CHECKING:
    import jinja2

logger = logging.getLogger("pipeline")

# What writes workbooks (xlsxwriter), renders templates (jinja2) and sends mail (smtplib) is
# imported by the adapters on first use, not here: a command loads only what it uses
# (`status` reads the database, nothing more).


def _readers(settings: Settings, start_worker: bool = False) -> Readers:
    """The readers of workbooks (``adapters/reading/readers``), once what they need is
    there: defusedxml and the validation rules, checked at start-up, not at the first file."""
    require_defusedxml()
    try:
        load_validation_rules(settings.rules)
    except ErpListUnavailable as exc:  # being rewritten: files wait for it, the start does not
        logger.warning("%s", exc)
    return readers_of(settings, start_worker)


def workbook_checker(settings: Settings) -> tuple[ports.BudgetReader, Callable[[], None]]:
    """Only the reader of admins' workbooks, for ``check`` outside a workspace: it creates
    no folder and opens no database; and what stops its parse workers."""
    readers = _readers(settings, start_worker=True)
    return readers.read_budget, readers.close


def column_names(settings: Settings) -> ColumnNames:
    """The names a budget's columns are read under, the company's first (``check
    --columns``); reading them opens nothing else."""
    return load_column_names(settings.rules)


class Replacements(TypedDict, total=False):
    """Ports ``bootstrap`` can take ready-made (tests pass fakes), instead of the adapters;
    listed by name, each put in its bundle of the Services (``transport`` in ``mail``)."""

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
        clock=ports.get("clock") or wall_clock(),
        workbooks=Workbooks(
            read_budget=ports.get("read_budget") or _pick(readers).read_budget,
            read_ahead=ports.get("read_ahead")
            or (readers.read_ahead if readers else no_read_ahead),
            read_decision=ports.get("read_decision") or _pick(readers).read_decision,
            compare_figures=ports.get("compare_figures") or _pick(readers).compare_figures,
            write_review=ports.get("write_review") or write_review_workbook,
            write_rejected=ports.get("write_rejected") or rejected_writer(settings),
            write_current=ports.get("write_current") or current_writer(settings),
            read_mark=ports.get("read_mark") or read_version_mark,
            annotate=ports.get("annotate") or _pick(readers).annotate,
            write_template=ports.get("write_template") or template_writer(settings),
            summary_names=ports.get("summary_names") or _summary_names(settings),
        ),
        mail=Mail(
            render_mail=ports.get("render_mail") or JinjaMailRenderer(env),
            transport=ports.get("transport") or configured_transport(settings),
        ),
        identity=Identity(
            people=people,
            file_owner=ports.get("file_owner") or file_owner,
            process_account=ports.get("process_account") or process_account,
            approval_matrix=ports.get("approval_matrix") or _approval_matrix(settings, people),
        ),
        exporter=ports.get("exporter") or _exporter(settings, env),
        sweep_temporaries=ports.get("sweep_temporaries")
        or workspace_sweeper(settings, abandon_temporary),
        folders=folders,
        inbox=ports.get("inbox")
        or LocalInbox(settings.inbox, settings.root / "processing", observations, store.claimant),
        erp_outbox=ports.get("erp_outbox") or OutboxPublisher(settings.outbox),
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
    return LocalFolders(settings.archive, pass_lock_file(settings), shared, observations)


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


def _pick(readers: Readers | None) -> Readers:
    if readers is None:
        raise ConfigError("replace every reader (budget, decision, figures), or none")
    return readers


def watch_workspace(app: Services, run_pass: Callable[[], object], stop: threading.Event) -> None:
    """The daemon's loop: ``run_pass`` on every change in inbox/, approval/ and the ERP's
    results, on schedule, and as files settle, until ``stop`` (watchdog imported only here)."""
    from pipeline.adapters.files.watcher import watch

    settings = app.settings
    watch(
        [settings.inbox, settings.approval, settings.outbox / RESULTS],
        run_pass,
        settle_seconds=settings.settle_seconds,
        scan_interval=settings.scan_interval_seconds,
        polling=settings.watch_mode == "polling",
        poll_interval=settings.poll_interval_seconds,
        stop=stop,
        modified=app.folders.modified,
    )
