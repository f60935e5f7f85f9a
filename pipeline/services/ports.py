"""The ports: what the use cases need from the outside world, as Protocols the adapters fill."""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from pipeline.domain.approval_route import ApprovalMatrix, ApprovalRoute
from pipeline.domain.budget import BudgetDocument, BudgetLine
from pipeline.domain.changes import LineChange, ResendAssessment, ReturnedAmount
from pipeline.domain.erp_profile import ProfileSpec
from pipeline.domain.exports import ExportKind, Refusal
from pipeline.domain.lifecycle import Submission
from pipeline.domain.notification import Notification
from pipeline.domain.own_exports import Fingerprint, PublishedName
from pipeline.domain.people import Directory
from pipeline.domain.problems import Problem
from pipeline.domain.status_view import StatusView
from pipeline.domain.summary_figures import BudgetSummary, SummaryNames


@dataclass(frozen=True, kw_only=True)
class ReadResult:
    """A workbook read and checked: the budget (None when refused), the problems, who saved it."""

    document: BudgetDocument | None
    problems: list[Problem]
    last_modified_by: str = ""
    project_number: str = ""
    prepared_by: str = ""
    version_mark: str = ""  # the version a workbook we handed out was built from, as written


@dataclass(frozen=True)
class ChangeAssessment:
    """A budget change: the version last exported, every line changed since, and the changed
    lines that bring back an amount rejected before."""

    exported_version: int
    changes: list[LineChange]
    returns: list[ReturnedAmount] = field(default_factory=list)
    exported: Sequence[BudgetLine] = ()  # the exported version's lines


@dataclass(frozen=True, kw_only=True)
class ReviewContent:
    """Everything the approver's review workbook shows."""

    submission: Submission
    document: BudgetDocument
    approvers: list[str]
    warnings: list[Problem] = field(default_factory=list)
    resend: ResendAssessment | None = None
    change: ChangeAssessment | None = None
    token: str = ""  # the token of this issue of the review workbook
    summary: BudgetSummary | None = None  # None: the lines' totals alone
    refusal: Refusal | None = None  # issued again because the ERP refused the version's file
    time_zone: str = "UTC"  # the workspace's: the times the workbook shows
    route: ApprovalRoute | None = None  # the levels, the one it is issued to, those decided


@dataclass(frozen=True, kw_only=True)
class TakenFile:
    """A file taken from a shared folder, as the one descriptor it was opened with saw it:
    the use cases judge, hash, read and archive ``content``, never ``path`` again."""

    path: Path  # where it was found; its name names it in every message
    content: Path  # a private copy of its bytes (named like it), which only we can change
    sha256: str
    owner: str  # the account that owns it, as ``account_name`` has it
    size: int
    other_writers: str = ""  # who besides its owner may write it ("" when nobody)


@dataclass(frozen=True)
class ArchivedFile:
    """Bytes the archive keeps, under their hash."""

    sha256: str
    path: Path
    size: int
    modified: float  # when they were archived (seconds since the epoch)


class EntryKind(enum.StrEnum):
    """What an inbox entry is, as ``lstat`` sees it (a link is not followed)."""

    FILE = "file"
    FOLDER = "folder"
    LINK = "link"
    SPECIAL = "special"  # a pipe, socket or device


@dataclass(frozen=True, kw_only=True)
class InboxEntry:
    """One entry of the inbox."""

    path: Path
    kind: EntryKind
    size: int
    mtime: float
    links: int


class Folders(Protocol):
    """What the use cases do with the workspace's folders."""

    def sha256(self, path: Path) -> str: ...
    def take(
        self, path: Path, max_bytes: int | None = None
    ) -> AbstractContextManager[TakenFile]: ...
    def keep(self, taken: TakenFile) -> None: ...
    def archive(self, path: Path, sha256: str | None = None) -> str: ...
    def archive_soon(self, paths: Sequence[Path]) -> None: ...
    def restore(self, sha256: str, suffix: str, target: Path) -> bool: ...
    def archived(self, sha256: str, suffix: str) -> Path | None: ...
    def archived_files(self) -> list[ArchivedFile]: ...
    def discard_archived(self, item: ArchivedFile) -> None: ...
    def write(self, target: Path, write: Callable[[Path], object]) -> None: ...
    def write_text(self, target: Path, text: str) -> None: ...
    def exists(self, path: Path) -> bool: ...
    def squatter(self, path: Path) -> str: ...
    def regular_file(self, path: Path) -> bool: ...
    def regular_files(self, folder: Path) -> frozenset[str]: ...
    def signature(self, path: Path) -> tuple[int, ...] | None: ...
    def modified(self, path: Path) -> float | None: ...
    def remove(self, path: Path) -> None: ...
    def retire(self, path: Path, sha256: str | None = None) -> None: ...
    def hand_back(self, source: Path, folder: Path, note: str, name: str | None = None) -> Path: ...
    def handed_back_in(self, folder: Path) -> list[tuple[Path, float]]: ...
    def move_into(self, source: Path, folder: Path) -> Path: ...
    def settled(self, folder: Path, settle_seconds: float, now: float) -> list[Path]: ...
    def is_open(self, path: Path) -> bool: ...
    def kept_if_committed(self, path: Path) -> AbstractContextManager[None]: ...
    def pass_lock(self) -> AbstractContextManager[None]: ...
    def read_bounded(self, path: Path, max_bytes: int) -> bytes: ...


class InboxFolder(Protocol):
    """The inbox's entries and the claims of files being taken."""

    def entries(self) -> list[InboxEntry]: ...
    def is_complete_zip(self, path: Path) -> bool: ...
    def claim(self, path: Path) -> Path | None: ...
    def claims(self) -> list[Path]: ...
    def claimant(self, claim: Path) -> str: ...
    def tries(self, claim: Path) -> int: ...
    def count_try(self, claim: Path) -> Path: ...
    def release(self, claim: Path) -> None: ...


class ErpOutbox(Protocol):
    """Publishing ERP import files so that the ERP never sees one half-written; what lies
    under their names, and moving what is not ours into ``foreign/``; setting aside (into
    ``failed/``) those the ERP refused, so that it never takes one again. Names are relative
    to the outbox (a file may lie in ``changes/``)."""

    def publish(
        self,
        name: str,
        write: Callable[[Path], object],
        manifest: dict[str, Any],
        done: bool,
        intend: Callable[[Fingerprint], None],
    ) -> str: ...
    def published(self, project_number: str, version: int) -> list[PublishedName]: ...
    def move_to_foreign(self, found: PublishedName) -> list[str]: ...
    def seqs_in_foreign(self, project_number: str, version: int) -> list[int]: ...
    def mark_done(self, name: str) -> None: ...
    def set_aside(self, name: str, note: str) -> list[Path]: ...


class Clock(Protocol):
    """The one place time comes from, so tests can move it: the moment the workflow lives
    in, the file system's time, and a clock for waits."""

    def now(self) -> datetime:
        """The current moment, timezone-aware (shifted when the program runs on a chosen
        moment: summaries, working days, history)."""
        ...

    def file_time(self) -> float:
        """Seconds since the epoch as file modification times count them (never shifted: a
        file's age is measured against it)."""
        ...

    def monotonic(self) -> float:
        """Seconds that only go forward (how long to back off, and since when)."""
        ...


class BudgetReader(Protocol):
    """Reads and checks an admin's workbook. ``sha256``, when given, is the hash of the
    file's bytes: a result read ahead from the claimed file of the same name is used only
    when it was read from those very bytes."""

    def __call__(self, path: Path, sha256: str = "") -> ReadResult: ...


class ReadAhead(Protocol):
    """Starts reading and checking these claimed inbox files in the background, in this
    order, so that each is ready when the pass takes it; whatever was read ahead before and
    is not listed again is dropped (``[]`` at the end of a pass). May do nothing."""

    def __call__(self, paths: Sequence[Path]) -> None: ...


class FileOwner(Protocol):
    """The operating-system account that owns (last saved) a file."""

    def __call__(self, path: Path) -> str: ...


class ProcessAccount(Protocol):
    """The operating-system account this process runs under."""

    def __call__(self) -> str: ...


class SummaryNamesSource(Protocol):
    """Reads what the ERP's lists call cost types and divisions, fresh, for the Summary."""

    def __call__(self) -> SummaryNames: ...


@dataclass(frozen=True, kw_only=True)
class ExportJob:
    """What one ERP file holds: a version's lines (or, for a change, the changed amounts)."""

    project_number: str
    project_name: str
    version: int
    kind: ExportKind  # original or change
    lines: Sequence[BudgetLine]
    at: datetime


class Exporter(Protocol):
    """Writes ERP import files in the layout of a profile."""

    def profile(self, name: str) -> ProfileSpec: ...

    def __call__(self, profile: str, job: ExportJob, target: Path) -> None: ...


class Annotator(Protocol):
    """Writes the annotated copy of a refused workbook."""

    def __call__(self, source: Path, problems: Sequence[Problem], target: Path) -> None: ...


@dataclass(frozen=True)
class RenderedMail:
    """A message rendered from a template: subject, plain text and HTML."""

    subject: str
    text: str
    html: str


class MailRenderer(Protocol):
    """Renders ``templates/email/<name>.txt.j2`` and ``.html.j2``."""

    def __call__(self, template: str, context: dict[str, object]) -> RenderedMail: ...


class MailTransport(Protocol):
    """Delivers one message; raises MailTemporaryError or MailPermanentError on failure."""

    def __call__(self, notification: Notification, sender: str) -> None: ...


class PeopleSource(Protocol):
    """Reads ``rules/people.toml`` fresh, so edits take effect without a restart."""

    def __call__(self) -> Directory: ...


class ApprovalMatrixSource(Protocol):
    """Reads ``rules/approval.toml`` fresh: a change applies to the versions sent after it."""

    def __call__(self) -> ApprovalMatrix: ...


class TemporarySweep(Protocol):
    """Removes the temporary files our interrupted writes left in the folders we write into,
    once their writer is gone; never another live process's write in progress."""

    def __call__(self) -> list[Path]: ...


class StatusPageRenderer(Protocol):
    """Renders the status page as one self-contained HTML document, every text escaped."""

    def __call__(self, view: StatusView) -> str: ...


class EnvironmentCheck(Protocol):
    """What in the environment keeps files waiting now (the state database locked by
    another program, an ERP list with no rows), one sentence each; read-only."""

    def __call__(self) -> list[str]: ...
