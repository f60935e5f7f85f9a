"""Hostile and odd input: refused with a clear message, before any parser sees it, and
nothing we run is harmed (zip bombs, macros, old formats, entity bombs, runaway parses)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from pipeline.adapters.reading.budget_reader import read_budget
from pipeline.adapters.reading.package_guard import OLE2_MAGIC, inspect_package
from pipeline.adapters.reading.parse_worker import ParseWorker
from pipeline.config import PackageLimits
from pipeline.errors import UnreadableWorkbook
from tests.support.far_cells import SPELLINGS, far_cell_workbook
from tests.support.workbooks import make_workbook

SMALL = PackageLimits(max_bytes=2**20, max_entries=50, max_uncompressed=8 * 2**20, max_ratio=200)


def _zip(path: Path, entries: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in entries.items():
            package.writestr(name, data)
    return path


def test_a_part_that_expands_a_thousandfold_is_a_zip_bomb(tmp_path: Path) -> None:
    bomb = _zip(tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": b"\0" * (5 * 2**20)})
    with pytest.raises(UnreadableWorkbook, match=r"bomb\.xlsx: part .* expands \d+ times"):
        inspect_package(bomb, SMALL)


def test_too_much_unpacked_data_is_refused(tmp_path: Path) -> None:
    parts = {f"xl/media/image{i}.bin": os.urandom(2**20) for i in range(9)}
    big = _zip(tmp_path / "big.xlsx", parts)
    with pytest.raises(UnreadableWorkbook, match=r"unpacks to 9 MB, over the limit of 8 MB"):
        inspect_package(big, PackageLimits(max_bytes=100 * 2**20, max_uncompressed=8 * 2**20))


def test_too_many_parts_are_refused(tmp_path: Path) -> None:
    many = _zip(tmp_path / "many.xlsx", {f"p{i}.xml": b"<a/>" for i in range(60)})
    with pytest.raises(UnreadableWorkbook, match="60 parts in the package, over the limit of 50"):
        inspect_package(many, SMALL)


def test_a_renamed_macro_workbook_is_refused(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "macro.xlsx")
    with zipfile.ZipFile(path, "a") as package:
        package.writestr("xl/vbaProject.bin", b'Attribute VB_Name = "Module1"')
    with pytest.raises(UnreadableWorkbook, match=r"macro\.xlsx: contains macros"):
        inspect_package(path, SMALL)


@pytest.mark.parametrize(
    ("suffix", "words"), [(".xlsm", "macro-enabled"), (".xlsb", "binary"), (".xls", "97-2003")]
)
def test_other_excel_formats_are_named(tmp_path: Path, suffix: str, words: str) -> None:
    path = make_workbook(tmp_path / f"budget{suffix}")
    with pytest.raises(UnreadableWorkbook, match=words):
        inspect_package(path, SMALL)


def test_an_old_or_password_protected_workbook_is_named(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE2_MAGIC + b"\0" * 512)
    with pytest.raises(UnreadableWorkbook, match=r"97-2003 \(\.xls\) or password-protected"):
        inspect_package(path, SMALL)


def test_a_workbook_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.xlsx"
    path.write_bytes(os.urandom(2 * 2**20))
    with pytest.raises(UnreadableWorkbook, match=r"2\.0 MB is over the limit of 1 MB"):
        inspect_package(path, SMALL)


def test_an_entity_bomb_in_the_document_properties_is_refused_quickly(tmp_path: Path) -> None:
    path = make_workbook(tmp_path / "laughs.xlsx")
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{"&lol;" * 10 if i == 1 else f"&lol{i - 1};" * 10}">'
            for i in range(1, 10)
        )
        + ']><cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
        'metadata/core-properties"><cp:lastModifiedBy>&lol9;</cp:lastModifiedBy>'
        "</cp:coreProperties>"
    )
    rebuilt = tmp_path / "rebuilt.xlsx"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(rebuilt, "w") as target:
        for item in source.infolist():
            data = lol.encode() if item.filename == "docProps/core.xml" else source.read(item)
            target.writestr(item, data)
    started = time.monotonic()
    with pytest.raises(UnreadableWorkbook, match=r"rebuilt\.xlsx: cannot read the workbook"):
        read_budget(rebuilt)
    assert time.monotonic() - started < 5


def test_a_runaway_parse_is_stopped_at_its_time_limit() -> None:
    worker = ParseWorker(seconds=1, memory_mb=1024)
    started = time.monotonic()
    with pytest.raises(UnreadableWorkbook, match="took longer than the limit of 1 s"):
        worker.run("slow.xlsx", time.sleep, 30)
    assert time.monotonic() - started < 10
    assert worker.run("next.xlsx", sum, [1, 2, 3]) == 6  # a fresh worker takes the next one


def test_a_parse_that_exhausts_memory_is_stopped_and_the_next_one_runs() -> None:
    worker = ParseWorker(seconds=30, memory_mb=512)
    with pytest.raises(
        UnreadableWorkbook, match="too big: reading it needed more than the limit of 512 MiB"
    ):
        worker.run("greedy.xlsx", bytearray, 3 * 2**30)
    assert worker.run("next.xlsx", len, "abc") == 3


def test_a_parser_crash_kills_only_the_worker() -> None:
    worker = ParseWorker(seconds=30, memory_mb=512)
    with pytest.raises(UnreadableWorkbook, match="crashed the reader"):
        worker.run("crash.xlsx", os._exit, 3)
    assert worker.run("next.xlsx", len, "ab") == 2
    worker.stop()


def test_budget_erp_refuses_to_start_without_defusedxml(tmp_path: Path) -> None:
    code = "import sys; sys.modules['defusedxml'] = None\nfrom pipeline.cli import main\nmain()"
    (tmp_path / "budget-erp.toml").write_text("")
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "people.toml").write_text("")
    done = subprocess.run(
        [sys.executable, "-c", code, "-w", str(tmp_path), "status"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "defusedxml is required" in done.stderr


@pytest.mark.parametrize("spelling", list(SPELLINGS))
def test_a_far_cell_in_any_spelling_is_refused_as_too_big_before_the_grid_is_laid_out(
    tmp_path: Path, spelling: str
) -> None:
    path = far_cell_workbook(tmp_path / "far.xlsx", spelling)
    with pytest.raises(UnreadableWorkbook) as refused:
        read_budget(path, memory_mb=512)
    assert str(refused.value).startswith(
        "far.xlsx: too big: sheet 'Budget' has something at XFD1048576, which makes it a grid "
        "of 17,179,869,184 cells / 786,432 MiB (limit 512 MiB, [limits] parse_memory_mb)"
    )


def test_a_reader_stopped_by_the_memory_limit_is_reported_in_words_without_a_backtrace(
    tmp_path: Path,
) -> None:
    path = far_cell_workbook(tmp_path / "far.xlsx", "single quotes")
    code = (
        "import sys\n"
        "from pipeline.adapters.reading.parse_worker import ParseWorker\n"
        "from pipeline.errors import UnreadableWorkbook\n"
        "worker = ParseWorker(seconds=60, memory_mb=512)\n"
        "try:\n"
        "    worker.run('far.xlsx', 'tests.support.far_cells:lay_out_unchecked', sys.argv[1])\n"
        "except UnreadableWorkbook as exc:\n"
        "    print(exc)\n"
        "print(worker.run('next.xlsx', len, 'abc'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "RUST_BACKTRACE": "1"},
    )
    assert done.stdout.splitlines() == [
        "far.xlsx: too big: reading it needed more than the limit of 512 MiB "
        "([limits] parse_memory_mb), or crashed the reader",
        "3",
    ], done.stderr
    assert "stack backtrace" not in done.stderr and "Traceback" not in done.stderr, done.stderr
