"""What every group of the store's queries shares: the one connection, opened on first use."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable


class Queries:
    """A group of queries on the store's connection (``SqliteStore`` sets ``_connect``)."""

    _connect: Callable[[], sqlite3.Connection]

    @property
    def db(self) -> sqlite3.Connection:
        """The connection, opened (and migrated) on first use, never at construction."""
        return self._connect()
