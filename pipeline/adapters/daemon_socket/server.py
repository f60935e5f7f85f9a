"""The daemon's side of the socket: a thread of its own that answers ``check``, one
request at a time, beside the passes (it never takes the pass's thread nor its lock; it
shares the parse workers, so a check waits while a pass reads a workbook).

A bad request, a client that stalls or hangs up, or a check that fails is answered with a
refusal (the client then checks the workbook itself) and logged: the thread goes on."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socket
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from pipeline import __version__
from pipeline.adapters.daemon_socket import protocol
from pipeline.domain.problems import CheckReport

logger = logging.getLogger(__name__)

REQUEST_SECONDS = 2.0  # a client that has not sent its request by then is dropped
ACCEPT_POLL_SECONDS = 0.5  # how soon the thread sees that the daemon stops
BLOCK = 1 << 20  # bytes copied from the client's descriptor at a time

# Checks the workbook under the given name from the descriptor the client opened; None
# when it leaves the check to the client.
Answerer = Callable[[str, int], CheckReport | None]


class CheckServer:
    """Serves ``check`` requests on ``folder``/check.sock until ``stop``; ``close`` is
    called on the serving thread when it ends (what the answers opened, there)."""

    def __init__(
        self, folder: Path, settings: str, answer: Answerer, close: Callable[[], None]
    ) -> None:
        self._folder, self._settings, self._answer, self._close = folder, settings, answer, close
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listening: socket.socket | None = None
        self._folder_fd = -1
        self._inode = 0

    def start(self) -> bool:
        """Listen, unless another daemon of this workspace answers already; False when
        the socket could not be made (the daemon runs on; checks run in their clients)."""
        try:
            self._listen()
        except OSError as exc:
            logger.warning("checks are not answered by this daemon: %s", exc)
            self._release()
            return False
        self._thread = threading.Thread(target=self._serve, name="check-socket", daemon=True)
        self._thread.start()
        return True

    def stop(self) -> None:
        """Stop answering; the socket goes, unless another daemon has put its own there."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
        self._release()

    def _listen(self) -> None:
        self._folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._folder_fd = protocol.open_folder(self._folder)
        name = protocol.SOCKET_NAME
        if protocol.is_our_socket(self._folder_fd, name) and self._answers(name):
            raise OSError(f"another daemon answers on {self._folder / name}")
        # Made under a name of its own, then renamed over whatever is there (a stale socket
        # of a daemon that died): a client never meets a socket that is not listening yet.
        own = f"check-{os.getpid()}.sock"
        with contextlib.suppress(OSError):
            os.unlink(own, dir_fd=self._folder_fd)
        listening = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC)
        self._listening = listening
        listening.bind(protocol.in_folder(self._folder_fd, own))
        os.chmod(own, 0o600, dir_fd=self._folder_fd, follow_symlinks=False)
        listening.listen(16)
        listening.settimeout(ACCEPT_POLL_SECONDS)
        os.rename(own, name, src_dir_fd=self._folder_fd, dst_dir_fd=self._folder_fd)
        self._inode = os.stat(name, dir_fd=self._folder_fd, follow_symlinks=False).st_ino
        logger.info("answering checks on %s", self._folder / name)

    def _answers(self, name: str) -> bool:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM | socket.SOCK_CLOEXEC) as probe:
            probe.settimeout(1.0)
            try:
                probe.connect(protocol.in_folder(self._folder_fd, name))
            except OSError:
                return False  # stale: its daemon is gone
            return True

    def _serve(self) -> None:
        assert self._listening is not None
        try:
            while not self._stop.is_set():
                try:
                    conn, _ = self._listening.accept()
                except TimeoutError:
                    continue
                except OSError as exc:
                    logger.error("the check socket failed (%s); checks run in their clients", exc)
                    return
                with conn:
                    self._serve_one(conn)
        finally:
            try:
                self._close()
            except Exception as exc:  # closing is all that is left to do
                logger.debug("closing the checks' state: %s", exc)

    def _serve_one(self, conn: socket.socket) -> None:
        """Answer one connection; nothing it sends can end the thread."""
        fds: list[int] = []
        try:
            conn.settimeout(REQUEST_SECONDS)
            if not protocol.peer_is_us(conn):
                logger.warning("a check from another account was refused")
                return
            first, fds, _flags, _address = socket.recv_fds(conn, protocol.MAX_REQUEST_BYTES + 1, 1)
            request = protocol.read_line(conn, protocol.MAX_REQUEST_BYTES, first)
            answer = self._answered(request, fds)
        except (OSError, protocol.ProtocolError) as exc:
            logger.warning("a bad check request (%s): refused", exc)
            answer = {"protocol": protocol.PROTOCOL, "ok": False, "reason": f"bad request: {exc}"}
        except Exception as exc:  # the check failed here: the client checks it itself
            logger.warning("a check failed in the daemon (%s: %s)", type(exc).__name__, exc)
            logger.debug("check traceback", exc_info=exc)
            answer = {"protocol": protocol.PROTOCOL, "ok": False, "reason": "failed"}
        finally:
            for fd in fds:
                os.close(fd)
        try:
            conn.sendall(protocol.encode(answer))
        except OSError as exc:
            logger.debug("the checking client left (%s)", exc)

    def _answered(self, request: dict[str, Any], fds: list[int]) -> dict[str, Any]:
        refusal = _refusal(request, fds, self._settings)
        if refusal:
            return {"protocol": protocol.PROTOCOL, "ok": False, "reason": refusal}
        name = protocol.file_name(request)
        report = self._answer(name, fds[0])
        if report is None:
            return {"protocol": protocol.PROTOCOL, "ok": False, "reason": "left to the client"}
        logger.debug("check of %s answered", name)
        return {
            "protocol": protocol.PROTOCOL,
            "ok": True,
            "report": protocol.report_to_json(report),
        }

    def _release(self) -> None:
        if self._listening is not None:
            self._listening.close()
            self._listening = None
        if self._folder_fd >= 0:
            name = protocol.SOCKET_NAME
            with contextlib.suppress(OSError):
                if (
                    os.stat(name, dir_fd=self._folder_fd, follow_symlinks=False).st_ino
                    == self._inode
                ):
                    os.unlink(name, dir_fd=self._folder_fd)
            os.close(self._folder_fd)
            self._folder_fd = -1


def _refusal(request: dict[str, Any], fds: list[int], settings: str) -> str:
    """Why this daemon leaves the request to its client ("" when it answers it)."""
    if protocol.text(request, "command") != "check":
        return "not a command this daemon answers"
    if protocol.text(request, "program") != __version__:
        return f"the daemon runs budget-erp {__version__}"
    if protocol.text(request, "settings") != settings:
        return "the daemon runs with other settings (restart it to use the new ones)"
    if len(fds) != 1:
        return "no workbook sent"
    return ""


@contextlib.contextmanager
def received_copy(fd: int, name: str, max_bytes: int) -> Iterator[Path | None]:
    """A private copy, named ``name`` (messages name it so), of the file behind the client's
    descriptor, removed afterwards; None when it is no regular file or is larger than
    ``max_bytes`` (the client then checks it itself)."""
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > max_bytes:
        yield None
        return
    folder = tempfile.mkdtemp(prefix="budget-erp-check-")
    try:
        copy = Path(folder) / name
        yield copy if _copied(fd, copy, max_bytes) else None
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _copied(fd: int, copy: Path, max_bytes: int) -> bool:
    """Copy the bytes of the client's descriptor (from its start, whatever its offset);
    False when they grow past ``max_bytes`` meanwhile."""
    offset = 0
    with copy.open("xb") as out:
        while block := os.pread(fd, BLOCK, offset):
            offset += len(block)
            if offset > max_bytes:
                return False
            out.write(block)
    return True
