"""What one process remembers from one pass to the next, apart from the state: the backoff
after a fault of the disk, the fault files wait on, when the status page was written, whether
``current/`` was checked, the review workbooks read to no effect, and when the looks at
every budget (the upkeep, the daily summary) last found nothing to do. A restart forgets it
all, and loses nothing by that: each memory only spares a pass work it would redo."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


class Backoff:
    """How long to wait before trying again after the disk or permissions failed us."""

    def __init__(self, first: float = 5.0, cap: float = 600.0) -> None:
        self.first, self.cap = first, cap
        self.delay = 0.0
        self.until = 0.0

    def failed(self, now: float) -> float:
        """Note a failure; return the wait before the next try (doubling, capped)."""
        self.delay = min(self.cap, self.delay * 2 if self.delay else self.first)
        self.until = now + self.delay
        return self.delay

    def succeeded(self) -> None:
        """Back to normal."""
        self.delay, self.until = 0.0, 0.0

    def blocked(self, now: float) -> bool:
        """Whether we are still waiting."""
        return now < self.until


@dataclass
class CurrentMemory:
    """Whether this process has checked every budget's workbook in ``current/`` against the
    version in force (False: not yet, or a write failed since, so the next pass does)."""

    checked: bool = False


@dataclass
class FaultMemory:
    """The environment's fault that files wait on now (a locked database, an ERP list being
    rewritten), and since when; shown on the status page until a pass goes through."""

    fault: str = ""
    since: datetime | None = None

    def note(self, fault: str, now: datetime) -> None:
        """Files wait on ``fault`` (since the first time, while faults follow each other)."""
        self.fault, self.since = fault, self.since or now

    def clear(self) -> None:
        """A pass went through: nothing waits on the environment any more."""
        self.fault, self.since = "", None


@dataclass
class PageMemory:
    """When this process last wrote the status page (None: not yet, so the first pass does),
    and whether a change still waits for it (a write failed)."""

    written_at: datetime | None = None
    pending: bool = False


@dataclass
class ReviewMemory:
    """The review workbooks this process read to no effect (no decision, or a save seen
    before), each with its file's signature, while the decisions stand at ``mark``: read
    again, such a file would give nothing again, so an idle pass does not read it."""

    mark: tuple[int, int] | None = None
    idle: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def unchanged(self, name: str, signature: tuple[int, ...] | None) -> bool:
        """Whether ``name`` was read to no effect under this signature and mark."""
        return signature is not None and self.idle.get(name) == signature

    def since(self, mark: tuple[int, int]) -> None:
        """The decisions now stand at ``mark``: forget everything if they moved."""
        if mark != self.mark:
            self.mark, self.idle = mark, {}


@dataclass
class UpkeepMemory:
    """What the last look at every budget's upkeep saw when it found nothing to do: the
    state's mark and the names in approval/. While both stand, the look would find nothing
    again (an export left, a review gone or a level's review due each changes one or the
    other), so an idle pass skips it."""

    clean: tuple[tuple[int, int], frozenset[str]] | None = None


@dataclass
class SummaryMemory:
    """What the daily summary's last look saw when it had nothing to queue: the day, the
    state's mark and the people, and when the first version it held back (its people emailed
    within the grace) comes out of the grace. While all three stand, until then, it would
    queue nothing again (the day's summaries are out), so an idle pass skips the look."""

    looked: tuple[object, ...] | None = None
    until: datetime | None = None  # None: nothing was held back

    def unchanged(self, looked: tuple[object, ...], now: datetime) -> bool:
        """Whether a look now would see what the last one saw."""
        return looked == self.looked and (self.until is None or now < self.until)

    def saw(self, looked: tuple[object, ...] | None, until: datetime | None) -> None:
        """Remember a look that queued nothing (``looked``), or forget (None)."""
        self.looked, self.until = looked, until


@dataclass(kw_only=True)
class PassMemory:
    """The memories of this process's passes, one of each (the daemon's, or one command's)."""

    backoff: Backoff = field(default_factory=Backoff)
    faults: FaultMemory = field(default_factory=FaultMemory)
    page: PageMemory = field(default_factory=PageMemory)
    current: CurrentMemory = field(default_factory=CurrentMemory)
    reviews: ReviewMemory = field(default_factory=ReviewMemory)
    upkeep: UpkeepMemory = field(default_factory=UpkeepMemory)
    summary: SummaryMemory = field(default_factory=SummaryMemory)
