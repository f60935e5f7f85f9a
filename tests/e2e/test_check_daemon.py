"""`check` hands its workbooks to a daemon running on the workspace and prints what it
would have printed alone; without a daemon that answers (none, a dead one, a socket that is
not one or not ours) it checks them itself, and nothing a client sends harms the daemon."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from pipeline.adapters.daemon_socket import protocol
from pipeline.config import load_settings
from tests.support.daemon import Daemon, fast_settings
from tests.support.waiting import wait_for
from tests.support.workbooks import make_workbook
from tests.support.workspace import Workspace

ANSWERING = "answering checks on"  # the daemon's log line once its socket listens
ANSWERED = "check of {name} answered"  # its debug line per answer


@pytest.fixture
def workbooks(tmp_path: Path) -> dict[str, Path]:
    """A workbook `check` passes, one it fails on its own lines, one it fails against the
    workspace's people (no submitter)."""
    return {
        "good": make_workbook(tmp_path / "good.xlsx"),
        "bad": make_workbook(tmp_path / "bad.xlsx", lines=[("", "01-100", "L", "A", "x")]),
        "nobody": make_workbook(tmp_path / "nobody.xlsx", prepared_by=None),
    }


def _outputs(ws: Workspace, books: dict[str, Path]) -> dict[str, tuple[int, str]]:
    """Each workbook's check, as text and as JSON: the exit code and everything printed."""
    found = {}
    for name, path in books.items():
        for flags in ((), ("--json",)):
            result = ws.run("check", *flags, str(path))
            found[f"{name} {' '.join(flags)}"] = (result.exit_code, result.output)
    return found


def _socket_folder(ws: Workspace) -> Path:
    return protocol.socket_folder(load_settings(ws.root))


def _start(ws: Workspace, log: Path) -> Daemon:
    daemon = Daemon.start(ws, log)
    assert daemon.wait_for_output(ANSWERING), daemon.output()
    return daemon


@pytest.fixture
def daemon(workspace: Workspace, tmp_path: Path) -> Iterator[Daemon]:
    """``budget-erp watch`` on the workspace, its socket listening."""
    fast_settings(workspace)
    running = _start(workspace, tmp_path / "daemon.log")
    yield running
    running.kill()


@pytest.mark.slow
def test_check_through_the_daemon_prints_what_check_alone_prints(
    workspace: Workspace, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    fast_settings(workspace)
    alone = _outputs(workspace, workbooks)
    daemon = _start(workspace, tmp_path / "daemon.log")
    try:
        through = _outputs(workspace, workbooks)
        answered = {
            name: daemon.output().count(ANSWERED.format(name=p.name))
            for name, p in workbooks.items()
        }
    finally:
        daemon.kill()

    assert answered == {"good": 2, "bad": 2, "nobody": 2}, daemon.output()
    assert through == alone
    assert alone["good "][0] == 0 and alone["bad "][0] == 1 and alone["nobody "][0] == 1
    assert "amount" in alone["bad "][1] and "intake.submitter" in alone["nobody "][1]
    (warnings,) = json.loads(alone["good --json"][1]).values()
    assert warnings and {w["severity"] for w in warnings} == {"warning"}  # they travel too


@pytest.mark.slow
def test_a_dead_daemons_socket_is_passed_over_and_the_next_daemon_replaces_it(
    daemon: Daemon, workbooks: dict[str, Path], tmp_path: Path
) -> None:
    ws = daemon.ws
    daemon.kill()  # SIGKILL: its socket file stays behind, nobody listening
    assert (_socket_folder(ws) / protocol.SOCKET_NAME).exists()
    alone = ws.run("check", str(workbooks["bad"]))

    assert alone.exit_code == 1 and "bad.xlsx: 1 error(s)" in alone.output

    second = _start(ws, tmp_path / "second.log")
    try:
        assert ws.run("check", str(workbooks["bad"])).output == alone.output
        assert second.output().count(ANSWERED.format(name="bad.xlsx")) == 1
    finally:
        second.kill()


class _Listener:
    """A socket that listens at the daemon's address and counts who connects to it."""

    def __init__(self, folder: Path) -> None:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.folder_fd = protocol.open_folder(folder)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.bind(protocol.in_folder(self.folder_fd, protocol.SOCKET_NAME))
        self.sock.listen(4)
        self.connections = 0
        threading.Thread(target=self._count, daemon=True).start()

    def _count(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            conn.close()

    def close(self) -> None:
        self.sock.close()
        os.close(self.folder_fd)


def _checked_alone(ws: Workspace, path: Path) -> None:
    result = ws.run("check", str(path))
    assert result.exit_code == 1 and "bad.xlsx: 1 error(s)" in result.output, result.output


@pytest.mark.parametrize("mode", [0o644, 0o660])
def test_a_socket_others_may_use_is_not_asked(
    workspace: Workspace, workbooks: dict[str, Path], mode: int
) -> None:
    listener = _Listener(_socket_folder(workspace))
    os.chmod(_socket_folder(workspace) / protocol.SOCKET_NAME, mode)
    try:
        _checked_alone(workspace, workbooks["bad"])
    finally:
        listener.close()
    assert listener.connections == 0


def test_a_socket_in_a_folder_others_may_enter_is_not_asked(
    workspace: Workspace, workbooks: dict[str, Path]
) -> None:
    listener = _Listener(_socket_folder(workspace))
    os.chmod(_socket_folder(workspace) / protocol.SOCKET_NAME, 0o600)
    _socket_folder(workspace).chmod(0o755)
    try:
        _checked_alone(workspace, workbooks["bad"])
    finally:
        listener.close()
    assert listener.connections == 0


def test_a_socket_of_another_account_is_not_asked(
    workspace: Workspace, workbooks: dict[str, Path], accounts: dict[str, int]
) -> None:
    listener = _Listener(_socket_folder(workspace))
    socket_file = _socket_folder(workspace) / protocol.SOCKET_NAME
    os.chmod(socket_file, 0o600)
    os.chown(socket_file, accounts["berp_mallory"], -1, follow_symlinks=False)
    try:
        _checked_alone(workspace, workbooks["bad"])
    finally:
        listener.close()
    assert listener.connections == 0


def test_a_listening_socket_of_ours_is_asked(
    workspace: Workspace, workbooks: dict[str, Path]
) -> None:
    """The counterpart of the tests above: the listener counts a client that asks."""
    listener = _Listener(_socket_folder(workspace))
    os.chmod(_socket_folder(workspace) / protocol.SOCKET_NAME, 0o600)
    try:
        _checked_alone(workspace, workbooks["bad"])  # it hangs up: the client checks alone
    finally:
        listener.close()
    assert listener.connections == 1


@pytest.mark.parametrize("kind", ["file", "link"])
def test_what_is_not_a_socket_at_its_name_is_passed_over(
    workspace: Workspace, workbooks: dict[str, Path], tmp_path: Path, kind: str
) -> None:
    folder = _socket_folder(workspace)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    elsewhere = _Listener(tmp_path / "elsewhere")  # a real socket, reached only by a link
    target = tmp_path / "elsewhere" / protocol.SOCKET_NAME
    target.chmod(0o600)
    if kind == "file":
        (folder / protocol.SOCKET_NAME).write_bytes(b"")
        (folder / protocol.SOCKET_NAME).chmod(0o600)
    else:
        (folder / protocol.SOCKET_NAME).symlink_to(target)
    try:
        _checked_alone(workspace, workbooks["bad"])
    finally:
        elsewhere.close()
    assert elsewhere.connections == 0


def _send(folder: Path, data: bytes, fds: list[int] | None = None) -> bytes:
    """Send raw bytes (and descriptors) to the daemon; what it answers, if anything."""
    folder_fd = protocol.open_folder(folder)
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(protocol.in_folder(folder_fd, protocol.SOCKET_NAME))
            answer = b""
            try:
                socket.send_fds(sock, [data], fds) if fds else sock.sendall(data)
                sock.shutdown(socket.SHUT_WR)
                while block := sock.recv(65536):
                    answer += block
            except (ConnectionResetError, BrokenPipeError):
                pass  # it hung up on a request it would not read to its end
            return answer
    finally:
        os.close(folder_fd)


@pytest.mark.slow
def test_bad_requests_are_refused_and_the_daemon_goes_on(
    daemon: Daemon, workbooks: dict[str, Path]
) -> None:
    ws = daemon.ws
    folder = _socket_folder(ws)
    good = {"protocol": 1, "program": "0", "command": "check", "settings": "", "name": "x.xlsx"}
    with workbooks["good"].open("rb") as book:
        fd = book.fileno()
        bad_requests: list[tuple[bytes, list[int]]] = [
            (b"not json\n", []),
            (b"[1, 2]\n", []),
            (b"{" + b" " * (protocol.MAX_REQUEST_BYTES + 10), []),  # no end of line
            (json.dumps({**good, "protocol": 99}).encode() + b"\n", [fd]),
            (json.dumps({**good, "name": 7}).encode() + b"\n", [fd]),
            (json.dumps(good).encode() + b"\n", []),  # no workbook sent
            (json.dumps(good).encode() + b"\n", [fd, fd]),
            (b"", []),  # hangs up at once
        ]
        for data, fds in bad_requests:
            answer = _send(folder, data, fds)
            if answer:
                assert json.loads(answer)["ok"] is False, answer

    # The daemon still answers a check, and still takes a budget.
    assert ws.run("check", str(workbooks["good"])).exit_code == 0
    assert daemon.output().count(ANSWERED.format(name="good.xlsx")) == 1
    ws.drop()
    assert wait_for(ws.review().exists), daemon.output()
    assert daemon.process.poll() is None
    assert daemon.output().count("a bad check request") >= 5


# Run the CLI in a fresh process, then print which of our modules it imported.
CHECK_AND_LIST = """
import json, sys
from pipeline.cli import main
try:
    main()
except SystemExit as exit:
    print("EXIT", exit.code)
print("MODULES", json.dumps(sorted(m for m in sys.modules if m.startswith("pipeline"))))
"""


def test_a_check_the_daemon_answers_loads_no_wiring_and_no_other_command(
    workspace: Workspace, daemon: Daemon, workbooks: dict[str, Path]
) -> None:
    command = ["-w", str(workspace.root), "check", str(workbooks["good"])]
    done = subprocess.run(
        [sys.executable, "-c", CHECK_AND_LIST, *command],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert "EXIT 0" in done.stdout or "EXIT None" in done.stdout, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout
    assert daemon.wait_for_output(ANSWERED.format(name="good.xlsx")), daemon.output()
    line = next(x for x in done.stdout.splitlines() if x.startswith("MODULES "))
    modules = set(json.loads(line.removeprefix("MODULES ")))
    # the start-up a check through the daemon saves: the wiring, the use cases, the store
    assert "pipeline.bootstrap" not in modules
    assert "pipeline.services.processing" not in modules
    assert "pipeline.adapters.sqlite.store" not in modules
    assert {
        "pipeline.cli_workflow",
        "pipeline.cli_budgets",
        "pipeline.cli_state",
    } & modules == set()
