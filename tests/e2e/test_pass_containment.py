"""One bad item fails only itself: a fault injected into one item at each step of a pass
(listing, lock check, claim, recovery, reading, hand-back, decision, result, export, email)
leaves every other item of the same pass going through, and prints no traceback."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any

import pytest

import pipeline.services.containment
import pipeline.services.decisions
import pipeline.services.inbox
import pipeline.services.processing
import pipeline.services.refusals
from pipeline.adapters.files.inbox_folder import LocalInbox
from pipeline.adapters.files.workspace_folders import LocalFolders
from pipeline.adapters.mail.transport import FileTransport
from pipeline.services.decisions import apply_review_file
from pipeline.services.erp_results import apply_result_file
from pipeline.services.export import export_accepted
from pipeline.services.intake import take_inbox_file
from tests.support.workspace import Workspace

GOOD = "P-GOOD"


class Injected(RuntimeError):
    """The fault a test puts into one item."""


def _failing_for(original: Callable[..., Any], is_bad: Callable[..., bool]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if is_bad(*args, **kwargs):
            raise Injected("injected fault")
        return original(*args, **kwargs)

    return wrapper


def _named_bad(*args: Any, **kwargs: Any) -> bool:
    """Whether a call is about the bad item: a path, a name or an inbox entry naming it."""
    names = [getattr(getattr(a, "path", a), "name", a) for a in args]
    return any("bad" in name.lower() for name in names if isinstance(name, str))


def _good_went_through(ws: Workspace, output: str) -> None:
    assert "Traceback" not in output, output
    assert ws.review(GOOD).exists(), output
    subjects = [str(m["Subject"]) for m in ws.mail()]
    assert f"Budget {GOOD} sent for your acceptance (version 1)" in subjects, subjects


INTAKE_STEPS: dict[str, tuple[object, str]] = {
    "listing": (pipeline.services.inbox, "_odd"),
    "lock check": (LocalFolders, "is_open"),
    "claim": (LocalInbox, "claim"),
    "hand-back": (LocalFolders, "hand_back"),
}


@pytest.mark.parametrize("step", sorted(INTAKE_STEPS))
def test_a_fault_in_one_inbox_file_at_each_step_fails_only_that_file(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch, step: str
) -> None:
    module, name = INTAKE_STEPS[step]
    monkeypatch.setattr(module, name, _failing_for(getattr(module, name), _named_bad))
    refused = [("", "", "L", "no code", 1)] if step == "hand-back" else None
    bad = workspace.drop("bad.xlsx", project="P-BAD", **({"lines": refused} if refused else {}))
    workspace.drop("good.xlsx", project=GOOD)
    if step == "lock check":  # looked at only while a file is younger than incomplete_seconds
        for path in (bad, workspace.root / "inbox" / "good.xlsx"):
            os.utime(path, (time.time() - 10, time.time() - 10))

    result = workspace.run("process")

    assert result.exit_code == 1
    assert "injected fault" in result.output
    _good_went_through(workspace, result.output)


def test_reading_a_broken_file_fails_only_that_file(workspace: Workspace) -> None:
    (workspace.root / "inbox" / "bad.xlsx").write_bytes(b"PK\x03\x04 not really")
    workspace.drop("good.xlsx", project=GOOD)
    for path in (workspace.root / "inbox").iterdir():
        os.utime(path, (0, 0))

    result = workspace.run("process")

    assert result.exit_code == 1
    _good_went_through(workspace, result.output)


def test_a_claim_that_keeps_failing_is_handed_back_and_blocks_nothing(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Patched by name where the pass looks them up; the originals come from where they live.
    monkeypatch.setattr(
        pipeline.services.processing, "take_inbox_file", _failing_for(take_inbox_file, _named_bad)
    )

    def first_hand_backs(*args: Any, **kwargs: Any) -> bool:  # the last one, giving up, works
        return _named_bad(*args) and "failed to process it" not in str(args[3])

    monkeypatch.setattr(
        LocalFolders, "hand_back", _failing_for(LocalFolders.hand_back, first_hand_backs)
    )
    workspace.drop("bad.xlsx", project="P-BAD")
    workspace.drop("good.xlsx", project=GOOD)

    first = workspace.run("process")

    _good_went_through(workspace, first.output)
    claims = workspace.root / "processing"
    assert [p.name for p in claims.rglob("*.xlsx")] == ["bad.xlsx"]  # it could not even go back
    outputs = [workspace.run("process").output for _ in range(3)]
    assert "failed to process it 3 times" in outputs[-1]
    assert "bad.xlsx" in workspace.files("rejected")
    assert list(claims.rglob("*.xlsx")) == []
    assert all("Traceback" not in output for output in outputs)


def _two_awaiting(ws: Workspace) -> None:
    ws.drop("bad.xlsx", project="P-BAD")
    ws.drop("other.xlsx", project="P-OK")
    assert ws.run("process").exit_code == 0


def test_a_fault_in_one_decision_fails_only_that_decision(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_awaiting(workspace)
    workspace.decide("P-BAD", decision="Accept")
    workspace.decide("P-OK", decision="Accept")
    workspace.drop("good.xlsx", project=GOOD)
    monkeypatch.setattr(
        pipeline.services.processing,
        "apply_review_file",
        _failing_for(apply_review_file, _named_bad),
    )

    result = workspace.run("process")

    assert result.exit_code == 1 and "P-BAD_v1_review.xlsx: failed" in result.output, result.output
    assert (workspace.root / "outbox" / "P-OK_v1_001.csv").exists()
    _good_went_through(workspace, result.output)


def test_a_fault_in_one_export_fails_only_that_export(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_awaiting(workspace)
    workspace.decide("P-BAD", decision="Accept")
    workspace.decide("P-OK", decision="Accept")
    workspace.drop("good.xlsx", project=GOOD)
    export = export_accepted
    for module in (pipeline.services.decisions, pipeline.services.processing):
        monkeypatch.setattr(  # the accept exports, and so does the pass's later retry
            module,
            "export_accepted",
            _failing_for(export, lambda app, project: project == "P-BAD"),
        )

    result = workspace.run("process")

    assert result.exit_code == 1
    assert (workspace.root / "outbox" / "P-OK_v1_001.csv").exists()
    assert not list((workspace.root / "outbox").glob("P-BAD*.csv"))
    _good_went_through(workspace, result.output)
    for module in (pipeline.services.decisions, pipeline.services.processing):
        # The fault mended (not undo(): that would also undo the workspace's environment).
        monkeypatch.setattr(module, "export_accepted", export)
    assert workspace.run("process").exit_code == 0  # finished on a later pass
    assert list((workspace.root / "outbox").glob("P-BAD_v1_*.csv"))


def test_a_fault_in_one_result_file_fails_only_that_result(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_awaiting(workspace)
    workspace.decide("P-BAD", decision="Accept")
    workspace.decide("P-OK", decision="Accept")
    assert workspace.run("process").exit_code == 0
    results = workspace.root / "outbox" / "results"
    for project in ("P-BAD", "P-OK"):
        answer = {"export": f"{project}_v1_001.csv", "status": "success"}
        (results / f"{project.lower()}-result.json").write_text(json.dumps(answer))
        os.utime(results / f"{project.lower()}-result.json", (0, 0))
    workspace.drop("good.xlsx", project=GOOD)
    monkeypatch.setattr(
        pipeline.services.processing,
        "apply_result_file",
        _failing_for(apply_result_file, _named_bad),
    )

    result = workspace.run("process")

    assert result.exit_code == 1 and "p-bad-result.json: failed" in result.output
    statuses = {
        r["project_number"]: r["status"]
        for r in json.loads(workspace.run("status", "--json").output)
    }
    assert (statuses["P-OK"], statuses["P-BAD"]) == ("synced", "exported")
    _good_went_through(workspace, result.output)


def test_a_fault_in_one_email_fails_only_that_email(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = FileTransport.__call__

    def is_bad(self: Any, notification: Any, sender: str) -> bool:
        return "P-BAD" in notification.subject

    monkeypatch.setattr(FileTransport, "__call__", _failing_for(transport, is_bad))
    workspace.drop("bad.xlsx", project="P-BAD")
    workspace.drop("good.xlsx", project=GOOD)

    result = workspace.run("process")

    _good_went_through(workspace, result.output)
    subjects = [str(m["Subject"]) for m in workspace.mail()]
    assert not any("P-BAD" in s for s in subjects)
    queue = workspace.run("mail")
    assert "Traceback" not in queue.output and "Injected: injected fault" in queue.output
