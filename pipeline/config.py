"""The workspace: its folders and ``budget-erp.toml`` settings, read once into a frozen Settings."""

from __future__ import annotations

import os
import shutil
import tomllib
from dataclasses import dataclass, field
from datetime import date, time
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pipeline.config_keys import SETTINGS_KEYS, check_keys
from pipeline.domain.identifiers import same_project
from pipeline.domain.identity import IdentityPolicy, OwnerMode
from pipeline.domain.retention import Retention, retention_from
from pipeline.domain.working_time import WorkingDays, weekday_numbers
from pipeline.errors import ConfigError, WorkspaceError

CONFIG_NAME = "budget-erp.toml"
ENV_DATABASE_URL = "BUDGET_ERP_DATABASE_URL"
FOLDERS = ("inbox", "approval", "rejected", "current", "outbox", "outbox/results", "archive")


@dataclass(frozen=True)
class PackageLimits:
    """What a workbook may be before it is parsed (``[limits]`` in budget-erp.toml)."""

    max_bytes: int = 50 * 2**20
    max_entries: int = 10_000
    max_uncompressed: int = 500 * 2**20
    max_ratio: float = 200.0


@dataclass(frozen=True, kw_only=True)
class SmtpSettings:
    """Where ``transport = "smtp"`` sends; the user and password come from the environment."""

    host: str = "localhost"
    port: int = 25
    starttls: bool = False
    ssl: bool = False
    timeout_seconds: float = 30.0
    max_attempts: int = 12


@dataclass(frozen=True, kw_only=True)
class Settings:
    """Everything the program needs to know about one workspace, paths resolved."""

    root: Path
    inbox: Path
    approval: Path
    rejected: Path
    current: Path  # the budget in force in the ERP, one workbook per project
    outbox: Path
    archive: Path
    mail_dir: Path
    rules: Path
    templates: Path
    database: Path
    database_url: str = ""  # a PostgreSQL URL (libpq), or "" for SQLite in ``database``
    lease_seconds: float = 60.0
    backup_hours: float = 24.0  # SQLite: a backup into state/backups/ this often; 0: none
    backup_keep: int = 7  # the newest this many backups are kept
    settle_seconds: float = 2.0
    incomplete_seconds: float = 120.0
    scan_interval_seconds: float = 30.0
    watch_mode: str = "native"
    poll_interval_seconds: float = 1.0
    unchanged_flagged_lines: str = "refuse"
    mail_transport: str = "file"
    mail_from: str = "budget-erp@localhost"
    smtp: SmtpSettings = field(default_factory=lambda: SmtpSettings())
    summary_time: time = time(8, 0)
    time_zone: str = "UTC"
    reminders: str = "summary"
    package_limits: PackageLimits = field(default_factory=PackageLimits)
    isolate_parsing: bool = True
    parse_seconds: float = 120.0
    parse_memory_mb: int = 2048
    parse_workers: int = 1
    max_result_kb: int = 1024
    export_profile: str = "generic-csv"  # "": none known (``check`` outside a workspace)
    export_job_profiles: dict[str, str] = field(default_factory=dict)
    export_done_marker: bool = False
    export_results: bool | None = None  # whether the ERP answers; None: "auto"
    identity: IdentityPolicy = field(default_factory=IdentityPolicy)
    status_page: Path | None = None  # the status page (``[status] page``); None: none
    status_url: str = ""  # how people reach the workspace, for the link in emails
    status_refresh_minutes: float = 5.0
    overdue_days: float = 3.0
    working_days: WorkingDays = field(default_factory=WorkingDays)  # ages in the summary
    summary_grace_minutes: float = 30.0  # a version this new waits for the next summary
    escalate_after_days: int = 0  # business days at one level before it escalates (0: never)
    retention: Retention = field(default_factory=Retention)  # what ``prune`` removes, when

    def folders(self) -> list[Path]:
        """Every folder the program writes into."""
        return [self.inbox, self.approval, self.rejected, self.current, self.outbox, self.archive]


def profile_for_settings(settings: Settings, project_number: str) -> str:
    """The ERP profile of a job: its own (``[export.jobs]``), else the company's."""
    for job, profile in settings.export_job_profiles.items():
        if same_project(job, project_number):
            return profile
    return settings.export_profile


def load_settings(root: Path) -> Settings:
    """Read ``budget-erp.toml`` in ``root``; raise WorkspaceError or ConfigError if unusable."""
    root = root.resolve()
    path = root / CONFIG_NAME
    if not path.is_file():
        raise WorkspaceError(
            f"{root} is not a budget-erp workspace (no {CONFIG_NAME}); "
            "run 'budget-erp init' there first"
        )
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    try:
        check_keys(data, SETTINGS_KEYS)
        return _settings_from(root, data)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def default_settings(root: Path) -> Settings:
    """The settings of a workspace with no ``budget-erp.toml``: every default, rooted at
    ``root`` (its rules and templates fall back to the packaged ones)."""
    return _settings_from(root.resolve(), {})


def _settings_from(root: Path, data: dict[str, Any]) -> Settings:
    folders = data.get("folders", {})
    watch = data.get("watch", {})
    mail = data.get("mail", {})
    notify = data.get("notify", {})
    export = data.get("export", {})
    limits = data.get("limits", {})
    identity = data.get("identity", {})
    status = data.get("status", {})
    state = data.get("state", {})

    def folder(name: str, default: str) -> Path:
        return _inside(root, str(folders.get(name, default)), f"folders.{name}")

    settings = Settings(
        root=root,
        inbox=folder("inbox", "inbox"),
        approval=folder("approval", "approval"),
        rejected=folder("rejected", "rejected"),
        current=folder("current", "current"),
        outbox=folder("outbox", "outbox"),
        archive=folder("archive", "archive"),
        mail_dir=folder("mail", "mail"),
        rules=folder("rules", "rules"),
        templates=folder("templates", "templates"),
        database=_inside(
            root,
            str(state.get("database", "state/budget-erp.sqlite")),
            "state.database",
        ),
        database_url=database_url(state),
        lease_seconds=float(state.get("lease_seconds", 60.0)),
        backup_hours=float(state.get("backup_hours", 24.0)),
        backup_keep=int(state.get("backup_keep", 7)),
        settle_seconds=float(watch.get("settle_seconds", 2.0)),
        incomplete_seconds=float(watch.get("incomplete_seconds", 120.0)),
        scan_interval_seconds=float(watch.get("scan_interval_seconds", 30.0)),
        watch_mode=str(watch.get("mode", "native")),
        poll_interval_seconds=float(watch.get("poll_interval_seconds", 1.0)),
        unchanged_flagged_lines=str(
            data.get("resend", {}).get("unchanged_flagged_lines", "refuse")
        ),
        mail_transport=str(mail.get("transport", "file")),
        mail_from=str(mail.get("from", "budget-erp@localhost")),
        smtp=SmtpSettings(
            host=str(mail.get("host", "localhost")),
            port=int(mail.get("port", 465 if mail.get("ssl") else 25)),
            starttls=bool(mail.get("starttls", False)),
            ssl=bool(mail.get("ssl", False)),
            timeout_seconds=float(mail.get("timeout_seconds", 30.0)),
            max_attempts=int(mail.get("max_attempts", 12)),
        ),
        summary_time=time.fromisoformat(str(notify.get("summary_time", "08:00"))),
        time_zone=str(notify.get("time_zone", "UTC")),
        reminders=str(notify.get("reminders", "summary")),
        package_limits=PackageLimits(
            max_bytes=int(float(limits.get("max_workbook_mb", 50)) * 2**20),
            max_entries=int(limits.get("max_zip_entries", 10_000)),
            max_uncompressed=int(float(limits.get("max_uncompressed_mb", 500)) * 2**20),
            max_ratio=float(limits.get("max_compression_ratio", 200)),
        ),
        isolate_parsing=bool(limits.get("isolate_parsing", True)),
        parse_seconds=float(limits.get("parse_seconds", 120)),
        parse_memory_mb=int(limits.get("parse_memory_mb", 2048)),
        parse_workers=int(limits.get("parse_workers", 1)),
        max_result_kb=int(limits.get("max_result_kb", 1024)),
        export_profile=str(export.get("profile", "generic-csv")),
        export_job_profiles={str(k): str(v) for k, v in export.get("jobs", {}).items()},
        export_done_marker=bool(export.get("done_marker", False)),
        export_results=_results(export.get("results", "auto")),
        identity=_identity(identity),
        status_page=_status_page(root, status),
        status_url=str(status.get("url", "")).strip(),
        status_refresh_minutes=float(status.get("refresh_minutes", 5.0)),
        overdue_days=float(notify.get("overdue_days", 3)),
        working_days=_working_days(notify),
        summary_grace_minutes=float(notify.get("summary_grace_minutes", 30)),
        escalate_after_days=_whole_days(notify.get("escalate_after_days", 0)),
        retention=retention_from(data.get("retention", {})),
    )
    _check_choice("watch.mode", settings.watch_mode, {"native", "polling"})
    _check_choice(
        "resend.unchanged_flagged_lines", settings.unchanged_flagged_lines, {"refuse", "warn"}
    )
    _check_choice("mail.transport", settings.mail_transport, {"file", "smtp", "none"})
    _check_choice("notify.reminders", settings.reminders, {"summary", "separate"})
    try:
        ZoneInfo(settings.time_zone)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            f"notify.time_zone = {settings.time_zone!r} is not a known time zone"
        ) from exc
    if settings.settle_seconds < 0 or settings.scan_interval_seconds <= 0:
        raise ValueError("watch.settle_seconds must be >= 0 and scan_interval_seconds > 0")
    if settings.summary_grace_minutes < 0:
        raise ValueError("notify.summary_grace_minutes must be >= 0")
    if settings.overdue_days <= 0 or settings.status_refresh_minutes <= 0:
        raise ValueError("notify.overdue_days and status.refresh_minutes must be > 0")
    if settings.lease_seconds < 2:
        raise ValueError(f"state.lease_seconds = {settings.lease_seconds}; expected 2 or more")
    if settings.backup_hours < 0 or settings.backup_keep < 1:
        raise ValueError(
            f"state.backup_hours = {settings.backup_hours:g} and backup_keep = "
            f"{settings.backup_keep}: expected hours >= 0 (0: no backups) and keep >= 1"
        )
    if not 1 <= settings.parse_workers <= 16:
        raise ValueError(f"limits.parse_workers = {settings.parse_workers}; expected 1 to 16")
    if settings.max_result_kb <= 0:
        raise ValueError(f"limits.max_result_kb = {settings.max_result_kb}; expected a size > 0")
    return settings


def database_url(state: dict[str, Any]) -> str:
    """The PostgreSQL URL: ``BUDGET_ERP_DATABASE_URL``, else ``[state] url``, else "" (SQLite).
    A password is refused in the file: it comes from the environment (``PGPASSWORD``, or the
    variable's URL) or libpq's ``~/.pgpass``, never from a file in the workspace."""
    configured = str(state.get("url", ""))
    if configured and (
        not configured.startswith(("postgresql://", "postgres://"))
        or urlsplit(configured).password is not None
        or "password=" in configured.lower()
    ):
        raise ValueError(
            "state.url must be a postgresql:// URL without a password; give the password "
            "in PGPASSWORD or ~/.pgpass (or the whole URL in BUDGET_ERP_DATABASE_URL)"
        )
    url = os.environ.get(ENV_DATABASE_URL, "") or configured
    if url and not url.startswith(("postgresql://", "postgres://")):
        raise ValueError(f"{ENV_DATABASE_URL} must be a postgresql:// URL")
    return url


def _identity(section: dict[str, Any]) -> IdentityPolicy:
    mode = str(section.get("file_owner", "record"))
    _check_choice("identity.file_owner", mode, {m.value for m in OwnerMode})
    self_approval = section.get("self_approval", False)
    if not isinstance(self_approval, bool):
        raise ValueError(f"identity.self_approval = {self_approval!r}; expected true or false")
    return IdentityPolicy(OwnerMode(mode), self_approval)


def _working_days(notify: dict[str, Any]) -> WorkingDays:
    """``[notify] workdays`` (Monday to Friday unless set) and ``holidays`` (ISO dates)."""
    names = notify.get("workdays", ["Mon", "Tue", "Wed", "Thu", "Fri"])
    holidays = notify.get("holidays", [])
    if not isinstance(names, list) or not isinstance(holidays, list):
        raise ValueError("notify.workdays and notify.holidays must be lists")
    try:
        days = frozenset(h if isinstance(h, date) else date.fromisoformat(str(h)) for h in holidays)
    except ValueError as exc:
        raise ValueError(f"notify.holidays: {exc}; expected dates like 2026-12-25") from exc
    return WorkingDays(weekday_numbers([str(n) for n in names]), days)


def _results(value: object) -> bool | None:
    """``[export] results``: true, false, or "auto" (None: in use once a result is applied)."""
    if value == "auto":
        return None
    if not isinstance(value, bool):
        raise ValueError(f'export.results = {value!r}; expected true, false or "auto"')
    return value


def _status_page(root: Path, section: dict[str, Any]) -> Path | None:
    """Where the status page goes, inside the workspace; an empty ``page`` turns it off."""
    page = str(section.get("page", "status/index.html")).strip()
    if not page:
        return None
    path = _inside(root, page, "status.page")
    if path == root or not path.name.lower().endswith((".html", ".htm")):
        raise ValueError(f"status.page = {page!r}; expected a file name ending in .html")
    return path


def _inside(root: Path, relative: str, key: str) -> Path:
    """Resolve a configured folder and refuse any that lies outside the workspace."""
    path = (root / relative).resolve()
    if path != root and root not in path.parents:
        raise ValueError(f"{key} = {relative!r} points outside the workspace")
    return path


def _check_choice(key: str, value: str, allowed: set[str]) -> None:
    if value not in allowed:
        raise ValueError(f"{key} = {value!r}; expected one of {', '.join(sorted(allowed))}")


def init_workspace(root: Path) -> list[Path]:
    """Create a workspace in ``root`` from the packaged defaults; never overwrite a file.

    Returns the files and folders that were created.
    """
    root.mkdir(parents=True, exist_ok=True)
    created: list[Path] = []
    defaults = resources.files("pipeline") / "workspace_defaults"
    with resources.as_file(defaults) as source:
        for item in sorted(source.rglob("*")):
            target = root / item.relative_to(source)
            if item.is_dir() or target.exists() or item.name == "__pycache__":
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(item, target)
            created.append(target)
    for name in FOLDERS:
        if not (root / name).is_dir():
            (root / name).mkdir(parents=True)
            created.append(root / name)
    return created


def _whole_days(value: object) -> int:
    """``[notify] escalate_after_days``: a whole number of business days (0: off)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(
            f"notify.escalate_after_days = {value!r}; expected a whole number of business "
            "days, 0 or more (0: no escalation)"
        )
    return value
