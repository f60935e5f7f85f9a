"""Coordination on PostgreSQL, on a real server: migrations once whoever starts together, one
pass at a time across stores (as across machines), and a dead holder's lock taken over once
its heartbeat is older than the lease."""

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


def test_one_pass_at_a_time_across_stores(url: str, stores: list[PostgresStore]) -> None:
    first, second = PostgresStore(url), PostgresStore(url)
    stores += [first, second]
    second_in = threading.Event()

    def second_pass() -> None:
        with second.pass_lock():
            second_in.set()

    with first.pass_lock():
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
    holder.pass_lock().__enter__()
    presence = holder._presence
    assert presence is not None
    presence._stop.set()  # the machine froze: no more heartbeats, the session still open
    took_over = threading.Event()

    def other_pass() -> None:
        with other.pass_lock():
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
    with holder.pass_lock():
        entered = threading.Event()

        def other_pass() -> None:
            with other.pass_lock():
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
