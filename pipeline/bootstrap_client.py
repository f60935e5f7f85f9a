"""The wiring a command needs before it asks for its Services, kept light to import: a
running daemon's answer to a ``check``, the line table's column titles (``check
--columns``), which SQLite errors are the environment's, not a bug (the CLI's last line),
and whether a folder holds a file dated ahead (``process`` then watches it settle).
The CLI reaches every adapter through this module or ``bootstrap*``, never directly."""

from __future__ import annotations

from pipeline.adapters.daemon_socket.client import checked_by_daemon
from pipeline.adapters.files.settling import future_dated
from pipeline.adapters.layouts.budget import COLUMN_TITLES
from pipeline.adapters.sqlite.faults import ENVIRONMENT_CODES as SQLITE_ENVIRONMENT_CODES

__all__ = ["COLUMN_TITLES", "SQLITE_ENVIRONMENT_CODES", "checked_by_daemon", "future_dated"]
