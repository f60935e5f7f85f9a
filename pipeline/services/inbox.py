"""Use case: one pass over the inbox. Take only finished regular files, claim each by an
atomic rename into ``processing/``, refuse links, special files, folders and odd names
without following them, and finish whatever a crash left claimed (only this process's own
claims and those of passes that are gone: another daemon's pass may be taking the rest).
Every entry is answered: taken, handed back with a note, or (an Office lock or temporary
file) left while fresh."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from pipeline.domain.text import hidden_characters, printable
from pipeline.faults import crash_point
from pipeline.services.containment import trapped_all
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.ports import EntryKind, InboxEntry
from pipeline.services.sharing import RECOVERY

MAX_CLAIM_TRIES = 3  # a claim that fails this often is handed back, not retried forever
# Names of writes still in progress (Excel's extensionless temporaries, LibreOffice's,
# downloads), held until they are ``incomplete_seconds`` old and handed back after that.
TEMPORARY_SUFFIXES = (".tmp", ".part", ".crdownload", ".osl-tmp", ".refused.txt", "#")


def inbox_pass(
    app: Services, take: Callable[[Path, bool], Outcome], settle: float, now: float | None = None
) -> list[Outcome]:
    """Recover claims left by a crash, then answer every inbox entry that is due."""
    now = app.clock.file_time() if now is None else now
    outcomes: list[Outcome] = []
    with app.store.hold(RECOVERY, wait=False) as recovering:  # one daemon recovers at a time
        for claim in _claimed(app) if recovering else []:
            outcomes += trapped_all(app, claim, functools.partial(_recover, app, claim, take))
    due: list[InboxEntry] = []
    for entry in _entries(app):
        sort_out = functools.partial(_sort_out, app, entry, settle, now, due)
        outcomes += trapped_all(app, entry.path, sort_out)
    return outcomes + _take_in_turn(app, due, take)


def _sort_out(
    app: Services, entry: InboxEntry, settle: float, now: float, due: list[InboxEntry]
) -> list[Outcome]:
    """Refuse an odd entry at once; add one that is finished to ``due``; leave the rest."""
    refusal = _odd(entry) or _not_taken(app, entry, now)
    if refusal:
        return [_refuse_entry(app, entry, refusal)]
    if not _left_for_now(entry) and _ready(app, entry, settle, now):
        due.append(entry)
    return []


def _take_in_turn(
    app: Services, due: list[InboxEntry], take: Callable[[Path, bool], Outcome]
) -> list[Outcome]:
    """Claim and take the due entries one after the other. While one is recorded, the next
    ones (one per parse worker) are already claimed and read ahead; a crash leaves them
    claimed, and the next pass finishes them as it finishes any claim."""
    ahead = app.settings.parse_workers if app.settings.isolate_parsing else 0
    outcomes: list[Outcome] = []
    claimed: list[Path] = []
    waiting = list(reversed(due))
    try:
        while True:
            while waiting and len(claimed) <= ahead:
                entry = waiting.pop()
                claim = functools.partial(_claim, app, entry, claimed)
                outcomes += trapped_all(app, entry.path, claim)
            if not claimed:
                return outcomes
            app.workbooks.read_ahead(claimed)
            app.folders.archive_soon(claimed[1:])
            path = claimed.pop(0)
            outcomes += trapped_all(app, path, functools.partial(_take_claimed, app, path, take))
    finally:
        app.workbooks.read_ahead([])


def _claim(app: Services, entry: InboxEntry, claimed: list[Path]) -> list[Outcome]:
    """Claim an entry by renaming it into processing/ (another daemon may have been first)."""
    claim = app.inbox.claim(entry.path)
    if claim is not None:
        claimed.append(claim)
        crash_point("after_claim")
    return []


def _take_claimed(
    app: Services, claim: Path, take: Callable[[Path, bool], Outcome]
) -> list[Outcome]:
    outcome = take(claim, False)
    app.inbox.release(_counted(app, claim, outcome, 0))
    return [outcome]


@dataclass(frozen=True)
class Waiting:
    """An inbox entry not taken yet, why, and in how many seconds it will be answered."""

    name: str
    reason: str
    due_in: float


def waiting(app: Services, now: float | None = None) -> list[Waiting]:
    """What sits in the inbox without having been taken or answered yet (read-only)."""
    now = app.clock.file_time() if now is None else now
    found = []
    for entry in _entries(app):
        try:
            found += _waiting(app, entry, now)
        except Exception as exc:  # a listing for people: an entry it cannot judge is left out
            logger.debug("%s: not listed as waiting: %s", printable(entry.path.name), exc)
    return found


def _waiting(app: Services, entry: InboxEntry, now: float) -> list[Waiting]:
    """Why one entry is not taken yet and when it will be answered ([] if it is due)."""
    age = now - entry.mtime
    settle, incomplete = app.settings.settle_seconds, app.settings.incomplete_seconds
    name = entry.path.name
    if _odd(entry):
        return []  # answered on the next pass
    if _left_for_now(entry):
        if _is_office_lock(name) and app.folders.exists(_workbook_of_lock(entry.path)):
            return []  # the lock of a workbook listed on its own
        reason = "a folder, lock or temporary file: left alone while it may be in use"
        return [Waiting(name, reason, max(0.0, incomplete - age))]
    if age < settle:
        reason = f"settling: taken once untouched for {settle:g} s"
        return [Waiting(name, reason, settle - age)]
    if age < incomplete and not _ready(app, entry, settle, now):
        held = (
            "open in Excel or LibreOffice"
            if app.folders.is_open(entry.path)
            else ("empty or not completely written yet")
        )
        return [Waiting(name, f"{held}: held", incomplete - age)]
    return []


def _entries(app: Services) -> list[InboxEntry]:
    try:
        return app.inbox.entries()
    except OSError as exc:  # the inbox cannot be listed now: nothing else stops
        logger.error("%s cannot be listed: %s", app.settings.inbox, exc)
        return []


def _odd(entry: InboxEntry) -> str:
    """Why an entry is refused at once, without being read, or "" if it is not odd."""
    name = entry.path.name
    if entry.kind is EntryKind.LINK:
        return "a symbolic link is not taken (it is never followed); drop the workbook itself"
    if entry.kind is EntryKind.FOLDER:
        return ""  # a folder is answered once nothing has changed in it for a while
    if entry.kind is EntryKind.SPECIAL:
        return "not a regular file (a pipe, socket or device) and is not read"
    if entry.links > 1:
        return "a hard link to another file is not taken; drop a copy of the workbook"
    hidden = hidden_characters(name)
    if hidden:
        return (
            f"the file name holds characters that hide, reorder or break text "
            f"({', '.join(sorted(set(hidden))[:3])}); rename it"
        )
    return ""


def _not_taken(app: Services, entry: InboxEntry, now: float) -> str:
    """Why a folder, a lock or a temporary file left alone too long is handed back, or ""."""
    if now - entry.mtime < app.settings.incomplete_seconds:
        return ""
    name = entry.path.name
    if entry.kind is EntryKind.FOLDER:
        return "a folder is not taken: drop each workbook into inbox/ itself"
    if _is_office_lock(name) and not app.folders.exists(_workbook_of_lock(entry.path)):
        return "an Excel or LibreOffice lock file left behind without its workbook"
    if _looks_temporary(name) and not _is_office_lock(name):
        return (
            "not a workbook budget-erp takes (a temporary or unfinished file, or a file "
            "without a type); save the budget as 'Excel Workbook (*.xlsx)' and drop that"
        )
    return ""


def _left_for_now(entry: InboxEntry) -> bool:
    """Folders, locks and temporaries are not claimed: they wait to be finished or answered."""
    name = entry.path.name
    return entry.kind is EntryKind.FOLDER or _is_office_lock(name) or _looks_temporary(name)


def _is_office_lock(name: str) -> bool:
    return name.startswith("~$") or (name.startswith(".~lock.") and name.endswith("#"))


def _workbook_of_lock(lock: Path) -> Path:
    name = lock.name
    if name.startswith(".~lock."):
        return lock.with_name(name[len(".~lock.") : -1])
    return lock.with_name(name[2:])


def _looks_temporary(name: str) -> bool:
    return name.startswith(".") or name.endswith(TEMPORARY_SUFFIXES) or "." not in name


def _refuse_entry(app: Services, entry: InboxEntry, reason: str) -> Outcome:
    name = entry.path.name
    target = app.folders.hand_back(
        entry.path, app.settings.rejected, f"budget-erp refused {printable(name)!r}: {reason}.\n"
    )
    logger.debug("%s refused: %s", printable(name), reason)
    return Outcome(
        kind=OutcomeKind.REFUSED,
        file=entry.path,
        project_number="",
        message=f"{reason} (moved to rejected/{target.name})",
    )


def _ready(app: Services, entry: InboxEntry, settle: float, now: float) -> bool:
    """Finished: untouched for the settle time, a whole zip, not open in Excel or Calc.

    An empty, truncated or locked file is held; once it has not changed for
    ``incomplete_seconds`` it is taken anyway, so it is refused with a reason, not kept.
    """
    age = now - entry.mtime
    if age < settle:
        return False
    if age >= app.settings.incomplete_seconds:
        return True
    return not (
        entry.size == 0
        or app.folders.is_open(entry.path)
        or not app.inbox.is_complete_zip(entry.path)
    )


def _claimed(app: Services) -> list[Path]:
    """Files claimed before a crash (or a failure), to be finished now: this process's own,
    and those whose claimant is gone (a daemon that died, or whose machine vanished)."""
    try:
        found = app.inbox.claims()
        mine = app.store.claimant()
        owners = {app.inbox.claimant(claim) for claim in found} - {mine}
        gone = {owner for owner in owners if app.store.claimant_gone(owner)}
    except OSError as exc:
        logger.error("the claims in processing/ cannot be listed: %s", exc)
        return []
    found = [claim for claim in found if app.inbox.claimant(claim) in gone | {mine}]
    if found:
        logger.warning("finishing %d file(s) claimed before a restart", len(found))
    return found


def _recover(app: Services, claim: Path, take: Callable[[Path, bool], Outcome]) -> list[Outcome]:
    """Finish a claim left by a crash or a failure; after ``MAX_CLAIM_TRIES`` failed passes
    it is handed back with the reason instead of being tried again forever."""
    tries = app.inbox.tries(claim)
    if tries >= MAX_CLAIM_TRIES:
        return [_give_up(app, claim, tries)]
    outcome = take(claim, True)
    app.inbox.release(_counted(app, claim, outcome, tries))
    return [outcome]


def _counted(app: Services, claim: Path, outcome: Outcome, tries: int) -> Path:
    """A claim still there after its own failure counts one more try (a disk or
    configuration fault is not the file's and does not count); where the claim now is."""
    if not app.folders.exists(claim) or outcome.kind is not OutcomeKind.FAILED or outcome.held:
        return claim
    logger.warning("%s: claim failed %d time(s)", printable(claim.name), tries + 1)
    return app.inbox.count_try(claim)


def _give_up(app: Services, claim: Path, tries: int) -> Outcome:
    reason = f"budget-erp failed to process it {tries} times; see its log for the cause"
    target = app.folders.hand_back(
        claim,
        app.settings.rejected,
        f"budget-erp could not process {printable(claim.name)!r}: {reason}.\n"
        "The file was archived; tell the budget-erp administrator.\n",
    )
    app.inbox.release(claim)
    logger.error("%s: %s; handed back as %s", printable(claim.name), reason, target.name)
    return Outcome(
        kind=OutcomeKind.FAILED,
        file=claim,
        project_number="",
        message=f"{reason} (moved to rejected/{target.name})",
    )
