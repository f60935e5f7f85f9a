"""Names we own stay ours (issue 24, item 7), through the CLI: a symbolic link out of the
workspace, a folder or a FIFO where a review workbook awaiting its approver, or a rejected
workbook about to be handed back, belongs is moved to ``archive/squatted/`` (never
followed), reported in the history and to the approvers, and ours is written back; the
status page links only to regular files inside the workspace."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.support.workspace import Workspace, age

SQUATTERS = ("symlink", "folder", "fifo")


def _squat(kind: str, path: Path, outside: Path) -> str:
    """Put a ``kind`` under ``path``; the words the report uses for it."""
    if kind == "symlink":
        path.symlink_to(outside)
        return f"a symbolic link to {outside}"
    if kind == "folder":
        path.mkdir()
        return "a folder"
    os.mkfifo(path)
    return "a FIFO, socket or device"


def _history(ws: Workspace, project: str = "P-1001") -> list[dict[str, str]]:
    result = ws.run("history", project, "--json")
    assert result.exit_code == 0, result.output
    events: list[dict[str, str]] = json.loads(result.output)
    return events


def _page_links(ws: Workspace) -> list[Path]:
    """Where every link of the status page leads, as the browser would resolve it."""
    assert ws.run("status", "--html").exit_code == 0
    page = ws.root / "status" / "index.html"
    hrefs = re.findall(r'href="([^"#?]+)"', page.read_text(encoding="utf-8"))
    return [page.parent / href for href in hrefs if "://" not in href]


def _only_regular_files_inside(ws: Workspace, links: list[Path]) -> None:
    root = ws.root.resolve()
    for link in links:
        real = Path(os.path.realpath(link))
        assert root in real.parents, f"{link} leads out of the workspace to {real}"
        assert link.is_file() and not link.is_symlink(), f"{link} is not a regular file"


@pytest.mark.parametrize("kind", SQUATTERS)
def test_a_squatted_review_name_is_moved_aside_reported_and_ours_written_back(
    workspace: Workspace, tmp_path: Path, kind: str
) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    genuine = review.read_bytes()
    outside = tmp_path / "secret.xlsx"  # out of the workspace: never to be linked or read
    outside.write_bytes(b"not for the approver")
    review.unlink()
    said = _squat(kind, review, outside)

    before = _page_links(workspace)  # the squatter still holds the name
    assert all(link.name != review.name for link in before)
    _only_regular_files_inside(workspace, before)
    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert review.is_file() and not review.is_symlink()
    assert review.read_bytes() == genuine  # ours, written back from the archive
    (moved,) = (workspace.root / "archive" / "squatted").iterdir()
    assert moved.name == review.name
    assert os.path.islink(moved) if kind == "symlink" else not moved.is_symlink()
    assert outside.read_bytes() == b"not for the approver"  # followed by nothing
    (event,) = [e for e in _history(workspace) if e["action"] == "squatted"]
    assert f"approval/{review.name} was {said}" in event["detail"]
    assert "archive/squatted/" in event["detail"]
    mails = [m for m in workspace.mail() if "something else held the name" in m["Subject"]]
    assert [m["To"] for m in mails] == ["carl@example.com"]
    after = _page_links(workspace)
    assert [link.name for link in after] == [review.name]
    _only_regular_files_inside(workspace, after)

    workspace.decide(decision="Accept")  # the genuine review still decides
    assert workspace.run("process").exit_code == 0
    assert list((workspace.root / "outbox").glob("P-1001_v1_*.csv"))


def test_a_folder_where_the_rejected_workbook_goes_is_moved_aside(workspace: Workspace) -> None:
    workspace.drop()
    assert workspace.run("process").exit_code == 0
    workspace.decide(decision="Reject", reason="Lower the contingency")
    rejected = workspace.root / "rejected" / "P-1001_v1_rejected.xlsx"
    rejected.mkdir()
    (rejected / "planted.txt").write_text("someone's", encoding="utf-8")

    result = workspace.run("process")

    assert result.exit_code == 0, result.output
    assert "rejected" in result.output
    assert rejected.is_file()  # the editable workbook, handed back under its name
    moved = workspace.root / "archive" / "squatted" / rejected.name
    assert (moved / "planted.txt").read_text(encoding="utf-8") == "someone's"
    assert any(
        e["action"] == "squatted" and "rejected/P-1001_v1_rejected.xlsx was a folder" in e["detail"]
        for e in _history(workspace)
    )


@pytest.mark.parametrize("foreign", ["not a workbook", "another budget's review"])
def test_a_foreign_file_under_a_review_name_is_refused_moved_aside_and_ours_written_back(
    workspace: Workspace, foreign: str
) -> None:
    for project in ("P-1001", "P-2002"):
        workspace.drop(f"{project}.xlsx", project=project)
    assert workspace.run("process").exit_code == 0
    review = workspace.review()
    genuine = review.read_bytes()
    planted = (
        b"GIF89a planted"
        if foreign == "not a workbook"
        else workspace.review("P-2002").read_bytes()
    )
    review.write_bytes(planted)
    age(review)

    result = workspace.run("process")

    assert result.exit_code == 1  # a decision refused
    assert review.read_bytes() == genuine  # ours, written back on the same pass
    moved = workspace.root / "archive" / "squatted" / review.name
    assert moved.read_bytes() == planted  # kept, never deleted
    (refusal,) = [e for e in _history(workspace) if e["action"] == "refuse_decision"]
    assert f"{review.name} was moved to archive/squatted/" in refusal["detail"]
    assert any(
        "carl@example.com" in str(m["To"])
        for m in workspace.mail()
        if "not applied" in str(m["Subject"])
    )
    assert workspace.review("P-2002").exists()  # the other budget's own review is untouched

    workspace.decide(decision="Accept")  # the genuine review decides
    assert workspace.run("process").exit_code == 0
    assert list((workspace.root / "outbox").glob("P-1001_v1_*.csv"))
