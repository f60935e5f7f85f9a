"""What ``check`` and the daemon say over the socket: one JSON line each way, versioned and
bounded. The request names the workbook and carries its open descriptor (SCM_RIGHTS): the
daemon reads only what the client itself opened. The answer is the report ``check``
prints, or a refusal, after which the client checks the workbook itself."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import socket
import stat
import struct
from pathlib import Path
from typing import Any

from pipeline.config import Settings
from pipeline.domain.problems import CheckReport, Problem, Severity

PROTOCOL = 1
FOLDER = "daemon"  # under the state's folder, mode 0700
SOCKET_NAME = "check.sock"  # mode 0600
MAX_REQUEST_BYTES = 64 * 2**10
# A report lists every problem: a 200,000-line budget wrong on every line says a lot.
MAX_ANSWER_BYTES = 256 * 2**20
MAX_NAME_BYTES = 255
_UCRED = struct.Struct("=iII")  # struct ucred: pid, uid, gid
_PROBLEM_FIELDS = {f.name for f in dataclasses.fields(Problem)}


class ProtocolError(ValueError):
    """A request or answer that is not what this protocol says: too long, not JSON, a field
    missing or of the wrong type."""


def socket_folder(settings: Settings) -> Path:
    """The folder of the daemon's socket, beside the state (and its pass lock)."""
    return settings.database.parent / FOLDER


def fingerprint(settings: Settings) -> str:
    """The settings as one hash: the daemon answers only a client whose settings (the
    file and the environment they were read with) are its own, so a daemon started before
    an edit of budget-erp.toml leaves the check to the client."""
    return hashlib.sha256(repr(settings).encode()).hexdigest()


def owner_only(info: os.stat_result) -> bool:
    """Whether a file (or folder) is this account's, and no other account may use it."""
    return info.st_uid == os.geteuid() and not info.st_mode & 0o077


def open_folder(folder: Path) -> int:
    """A descriptor of ``folder``, opened without following a link; OSError when it is not
    an owner-only folder of this account (it is not ours to use)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    if not owner_only(os.fstat(fd)):
        os.close(fd)
        raise PermissionError(f"{folder} is not an owner-only folder of this account")
    return fd


def in_folder(folder_fd: int, name: str) -> str:
    """The address of ``name`` in the folder open as ``folder_fd``: short whatever the
    workspace's path (a socket's address holds 107 bytes), and resolved from the folder
    opened, not from its path again."""
    return f"/proc/self/fd/{folder_fd}/{name}"


def is_our_socket(folder_fd: int, name: str) -> bool:
    """Whether ``name`` is a socket (not a link, nor a plain file) of this account only."""
    try:
        info = os.stat(name, dir_fd=folder_fd, follow_symlinks=False)
    except OSError:
        return False
    return stat.S_ISSOCK(info.st_mode) and owner_only(info)


def peer_is_us(sock: socket.socket) -> bool:
    """Whether the process at the other end runs as this account (SO_PEERCRED)."""
    credentials = sock.getsockopt(socket.SOL_SOCKET, socket.SO_PEERCRED, _UCRED.size)
    _pid, uid, _gid = _UCRED.unpack(credentials)
    return bool(uid == os.geteuid())


def encode(message: dict[str, Any]) -> bytes:
    """One line of JSON."""
    return json.dumps(message, separators=(",", ":")).encode() + b"\n"


def read_line(sock: socket.socket, limit: int, start: bytes = b"") -> dict[str, Any]:
    """The JSON object of the one line the peer sends; ProtocolError when it grows past
    ``limit`` bytes, ends early or is not an object."""
    data = bytearray(start)
    while b"\n" not in data:
        if len(data) > limit:
            raise ProtocolError(f"a line longer than {limit} bytes")
        block = sock.recv(min(1 << 20, limit + 1 - len(data)))
        if not block:
            raise ProtocolError("the line ended early")
        data += block
    line, _, rest = bytes(data).partition(b"\n")
    if rest or len(line) > limit:
        raise ProtocolError("more than one line")
    try:
        message = json.loads(line)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ProtocolError(f"not JSON ({exc})") from exc
    if not isinstance(message, dict) or message.get("protocol") != PROTOCOL:
        raise ProtocolError(f"not a message of protocol {PROTOCOL}")
    return message


def text(message: dict[str, Any], key: str) -> str:
    """The string ``message[key]``; ProtocolError when missing or not a string."""
    value = message.get(key)
    if not isinstance(value, str):
        raise ProtocolError(f"{key!r} is not a string")
    return value


def file_name(message: dict[str, Any]) -> str:
    """The checked workbook's own name (no folder), as its messages name it."""
    name = text(message, "name")
    if (
        not name
        or name in {".", ".."}
        or "/" in name
        or "\0" in name
        or len(name.encode("utf-8", "surrogatepass")) > MAX_NAME_BYTES
    ):
        raise ProtocolError("'name' is not a file name")
    return name


def report_to_json(report: CheckReport) -> dict[str, Any]:
    """The report as the answer carries it."""
    return {
        "problems": [dataclasses.asdict(p) for p in report.problems],
        "not_run": list(report.not_run),
        "approval": report.approval,
    }


def report_from_json(found: object) -> CheckReport:
    """The report an answer carries; ProtocolError when it is not one."""
    if not isinstance(found, dict):
        raise ProtocolError("'report' is not an object")
    problems, not_run = found.get("problems"), found.get("not_run")
    if not isinstance(problems, list) or not isinstance(not_run, list):
        raise ProtocolError("'problems' or 'not_run' is not a list")
    if not all(isinstance(item, str) for item in not_run):
        raise ProtocolError("'not_run' holds something other than text")
    return CheckReport([_problem(p) for p in problems], list(not_run), text(found, "approval"))


def _problem(found: object) -> Problem:
    if not isinstance(found, dict) or set(found) != _PROBLEM_FIELDS:
        raise ProtocolError("a problem without its fields")
    if not all(isinstance(value, str) for value in found.values()):
        raise ProtocolError("a problem's field is not text")
    try:
        return Problem(**{**found, "severity": Severity(found["severity"])})
    except ValueError as exc:
        raise ProtocolError(f"a problem's severity: {exc}") from exc
