"""Per-item locks between daemons sharing one PostgreSQL state: a session advisory lock per
item (a project, or one of the pass-wide tasks such as delivering mail), and each store
session's presence lock, which names the owner of the inbox claims it makes.

Session locks go with the session: a daemon that dies (its connection closes) frees them, and
one whose machine vanished has its session ended by the next daemon that finds it holding
one with its heartbeat older than the lease. A store that had to connect again has lost the
locks of its old session: a transaction under such a lock is refused (``Fence``), so a daemon
never commits for an item another daemon may have taken over meanwhile."""

from __future__ import annotations

import hashlib
import logging
import secrets
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import psycopg

from pipeline.adapters.postgres.coordination import end_stale_holders
from pipeline.errors import EnvironmentFault

logger = logging.getLogger("pipeline")
ITEMS = 0x62657270  # the first half of every item lock's key; the second is the item's hash
CLAIMANTS = 0x62657271  # the first half of a session's presence lock; the second, its token
_ALONE, _SHARED = "", "_shared"  # the suffix of PostgreSQL's advisory lock functions
WAIT_SLICE = "1s"  # how long one wait for a lock lasts before looking for a dead holder

Raw = psycopg.Connection[tuple[Any, ...]]


def item_key(item: str) -> tuple[int, int]:
    """The advisory key of an item: two positive 32-bit halves (as ``pg_locks`` shows them).
    Two items that share a hash only wait for each other, never more."""
    digest = hashlib.sha256(item.encode()).digest()
    return ITEMS, int.from_bytes(digest[:4], "big") >> 1


def take_presence(raw: Raw) -> str:
    """Lock a fresh random token for this session, for as long as it lives; the token."""
    while True:
        token = secrets.randbelow(2**31 - 1) + 1
        [(taken,)] = raw.execute("SELECT pg_try_advisory_lock(%s, %s)", (CLAIMANTS, token))
        if taken:
            return str(token)


def claimant_gone(raw: Raw, claimant: str, lease: float) -> bool:
    """Whether the session that made a claim is gone: no session holds its token (or it was
    made before claims named their owner), or its daemon's heartbeat stopped (its session is
    then ended here, so that it commits nothing more)."""
    if not claimant.isdigit():
        return True
    key = (CLAIMANTS, int(claimant))
    held = raw.execute(
        "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted "
        "AND classid::bigint = %s AND objid::bigint = %s AND objsubid = 2",
        key,
    ).fetchone()
    return held is None or end_stale_holders(raw, key, lease, "inbox claims")


class Fence:
    """The locks a store holds, by the session (its generation) that took them; a
    transaction while holding one of a lost session is refused."""

    def __init__(self) -> None:
        self.generation = 0
        self._held: Counter[int] = Counter()

    def check(self) -> None:
        """Refuse to go on under a lock whose session was lost (the store connected again)."""
        if any(n and generation != self.generation for generation, n in self._held.items()):
            raise EnvironmentFault(
                "the state database session holding this item's lock was lost; "
                "the item waits for the next pass"
            )

    @contextmanager
    def holding(self) -> Iterator[int]:
        """Count a lock as held by the current session while the block runs."""
        generation = self.generation
        self._held[generation] += 1
        try:
            yield generation
        finally:
            self._held[generation] -= 1


@contextmanager
def item_lock(
    session: Callable[[], Raw],
    fence: Fence,
    item: str,
    wait: bool,
    lease: float,
    shared: bool = False,
) -> Iterator[bool]:
    """Hold ``item``'s lock while the block runs: ``True``; ``False`` (and nothing held) when
    ``wait`` is off and another session holds it (``shared``: holds it alone; shared holders
    hold it together). Waiting, a holder whose daemon stopped beating has its session ended,
    so nothing waits for a vanished machine."""
    key = item_key(item)
    raw = session()
    mode = _SHARED if shared else _ALONE
    try:
        taken = (
            _wait_for(raw, key, item, lease, mode) if wait else _try(raw, key, item, lease, mode)
        )
    except psycopg.OperationalError as exc:
        raise EnvironmentFault(f"state database: {exc}") from exc
    if not taken:
        yield False
        return
    with fence.holding() as generation:
        try:
            yield True
        finally:
            if generation == fence.generation:  # else the lost session took the lock along
                _release(raw, key, mode)


def _try(raw: Raw, key: tuple[int, int], item: str, lease: float, mode: str) -> bool:
    [(taken,)] = raw.execute(f"SELECT pg_try_advisory_lock{mode}(%s, %s)", key)
    if not taken and end_stale_holders(raw, key, lease, item):
        [(taken,)] = raw.execute(f"SELECT pg_advisory_lock{mode}(%s, %s)", key)  # ended: it goes
    return bool(taken)


def _wait_for(raw: Raw, key: tuple[int, int], item: str, lease: float, mode: str) -> bool:
    while True:
        try:
            with raw.transaction():
                raw.execute(f"SET LOCAL lock_timeout = '{WAIT_SLICE}'")
                raw.execute(f"SELECT pg_advisory_lock{mode}(%s, %s)", key)
            return True  # a session lock: it outlives the transaction that took it
        except psycopg.errors.LockNotAvailable:
            end_stale_holders(raw, key, lease, item)


def _release(raw: Raw, key: tuple[int, int], mode: str) -> None:
    try:
        raw.execute(f"SELECT pg_advisory_unlock{mode}(%s, %s)", key)
    except psycopg.Error as exc:  # a lost session holds no lock
        logger.debug("lock release: %s", exc)
