"""``check``'s side of the socket: hand one workbook to the daemon, or say that none
answered (no socket, a stale one, a refusal, a timeout), and the client checks it itself.

Nothing here follows a link or talks to a socket that another account could have made:
the folder and the socket must be this account's alone, and so must the daemon."""

from __future__ import annotations

import contextlib
import logging
import os
import socket
import stat
from collections.abc import Iterator
from pathlib import Path

from pipeline import __version__
from pipeline.adapters.daemon_socket import protocol
from pipeline.config import Settings
from pipeline.domain.problems import CheckReport

logger = logging.getLogger(__name__)

CONNECT_SECONDS = 1.0  # a daemon that does not take the call within this is not asked
# Beyond its parse limit, the daemon's answer may wait for a pass's read of a workbook.
ANSWER_MARGIN_SECONDS = 10.0


def checked_by_daemon(settings: Settings, path: Path) -> CheckReport | None:
    """The daemon's report on ``path``; None when no daemon of this workspace answered it
    (the caller checks it itself, with the same result). A link is not handed over: its
    owner is part of the check, and the client judges it as ever."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            return None
        with _connected(settings) as sock:
            if sock is None:
                return None
            request = {
                "protocol": protocol.PROTOCOL,
                "program": __version__,
                "command": "check",
                "settings": protocol.fingerprint(settings),
                "name": path.name,
            }
            sock.settimeout(settings.parse_seconds + ANSWER_MARGIN_SECONDS)
            socket.send_fds(sock, [protocol.encode(request)], [fd])
            answer = protocol.read_line(sock, protocol.MAX_ANSWER_BYTES)
            if answer.get("ok") is not True:
                logger.debug("the daemon left %s to us: %s", path, answer.get("reason"))
                return None
            return protocol.report_from_json(answer.get("report"))
    except (OSError, protocol.ProtocolError) as exc:  # a timeout is an OSError
        logger.debug("no answer from the daemon on %s (%s)", path, exc)
        return None
    finally:
        os.close(fd)


@contextlib.contextmanager
def _connected(settings: Settings) -> Iterator[socket.socket | None]:
    """A connection to this workspace's daemon, or None: no owner-only socket there, or
    nothing listening (a stale socket file of a daemon that died), or not this account."""
    try:
        folder = protocol.open_folder(protocol.socket_folder(settings))
    except OSError:
        yield None
        return
    try:
        if not protocol.is_our_socket(folder, protocol.SOCKET_NAME):
            yield None
            return
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC) as sock:
            sock.settimeout(CONNECT_SECONDS)
            try:
                sock.connect(protocol.in_folder(folder, protocol.SOCKET_NAME))
            except OSError:
                yield None
                return
            yield sock if protocol.peer_is_us(sock) else None
    finally:
        os.close(folder)
