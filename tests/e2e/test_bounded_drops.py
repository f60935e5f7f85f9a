"""Hostile drops that used to cost the daemon without bound: huge or deeply nested results
files, long ERP messages, and annotated copies of heavy or linked workbooks. Each is dropped
beside a good budget, which must still reach its approver in the same pass."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import openpyxl
import pytest
import python_calamine
import xlsxwriter

from pipeline.bootstrap import bootstrap
from pipeline.config import load_settings
from pipeline.domain.problems import Problem
from pipeline.errors import UnreadableWorkbook
from pipeline.services.context import OutcomeKind
from pipeline.services.processing import process_once
from tests.support.messages import body
from tests.support.workspace import Workspace, age

GOOD = "P-GOOD"
EXPORT = "P-1001_v1_001.csv"


def _process(ws: Workspace) -> subprocess.CompletedProcess[str]:
    """``budget-erp process`` as its own process, as cron runs it."""
    return subprocess.run(
        [sys.executable, "-m", "pipeline", "-w", str(ws.root), "process"],
        capture_output=True,
        text=True,
        timeout=300,
    )


def _drop_good(ws: Workspace, project: str = GOOD) -> None:
    ws.drop(f"good-{project}.xlsx", project=project)


def _went_through(ws: Workspace, project: str = GOOD) -> None:
    """The good budget reached approval/ and its approver's email was written."""
    assert ws.review(project).exists()
    subjects = {str(message["Subject"]) for message in ws.mail()}
    assert f"Budget {project} sent for your acceptance (version 1)" in subjects


def _no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    assert done.returncode in (0, 1), done.stderr


def _exported(ws: Workspace) -> None:
    ws.drop()
    ws.run("process")
    ws.decide(decision="Accept")
    ws.run("process")
    assert (ws.root / "outbox" / EXPORT).exists()


def _status(ws: Workspace, project: str = "P-1001") -> str:
    rows = json.loads(ws.run("status", "--json").output)
    return str(next(r["status"] for r in rows if r["project_number"] == project))


def _result_file(ws: Workspace, name: str, text: str) -> Path:
    path = ws.root / "outbox" / "results" / name
    path.write_text(text, encoding="utf-8")
    age(path)
    return path


@pytest.mark.parametrize(("max_kb", "size_kb"), [(None, 1536), (64, 100)])
def test_a_results_file_over_the_size_cap_is_refused_unread(
    workspace: Workspace, max_kb: int | None, size_kb: int
) -> None:
    if max_kb is not None:
        workspace.configure("limits", max_result_kb=max_kb)
    _exported(workspace)
    # A well-formed failure for a real export: only its size can refuse it.
    body = {"export": EXPORT, "status": "failure", "message": "x" * (size_kb * 1024)}
    _result_file(workspace, "big.json", json.dumps(body))
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    assert done.returncode == 1
    refused = workspace.root / "outbox" / "results" / "refused"
    note = (refused / "big.json.refused.txt").read_text()
    assert f"over the limit of {max_kb or 1024:,} KB ([limits] max_result_kb)" in note
    assert (refused / "big.json").exists()
    assert _status(workspace) == "exported"  # the answer was not applied
    _went_through(workspace)


def test_a_deeply_nested_results_file_is_refused_once_not_retried(workspace: Workspace) -> None:
    _exported(workspace)
    deep = "[" * 100_000 + "]" * 100_000
    _result_file(
        workspace, "deep.json", f'{{"export": "{EXPORT}", "status": "success", "erp_ids": {deep}}}'
    )
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    note = workspace.root / "outbox" / "results" / "refused" / "deep.json.refused.txt"
    assert "nested more than 32 levels deep" in note.read_text()
    assert not (workspace.root / "outbox" / "results" / "deep.json").exists()
    assert _status(workspace) == "exported"
    _went_through(workspace)
    assert _process(workspace).returncode == 0  # nothing left to fail on the next pass


def test_an_erp_message_is_cut_before_the_database_the_review_and_the_emails(
    workspace: Workspace,
) -> None:
    _exported(workspace)
    message = "Cost code 03-300 is not set up. " + "detail " * 30_000  # about 210 KB
    answer = {"export": EXPORT, "status": "failure", "message": message}
    _result_file(workspace, "long.json", json.dumps(answer))
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    assert _status(workspace) == "export_failed"  # applied: only what is kept is cut
    events = json.loads(workspace.run("history", "P-1001", "--json").output)
    failed = next(e for e in events if e["action"] == "fail_export")
    assert "Cost code 03-300 is not set up" in failed["detail"]
    assert "cut at 2,000 of" in failed["detail"]
    assert len(failed["detail"]) < 2500
    mails = [m for m in workspace.mail() if "failed to export" in str(m["Subject"])]
    assert mails
    for mail in mails:
        assert len(body(mail)) < 5000
    kept = workspace.root / "outbox" / "results" / "processed" / "long.json"
    assert json.loads(kept.read_text())["message"] == message  # the whole answer is kept
    _went_through(workspace)


def _linked_workbook(path: Path) -> Path:
    """A refused budget (one amount is text) whose cells and parts reach outside the file."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Budget"
    for row in (
        ["Project Number", "P-1001"],
        ["Prepared By", "Ada Admin"],
        [],
        ["Cost Code", "Cost Type", "Description", "Original Budget Amount"],
        ["01-100", "L", "Site office", "lots"],
        ["03-300", "M", "Concrete", 45000],
        ["Notes", None, "https://text.example/only-text"],
    ):
        sheet.append(row)
    for cell, target in (("C5", "file:///etc/passwd"), ("C6", "http://evil.example/x"),
                         ("A7", "mailto:someone@evil.example")):  # fmt: skip
        sheet[cell].hyperlink = target
    other = book.create_sheet("Links")
    other["A1"] = '=HYPERLINK("http://evil.example/click","click")'
    book.save(path)
    return _add_external_parts(path)


def _add_external_parts(path: Path) -> Path:
    """An external workbook link and a web data connection, as Excel writes them."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    package_rel = "http://schemas.openxmlformats.org/package/2006/relationships"
    types = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    extra = {
        "xl/externalLinks/externalLink1.xml": f'<externalLink xmlns="{main}" xmlns:r="{rel}">'
        '<externalBook r:id="rId1"><sheetNames><sheetName val="Pay"/></sheetNames>'
        "</externalBook></externalLink>",
        "xl/externalLinks/_rels/externalLink1.xml.rels": f'<Relationships xmlns="{package_rel}">'
        f'<Relationship Id="rId1" Type="{rel}/externalLinkPath" '
        'Target="file:///C:/secret/salaries.xlsx" TargetMode="External"/></Relationships>',
        "xl/connections.xml": f'<connections xmlns="{main}"><connection id="1" name="web" '
        'type="4" refreshedVersion="6"><webPr url="http://evil.example/q"/></connection>'
        "</connections>",
    }
    source = zipfile.ZipFile(path)
    parts = {item.filename: source.read(item) for item in source.infolist()}
    source.close()
    _replace_once(
        parts,
        "xl/_rels/workbook.xml.rels",
        b"</Relationships>",
        f'<Relationship Id="rIdX1" Type="{rel}/externalLink" '
        f'Target="externalLinks/externalLink1.xml"/><Relationship Id="rIdX2" '
        f'Type="{rel}/connections" Target="connections.xml"/></Relationships>'.encode(),
    )
    _replace_once(
        parts,
        "xl/workbook.xml",
        b"</sheets>",
        b'</sheets><externalReferences><externalReference r:id="rIdX1"/></externalReferences>',
    )
    _replace_once(
        parts,
        "[Content_Types].xml",
        b"</Types>",
        f'<Override PartName="/xl/externalLinks/externalLink1.xml" '
        f'ContentType="{types}.externalLink+xml"/><Override PartName="/xl/connections.xml" '
        f'ContentType="{types}.connections+xml"/></Types>'.encode(),
    )
    whole: dict[str, bytes | str] = {**parts, **extra}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in whole.items():
            package.writestr(name, data)
    return path


def _replace_once(parts: dict[str, bytes], name: str, old: bytes, new: bytes) -> None:
    """Replace ``old`` in one part, loudly: a workbook the links silently failed to go into
    would let the test below pass for nothing."""
    assert parts[name].count(old) == 1, f"{name}: no single {old!r} to replace"
    parts[name] = parts[name].replace(old, new)


def test_the_annotated_copy_holds_values_only_and_no_link_out(workspace: Workspace) -> None:
    dropped = _linked_workbook(workspace.root / "inbox" / "linked.xlsx")
    age(dropped)
    original = dropped.read_bytes()
    _drop_good(workspace)

    done = _process(workspace)

    _no_traceback(done)
    assert (workspace.root / "rejected" / "linked.xlsx").read_bytes() == original
    copy = workspace.root / "rejected" / "linked.problems.xlsx"
    with zipfile.ZipFile(copy) as package:
        names = package.namelist()
        rels = [package.read(name) for name in names if name.endswith(".rels")]
    assert not [n for n in names if re.search(r"externalLink|connection|oleObject|query", n)]
    assert not [r for r in rels if b'TargetMode="External"' in r]
    book = openpyxl.load_workbook(copy)
    cells = [cell for sheet in book for row in sheet.iter_rows() for cell in row]
    assert all(cell.data_type != "f" for cell in cells)  # values, no formulas
    links = [cell.hyperlink for cell in cells if cell.hyperlink is not None]
    assert links  # the Problems sheet links to each problem cell ...
    assert all(link.location and not link.target for link in links)  # ... inside the file
    budget = book["Budget"]
    assert budget["C7"].value == "https://text.example/only-text"  # text, not a link
    assert budget["C5"].value == "Site office" and budget["D6"].value == 45000
    assert "is not a number" in budget["D5"].comment.text
    _went_through(workspace)


def test_a_copy_the_worker_cannot_make_leaves_the_refusal_whole(
    workspace: Workspace, caplog: pytest.LogCaptureFixture
) -> None:
    def over_the_limit(source: Path, problems: Sequence[Problem], target: Path) -> None:
        raise UnreadableWorkbook(f"{source.name}: reading it exhausted the memory limit")

    app = bootstrap(load_settings(workspace.root))
    app = replace(app, workbooks=replace(app.workbooks, annotate=over_the_limit))
    workspace.drop("bad.xlsx", lines=[("", "01-100", "L", "Site office", "lots")])
    _drop_good(workspace)

    outcomes = process_once(app, settle_seconds=0)

    assert [o.kind for o in outcomes] == [OutcomeKind.REFUSED, OutcomeKind.SENT]
    report = (workspace.root / "rejected" / "bad.xlsx.refused.txt").read_text()
    assert "Budget!E8: Original Budget Amount is not a number" in report
    assert not (workspace.root / "rejected" / "bad.problems.xlsx").exists()
    [note] = [r for r in caplog.records if "no annotated copy" in r.getMessage()]
    assert "UnreadableWorkbook: bad.xlsx: reading it exhausted the memory limit" in (
        note.getMessage()
    )
    assert all(r.exc_info is None for r in caplog.records)  # named, never traced
    _went_through(workspace)


def _heavy_refused(path: Path, numbers: int) -> Path:
    """One text amount on Budget; ``numbers`` numbers on a second sheet, within every limit."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    budget = book.add_worksheet("Budget")
    for row, values in enumerate(
        [
            ["Project Number", "P-HEAVY"],
            ["Prepared By", "Ada Admin"],
            [],
            ["Cost Code", "Cost Type", "Original Budget Amount"],
            ["01-100", "L", "lots"],
        ]
    ):
        budget.write_row(row, 0, values)
    if numbers:
        data = book.add_worksheet("Data")
        for row in range(numbers // 100):
            data.write_row(row, 0, [row * 100 + col + 0.5 for col in range(100)])
    book.close()
    age(path)
    return path


def _peak_of_pass(ws: Workspace, tmp_path: Path) -> int:
    """``process`` in its own process; the peak resident memory (KiB) of that process alone
    (its parse worker is another process)."""
    out = tmp_path / "status.txt"
    code = (
        "import atexit, pathlib, sys\n"
        "out = pathlib.Path(sys.argv.pop(1))\n"
        "atexit.register(lambda: out.write_text(pathlib.Path('/proc/self/status').read_text()))\n"
        "from pipeline.cli import main\n"
        "main()\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(out), "-w", str(ws.root), "process"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    _no_traceback(done)
    [line] = [ln for ln in out.read_text().splitlines() if ln.startswith("VmHWM:")]
    return int(line.split()[1])


@pytest.mark.slow
def test_a_heavy_refused_workbook_is_annotated_in_the_worker_not_the_daemon(
    workspace: Workspace, tmp_path: Path
) -> None:
    _heavy_refused(workspace.root / "inbox" / "light.xlsx", 0)
    _drop_good(workspace, "P-GOOD1")
    light = _peak_of_pass(workspace, tmp_path)
    _heavy_refused(workspace.root / "inbox" / "heavy.xlsx", 2_000_000)
    _drop_good(workspace, "P-GOOD2")

    heavy = _peak_of_pass(workspace, tmp_path)

    copy = workspace.root / "rejected" / "heavy.problems.xlsx"
    data = python_calamine.CalamineWorkbook.from_path(str(copy)).get_sheet_by_name("Data")
    assert data.height == 20_000 and data.to_python(nrows=1)[0][:2] == [0.5, 1.5]
    # Two million numbers copied, and the daemon no bigger than for an empty sheet:
    # the copy was written by the parse worker, under its limits.
    assert heavy - light < 64 * 1024, (light, heavy)
    _went_through(workspace, "P-GOOD1")
    _went_through(workspace, "P-GOOD2")
