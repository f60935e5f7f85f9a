"""In-memory fakes of the ports, for use-case tests that touch no disk: folders as a dict of
paths, an inbox over them, an outbox, readers that return prepared answers, writers and mail
that record what they were given. The store is the dict-backed fake of ``memory_store.py``,
which passes the same contract tests as SQLite and PostgreSQL."""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from pipeline.bootstrap import bootstrap
from pipeline.config import Settings, default_settings
from pipeline.domain.budget import BudgetDocument
from pipeline.domain.erp_profile import ProfileSpec
from pipeline.domain.names import REFUSED_NOTE, refused_note
from pipeline.domain.notification import Notification
from pipeline.domain.own_exports import Fingerprint, Found, PublishedName
from pipeline.domain.people import Directory, make_person
from pipeline.domain.review import Decision, Rejection, ReviewMarks
from pipeline.domain.review_figures import FigureComparison, ReviewFigures, SheetFigures
from pipeline.domain.version_mark import VersionMark
from pipeline.errors import FileTooLarge
from pipeline.services.context import Services
from pipeline.services.ports import (
    ArchivedFile,
    EntryKind,
    ExportJob,
    InboxEntry,
    ReadResult,
    RenderedMail,
    ReviewContent,
    TakenFile,
)
from pipeline.services.records import Store
from pipeline.services.review_ports import SavedReview
from pipeline.services.workbook_ports import CurrentWriter, MarkReader
from tests.support.memory_store import MemoryStore

ROOT = Path("/workspace")  # never on disk: every file lives in FakeFolders.files
# The fingerprint every fake review workbook is issued with.
ISSUED_FIGURES = ReviewFigures(
    {"Review": SheetFigures("review-as-issued", 20), "Lines": SheetFigures("lines-as-issued", 5)},
    {"Decision": "Review!B14", "Reason": "Review!B15", "Approver": "Review!B16"},
)
NOW = datetime(2026, 3, 2, 7, 0, tzinfo=UTC)
PEOPLE = Directory(
    (
        make_person("Ada Admin", "ada@example.com", ["budget_admin"], ["*"], True, ["ada"]),
        make_person(
            "Carl Accountant", "carl@example.com", ["accounting_approver"], ["*"], True, ["carl"]
        ),
    )
)


@dataclass
class FakeFolders:
    """The workspace's files as a dict; an "archive" keeps bytes by their fake hash."""

    files: dict[Path, bytes] = field(default_factory=dict)
    mtimes: dict[Path, float] = field(default_factory=dict)
    archive_bytes: dict[str, bytes] = field(default_factory=dict)
    open_in_office: set[Path] = field(default_factory=set)
    owners: dict[Path, str] = field(default_factory=dict)  # else Carl's or Ada's (take)
    # Bytes a racer renames over a file just after it is taken (its copy keeps the bytes taken).
    renamed_over: dict[Path, bytes] = field(default_factory=dict)

    def put(self, path: Path, data: bytes = b"workbook", mtime: float = 0.0) -> Path:
        """A file as a person drops it."""
        self.files[path], self.mtimes[path] = data, mtime
        return path

    def names(self, folder: Path) -> list[str]:
        """The names of the files directly in ``folder``."""
        return sorted(p.name for p in self.files if p.parent == folder)

    def sha256(self, path: Path) -> str:
        return f"sha-{self.files[path].hex()[:40]}-{len(self.files[path])}"

    def archive(self, path: Path, sha256: str | None = None) -> str:
        sha = sha256 or self.sha256(path)
        self.archive_bytes[sha] = self.files[path]
        return sha

    @contextlib.contextmanager
    def take(self, path: Path, max_bytes: int | None = None) -> Iterator[TakenFile]:
        """The file as is: its fake "copy" is itself, unless a racer renames other bytes over
        it (``renamed_over``); review workbooks are Carl's, the rest (inbox files, their
        claims, results) Ada's."""
        if path not in self.files:
            raise FileNotFoundError(path)
        data = self.files[path]
        if max_bytes is not None and len(data) > max_bytes:
            raise FileTooLarge(len(data), max_bytes)
        owner = self.owners.get(path, "carl" if "approval" in path.parts else "ada")
        taken = TakenFile(
            path=path, content=path, sha256=self.sha256(path), owner=owner, size=len(data)
        )
        if path not in self.renamed_over:
            yield taken
            return
        copy = self.put(ROOT / "taken" / path.name, data)  # private, named like it
        self.files[path] = self.renamed_over.pop(path)
        try:
            yield replace(taken, content=copy)
        finally:
            self.remove(copy)

    def keep(self, taken: TakenFile) -> None:
        self.archive_bytes[taken.sha256] = self.files[taken.content]

    def archived_files(self) -> list[ArchivedFile]:
        return [
            ArchivedFile(sha, ROOT / "archive" / sha, len(data), 0.0)
            for sha, data in self.archive_bytes.items()
        ]

    def discard_archived(self, item: ArchivedFile) -> None:
        self.archive_bytes.pop(item.sha256, None)

    def archive_soon(self, paths: Sequence[Path]) -> None:
        """Archived when taken, as the adapter's ``archive`` waits for it anyway."""

    def restore(self, sha256: str, suffix: str, target: Path) -> bool:
        if sha256 not in self.archive_bytes:
            return False
        self.put(target, self.archive_bytes[sha256])
        return True

    def archived(self, sha256: str, suffix: str) -> Path | None:
        return ROOT / "archive" / f"{sha256}{suffix}" if sha256 in self.archive_bytes else None

    def write(self, target: Path, write: Callable[[Path], object]) -> None:
        write(target)  # fake writers record what they were asked to write
        self.files.setdefault(target, b"written by a fake writer")
        self.mtimes[target] = time.time()  # just written: not settled yet

    def write_text(self, target: Path, text: str) -> None:
        self.files[target] = text.encode()
        self.mtimes[target] = time.time()

    def exists(self, path: Path) -> bool:
        return path in self.files

    def squatter(self, path: Path) -> str:
        return ""  # the fake holds regular files only

    def regular_file(self, path: Path) -> bool:
        return path in self.files

    def regular_files(self, folder: Path) -> frozenset[str]:
        return frozenset(path.name for path in self.files if path.parent == folder)

    def signature(self, path: Path) -> tuple[int, ...] | None:
        if path not in self.files:
            return None
        return (hash(self.files[path]), int(self.mtimes.get(path, 0.0) * 1e9))

    def modified(self, path: Path) -> float | None:
        return self.mtimes.get(path, 0.0) if path in self.files else None

    def remove(self, path: Path) -> None:
        self.files.pop(path, None)

    def retire(self, path: Path, sha256: str | None = None) -> None:
        if path in self.files:
            self.archive(path, sha256)
        self.remove(path)
        self.remove(path.with_name(refused_note(path.name)))

    def hand_back(self, source: Path, folder: Path, note: str, name: str | None = None) -> Path:
        target = folder / (name or source.name)
        self.files[target] = self.files.pop(source)
        self.write_text(target.with_name(refused_note(target.name)), note)
        return target

    def handed_back_in(self, folder: Path) -> list[tuple[Path, float]]:
        notes = [p for p in self.files if p.parent == folder and p.name.endswith(REFUSED_NOTE)]
        handed = [(n.with_name(n.name.removesuffix(REFUSED_NOTE)), self.mtimes[n]) for n in notes]
        return sorted((path, at) for path, at in handed if path in self.files)

    def move_into(self, source: Path, folder: Path) -> Path:
        target = folder / source.name
        self.files[target] = self.files.pop(source)
        return target

    def settled(self, folder: Path, settle_seconds: float, now: float) -> list[Path]:
        return sorted(
            p
            for p in self.files
            if p.parent == folder and now - self.mtimes.get(p, 0.0) >= settle_seconds
        )

    def is_open(self, path: Path) -> bool:
        return path in self.open_in_office

    @contextlib.contextmanager
    def kept_if_committed(self, path: Path) -> Iterator[None]:
        try:
            yield
        except BaseException:
            self.remove(path)
            raise

    @contextlib.contextmanager
    def pass_lock(self) -> Iterator[None]:
        yield

    def read_bounded(self, path: Path, max_bytes: int) -> bytes:
        return self.files[path][:max_bytes]


@dataclass
class FakeInbox:
    """``inbox/`` over the fake folders; claims move files into ``processing/<n>/``."""

    folders: FakeFolders
    counter: Iterator[int] = field(default_factory=itertools.count)

    @property
    def inbox(self) -> Path:
        return ROOT / "inbox"

    def entries(self) -> list[InboxEntry]:
        return [
            InboxEntry(
                path=p,
                kind=EntryKind.FILE,
                size=len(data),
                mtime=self.folders.mtimes.get(p, 0.0),
                links=1,
            )
            for p, data in sorted(self.folders.files.items())
            if p.parent == self.inbox
        ]

    def is_complete_zip(self, path: Path) -> bool:
        return True

    def claim(self, path: Path) -> Path | None:
        if path not in self.folders.files:
            return None
        target = ROOT / "processing" / str(next(self.counter)) / path.name
        self.folders.files[target] = self.folders.files.pop(path)
        return target

    def claims(self) -> list[Path]:
        return sorted(p for p in self.folders.files if p.parent.parent == ROOT / "processing")

    def claimant(self, claim: Path) -> str:
        return ""

    def tries(self, claim: Path) -> int:
        return 0

    def count_try(self, claim: Path) -> Path:
        return claim

    def release(self, claim: Path) -> None:
        """Claim folders are implied by the paths: nothing to remove."""


class PowerCut(BaseException):
    """The machine lost power: the process stops there, as ``os._exit`` stops it (no trap of
    one item's failure catches a ``BaseException``)."""


@dataclass
class FakeOutbox:
    """ERP files published, by name, with their manifests; and what a test put under a
    version's names (``planted``) or in outbox/foreign/ (``aside``, sequence numbers).
    ``cut_power`` stops the next publish "before rename" (its intent recorded, no file in
    view) or "after rename" (its file in view, listed by ``published``, never recorded)."""

    published_files: dict[str, dict[str, Any]] = field(default_factory=dict)
    set_aside_notes: dict[str, str] = field(default_factory=dict)  # by file name
    planted: list[PublishedName] = field(default_factory=list)
    aside: list[int] = field(default_factory=list)
    moved: list[str] = field(default_factory=list)
    cut_power: Literal["", "before rename", "after rename"] = ""

    def publish(
        self,
        name: str,
        write: Callable[[Path], object],
        manifest: dict[str, Any],
        done: bool,
        intend: Callable[[Fingerprint], None],
    ) -> str:
        write(ROOT / "outbox" / name)
        ours = Fingerprint(f"sha-of-{name}", f"sha-of-{name}.manifest.json")
        intend(ours)
        cut, self.cut_power = self.cut_power, ""
        if cut == "before rename":
            raise PowerCut(f"before {name} was renamed into view")
        self.published_files[name] = {**manifest, "file": name, "sha256": ours.sha256}
        if cut == "after rename":
            data = Found(name, ours.sha256)
            listed = Found(f"{name}.manifest.json", ours.manifest_sha256)
            self.planted.append(
                PublishedName(name=name, seq=int(manifest["seq"]), data=data, manifest=listed)
            )
            raise PowerCut(f"after {name} was renamed into view")
        return ours.sha256

    def published(self, project_number: str, version: int) -> list[PublishedName]:
        return [n for n in self.planted if n.name.startswith(f"{project_number}_v{version}_")]

    def move_to_foreign(self, found: PublishedName) -> list[str]:
        self.planted.remove(found)
        self.moved.append(found.name)
        self.aside.append(found.seq)
        return [f"foreign/{e.name}" for e in found.entries]

    def seqs_in_foreign(self, project_number: str, version: int) -> list[int]:
        return list(self.aside)

    def mark_done(self, name: str) -> None:
        """No markers in the fake."""

    def set_aside(self, name: str, note: str) -> list[Path]:
        """A published file leaves the fake outbox once, with its note."""
        if name not in self.published_files or name in self.set_aside_notes:
            return []
        self.set_aside_notes[name] = note
        failed = ROOT / "outbox" / "failed" / name
        return [failed.with_name(f"{name}.error.txt"), failed]


@dataclass
class Recorder:
    """Fake writers, renderer and transport: each keeps what it was given."""

    reviews: list[ReviewContent] = field(default_factory=list)
    rejected: list[tuple[BudgetDocument, Rejection]] = field(default_factory=list)
    current: list[tuple[BudgetDocument, int]] = field(default_factory=list)
    exports: list[tuple[str, ExportJob]] = field(default_factory=list)
    rendered: list[tuple[str, dict[str, object]]] = field(default_factory=list)  # template, context
    sent: list[Notification] = field(default_factory=list)

    def write_review(self, content: ReviewContent, target: Path) -> ReviewFigures:
        self.reviews.append(content)
        return ISSUED_FIGURES

    def write_rejected(self, document: BudgetDocument, rejection: Rejection, target: Path) -> None:
        self.rejected.append((document, rejection))

    def export(self, profile: str, job: ExportJob, target: Path) -> None:
        self.exports.append((profile, job))

    def render(self, template: str, context: dict[str, object]) -> RenderedMail:
        self.rendered.append((template, context))
        return RenderedMail(f"{template} {context.get('project_number', '')}", "text", "<p/>")

    def transport(self, notification: Notification, sender: str) -> None:
        self.sent.append(notification)


def current_writer(folders: FakeFolders, recorder: Recorder) -> CurrentWriter:
    """A fake writer of the budget in force: its file holds nothing but its version mark
    (which the fake mark reader reads back), and the recorder keeps what it was given."""

    def write(document: BudgetDocument, version: int, target: Path) -> None:
        recorder.current.append((document, version))
        folders.files[target] = str(VersionMark(document.project_number, version)).encode()

    return write


def mark_reader(folders: FakeFolders) -> MarkReader:
    """Reads back the mark a fake budget in force holds ("" for any other file)."""
    return lambda path: folders.files.get(path, b"").decode(errors="replace")


class FakeExporter:
    """One layout (``generic-csv``), written by the recorder."""

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder

    def profile(self, name: str) -> ProfileSpec:
        return ProfileSpec(name=name, description="a fake layout", extension="csv")

    def __call__(self, profile: str, job: ExportJob, target: Path) -> None:
        self.recorder.export(profile, job, target)


@dataclass
class Answers:
    """What the fake readers say of each path: a budget read, or a saved review."""

    budgets: dict[str, ReadResult] = field(default_factory=dict)
    reviews: dict[str, SavedReview] = field(default_factory=dict)
    changed_cells: dict[str, FigureComparison] = field(default_factory=dict)
    read_from: list[Path] = field(default_factory=list)  # what the review readers were given

    def read_budget(self, path: Path, sha256: str = "") -> ReadResult:
        return self.budgets[path.name]

    def read_decision(
        self, path: Path, line_count: int, issued: ReviewFigures | None
    ) -> SavedReview:
        self.read_from.append(path)
        return self.reviews[path.name]

    def compare_figures(
        self, saved: Path, issued_copy: Path, issued: ReviewFigures, sheets: Sequence[str]
    ) -> FigureComparison:
        self.read_from.append(saved)
        return self.changed_cells[saved.name]


@dataclass
class FakeWorld:
    """A whole workspace of fakes, wired by the real ``bootstrap``."""

    app: Services
    folders: FakeFolders
    recorder: Recorder
    answers: Answers
    outbox: FakeOutbox
    clock: FixedClock


def fake_world(settings: Settings | None = None) -> FakeWorld:
    """Services on fakes only: nothing is read from or written to the disk."""
    folders, recorder, answers, outbox = FakeFolders(), Recorder(), Answers(), FakeOutbox()
    settings, clock = settings or default_settings(ROOT), FixedClock()
    app = _wired(settings, MemoryStore(), clock, folders, recorder, answers, outbox)
    return FakeWorld(app, folders, recorder, answers, outbox, clock)


def restarted(world: FakeWorld) -> FakeWorld:
    """A new process on the same workspace: the same folders, outbox and state, but nothing
    the last process held in memory (after a ``PowerCut``, say)."""
    w = world
    app = _wired(w.app.settings, w.app.store, w.clock, w.folders, w.recorder, w.answers, w.outbox)
    return replace(world, app=app)


def _wired(
    settings: Settings,
    store: Store,
    clock: FixedClock,
    folders: FakeFolders,
    recorder: Recorder,
    answers: Answers,
    outbox: FakeOutbox,
) -> Services:
    return bootstrap(
        settings,
        store=store,
        clock=clock,
        people=lambda: PEOPLE,
        read_budget=answers.read_budget,
        read_decision=answers.read_decision,
        compare_figures=answers.compare_figures,
        write_review=recorder.write_review,
        write_rejected=recorder.write_rejected,
        write_current=current_writer(folders, recorder),
        read_mark=mark_reader(folders),
        exporter=FakeExporter(recorder),
        render_mail=recorder.render,
        transport=recorder.transport,
        annotate=lambda source, problems, target: None,
        write_template=lambda target, project_number: None,
        file_owner=lambda path: "carl" if "approval" in path.parts else "ada",
        process_account=lambda: "ada",
        sweep_temporaries=list,
        folders=folders,
        inbox=FakeInbox(folders),
        erp_outbox=outbox,
    )


@dataclass
class FixedClock:
    """Time stands still at ``at`` (``NOW`` unless a test moves it), for the workflow and
    the file system alike."""

    at: datetime = NOW

    def now(self) -> datetime:
        return self.at

    def file_time(self) -> float:
        return self.at.timestamp()

    def monotonic(self) -> float:
        return self.at.timestamp()


def decided(verdict: str, approver: str = "Carl Accountant", reason: str = "") -> SavedReview:
    """A saved review whose token matches whatever review was issued last (the use case
    compares it with the store; tests set the token they expect), showing the figures every
    fake review is issued with."""
    return SavedReview(Decision(verdict, reason, approver), ReviewMarks(), ISSUED_FIGURES)


def with_token(review: SavedReview, token: str) -> SavedReview:
    """The same saved review, carrying the token of an issued review workbook."""
    return SavedReview(review.decision, ReviewMarks((token, token)), review.figures)
