"""Coordination on PostgreSQL, on a real server: migrations once whoever starts together, one
store at a time on an item (a project, a pass-wide task) across stores (as across machines),
a dead holder's lock taken over once its heartbeat is older than the lease, and the owner of
an inbox claim known alive or gone."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest

from pipeline.adapters.postgres.migrations import MIGRATIONS
from pipeline.adapters.postgres.store import PostgresStore
from pipeline.errors import EnvironmentFault
from tests.support.postgres import PostgresServer
from tests.support.waiting import wait_for

ITEM = "project:p-100"


@pytest.fixture
def url(postgres_server: PostgresServer) -> str:
    """An empty database of its own."""
    return postgres_server.new_database()


@pytest.fixture
def stores(url: str) -> Iterator[list[PostgresStore]]:
    """Stores the test opens, closed at the end (each one a daemon on its own machine)."""
    opened: list[PostgresStore] = []
    yield opened
    for store in opened:
        store.close()


def test_daemons_starting_together_migrate_once(url: str, stores: list[PostgresStore]) -> None:
    stores += [PostgresStore(url) for _ in range(6)]
    failures: list[BaseException] = []

    def start(store: PostgresStore) -> None:
        try:
            store.budgets()  # the first use connects and migrates
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=start, args=(store,)) for store in stores]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    with psycopg.connect(url) as db:
        names = [row[0] for row in db.execute("SELECT name FROM migrations ORDER BY name")]
    assert names == sorted(name for name, _ in MIGRATIONS)


def test_one_store_at_a_time_on_an_item_across_stores(
    url: str, stores: list[PostgresStore]
) -> None:
    first, second = PostgresStore(url), PostgresStore(url)
    stores += [first, second]
    second_in = threading.Event()

    def second_pass() -> None:
        with second.hold(ITEM, wait=True):
            second_in.set()

    with first.hold(ITEM, wait=True):
        waiting = threading.Thread(target=second_pass)
        waiting.start()
        assert not second_in.wait(1.5)  # over a wait slice: it kept waiting
    assert second_in.wait(10)  # and went in as soon as the first let go
    waiting.join()


def test_a_dead_holders_lock_is_taken_over_after_the_lease(
    url: str, stores: list[PostgresStore]
) -> None:
    holder, other = PostgresStore(url, lease_seconds=2), PostgresStore(url, lease_seconds=2)
    stores += [holder, other]
    holder.start_presence()
    assert [d.alive for d in other.daemons()] == [True]
    held = holder.hold(ITEM, wait=True)  # kept: a lock dropped unexited is released
    assert held.__enter__()
    presence = holder._presence
    assert presence is not None
    presence._stop.set()  # the machine froze: no more heartbeats, the session still open
    took_over = threading.Event()

    def other_pass() -> None:
        with other.hold(ITEM, wait=True):
            took_over.set()

    waiting = threading.Thread(target=other_pass)
    waiting.start()
    assert took_over.wait(30), "the lock of a daemon without heartbeat was never taken over"
    waiting.join()
    assert other.daemons() == []  # its row went with its session
    with pytest.raises(EnvironmentFault):  # the old holder cannot commit anything more
        holder.budgets()


def test_a_beating_holder_keeps_its_lock(url: str, stores: list[PostgresStore]) -> None:
    holder, other = PostgresStore(url, lease_seconds=2), PostgresStore(url, lease_seconds=2)
    stores += [holder, other]
    holder.start_presence()
    with holder.hold(ITEM, wait=True):
        entered = threading.Event()

        def other_pass() -> None:
            with other.hold(ITEM, wait=True):
                entered.set()

        waiting = threading.Thread(target=other_pass, daemon=True)
        waiting.start()
        assert not entered.wait(5)  # past the lease: the heartbeat keeps the lock its own
        assert holder.budgets() == []
    assert entered.wait(10)
    waiting.join()


def test_status_lists_each_daemon_and_a_clean_stop_removes_it(
    url: str, stores: list[PostgresStore]
) -> None:
    first, second = PostgresStore(url), PostgresStore(url)
    stores += [first, second]
    first.start_presence()
    second.start_presence()
    assert wait_for(lambda: len(first.daemons()) == 2)
    assert all(d.alive and d.host for d in first.daemons())
    second.close()
    assert len(first.daemons()) == 1


def test_an_item_held_elsewhere_is_skipped_and_others_are_free(
    url: str, stores: list[PostgresStore]
) -> None:
    first, second = PostgresStore(url), PostgresStore(url)
    stores += [first, second]
    with first.hold(ITEM, wait=False) as held:
        assert held
        with second.hold(ITEM, wait=False) as other_held:
            assert not other_held  # another daemon is on it: skipped, not waited for
        with second.hold("project:p-101", wait=False) as other_held:
            assert other_held  # another project is worked on beside it
    with second.hold(ITEM, wait=False) as other_held:
        assert other_held  # released with the block


def test_a_commit_under_a_lock_of_a_lost_session_is_refused(
    url: str, stores: list[PostgresStore]
) -> None:
    store = PostgresStore(url)
    stores.append(store)
    with store.hold(ITEM, wait=True):
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (store.db_raw().info.backend_pid,))
        with pytest.raises(EnvironmentFault):
            store.budgets()  # the session is gone, and the lock with it
        with pytest.raises(EnvironmentFault, match="lock was lost"), store.transaction():
            pass  # connected again, but another daemon may hold the item now
    with store.transaction():  # once out of the block, the store works as before
        pass


def test_a_claimant_is_alive_while_its_session_lives(url: str, stores: list[PostgresStore]) -> None:
    claimer, other = PostgresStore(url), PostgresStore(url)
    stores += [claimer, other]
    token = claimer.claimant()
    assert token.isdigit()
    assert not other.claimant_gone(token)
    assert other.claimant_gone("")  # a claim made before claims named their owner
    claimer.close()
    assert wait_for(lambda: other.claimant_gone(token))


def test_a_claimant_without_heartbeat_is_gone_and_its_session_ended(
    url: str, stores: list[PostgresStore]
) -> None:
    claimer, other = PostgresStore(url, lease_seconds=2), PostgresStore(url, lease_seconds=2)
    stores += [claimer, other]
    claimer.start_presence()
    token = claimer.claimant()
    presence = claimer._presence
    assert presence is not None
    assert not other.claimant_gone(token)
    presence._stop.set()  # the machine froze: no more heartbeats, the session still open
    assert wait_for(lambda: other.claimant_gone(token), timeout=30)
    with pytest.raises(EnvironmentFault):  # its session was ended: it commits nothing more
        claimer.budgets()
