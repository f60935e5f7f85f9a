"""Any file name and any Project Number (any Unicode, any length): a pass never raises, a
delivery round always completes, and every name budget-erp writes fits 255 bytes and holds
nothing hidden."""

from __future__ import annotations

import email
import email.policy
import os
import tempfile
from pathlib import Path

import xlsxwriter
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.adapters.sqlite.store import SqliteStore
from pipeline.bootstrap import bootstrap
from pipeline.config import load_settings
from pipeline.domain.text import hidden_characters
from pipeline.services.mail_delivery import deliver_due
from pipeline.services.processing import process_once
from tests.support.workspace import new_workspace

# Any character, and the undecodable bytes os.listdir hands back as lone surrogates.
ANY = st.one_of(st.characters(), st.characters(min_codepoint=0xDC80, max_codepoint=0xDCFF))
FILE_NAME = st.text(ANY, min_size=1, max_size=90).filter(
    lambda text: "/" not in text and "\0" not in text and text not in (".", "..")
)
SUFFIX = st.sampled_from([".xlsx", ".XLSX", "", ".tmp", ".xlsx.part"])
PROJECT = st.one_of(st.text(min_size=1, max_size=300), st.text(max_size=12), st.just("J/1"))


def _fs_name(text: str) -> str | None:
    """The name as the file system can hold it (undecodable bytes kept as Python does)."""
    try:
        data = os.fsencode(text)
    except UnicodeEncodeError:
        return None
    return text if len(data) <= 255 else None


def _budget(path: Path, project: str) -> None:
    """A budget as Excel writes it: xlsxwriter keeps any character, escaping controls."""
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Budget")
    rows: list[list[str | int]] = [
        ["Project Number", project],
        ["Prepared By", "Ada Admin"],
        [],
        ["Cost Code", "Cost Type", "Description", "Original Budget Amount"],
        ["01-100", "L", "General conditions", 1200],
    ]
    for number, row in enumerate(rows):
        for col, value in enumerate(row):
            if isinstance(value, str):
                sheet.write_string(number, col, value)
            else:
                sheet.write_number(number, col, value)
    book.close()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(FILE_NAME, SUFFIX, PROJECT)
def test_a_pass_never_raises_and_every_name_written_fits_and_is_clean(
    name: str, suffix: str, project: str
) -> None:
    file_name = _fs_name(name + suffix)
    if file_name is None:
        return
    with tempfile.TemporaryDirectory() as folder:
        ws = new_workspace(Path(folder) / "ws")
        ws.configure("limits", isolate_parsing=False)  # in this process, for speed
        ws.configure("watch", incomplete_seconds=0.0)  # answer odd names at once
        target = ws.root / "inbox" / file_name
        _budget(target, project)
        os.utime(target, (0, 0))
        app = bootstrap(load_settings(ws.root))
        try:
            process_once(app, settle_seconds=0)
            report = deliver_due(app)
        finally:
            assert isinstance(app.store, SqliteStore)  # closed: the folder is removed next
            app.store.close()
        assert report.failed == []
        for path in ws.root.rglob("*"):
            relative = path.relative_to(ws.root)
            assert len(os.fsencode(path.name)) <= 255, relative
            if relative.parts[0] not in ("inbox", "processing"):  # names people gave
                assert hidden_characters(path.name) == [], relative
        for eml in (ws.root / "mail").glob("*.eml"):
            message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
            assert "\n" not in str(message["Subject"])
