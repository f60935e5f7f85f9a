"""Setting a refused ERP file aside on real folders: the file, its done-marker and manifest
leave the outbox for ``outbox/failed/`` with the note beside them; only what is there moves;
a name taken there is never overwritten; a link moves as a link."""

from __future__ import annotations

from pathlib import Path

from pipeline.adapters.erp.publishing import OutboxPublisher

NAME = "P-1001_v1_001.csv"


def _published(outbox: Path, *suffixes: str) -> None:
    for suffix in suffixes:
        (outbox / (NAME + suffix)).write_text(f"{suffix or 'data'}\n")


def test_the_file_and_its_companions_move_with_the_note_beside_them(tmp_path: Path) -> None:
    _published(tmp_path, "", ".manifest.json", ".done")

    moved = OutboxPublisher(tmp_path).set_aside(NAME, "the ERP's message\n")

    failed = tmp_path / "failed"
    assert moved == [
        failed / f"{NAME}.error.txt",
        failed / f"{NAME}.done",  # the marker an importer watches goes first
        failed / NAME,
        failed / f"{NAME}.manifest.json",  # our record of the file last
    ]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["failed"]
    assert (failed / NAME).read_text() == "data\n"
    assert (failed / f"{NAME}.error.txt").read_text() == "the ERP's message\n"


def test_only_what_is_left_moves_and_nothing_left_writes_nothing(tmp_path: Path) -> None:
    _published(tmp_path, ".manifest.json")  # the ERP took the file itself
    publisher = OutboxPublisher(tmp_path)

    assert [p.name for p in publisher.set_aside(NAME, "note")] == [
        f"{NAME}.error.txt",
        f"{NAME}.manifest.json",
    ]
    assert publisher.set_aside(NAME, "again") == []  # moved already: no second note
    assert publisher.set_aside("P-2002_v1_001.csv", "never here") == []
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == [
        f"{NAME}.error.txt",
        f"{NAME}.manifest.json",
    ]


def test_a_name_taken_in_failed_gives_the_whole_group_the_next_number(tmp_path: Path) -> None:
    failed = tmp_path / "failed"
    failed.mkdir()
    (failed / f"{NAME}.manifest.json").write_text("earlier\n")  # one of the group's names
    (failed / "P-1001_v1_001 (2).csv").write_text("earlier too\n")
    _published(tmp_path, "", ".manifest.json")

    moved = OutboxPublisher(tmp_path).set_aside(NAME, "note")

    assert [p.name for p in moved] == [
        "P-1001_v1_001 (3).csv.error.txt",
        "P-1001_v1_001 (3).csv",
        "P-1001_v1_001 (3).csv.manifest.json",
    ]
    assert (failed / f"{NAME}.manifest.json").read_text() == "earlier\n"
    assert (failed / "P-1001_v1_001 (2).csv").read_text() == "earlier too\n"


def test_a_link_put_under_the_name_moves_as_a_link_never_followed(tmp_path: Path) -> None:
    outbox, elsewhere = tmp_path / "outbox", tmp_path / "elsewhere.csv"
    outbox.mkdir()
    elsewhere.write_text("not ours\n")
    (outbox / NAME).symlink_to(elsewhere)

    OutboxPublisher(outbox).set_aside(NAME, "note")

    assert (outbox / "failed" / NAME).is_symlink()
    assert elsewhere.read_text() == "not ours\n"
    assert not (outbox / NAME).is_symlink() and not (outbox / NAME).exists()


def test_a_file_in_a_folder_of_the_outbox_is_set_aside_into_failed_by_its_own_name(
    tmp_path: Path,
) -> None:
    changes = tmp_path / "changes"  # where a layout may put its change files
    changes.mkdir()
    (changes / "P-1001_v2_001_change.txt").write_text("change\n")
    (changes / "P-1001_v2_001_change.txt.manifest.json").write_text("{}\n")

    moved = OutboxPublisher(tmp_path).set_aside("changes/P-1001_v2_001_change.txt", "note")

    assert [p.relative_to(tmp_path).as_posix() for p in moved] == [
        "failed/P-1001_v2_001_change.txt.error.txt",
        "failed/P-1001_v2_001_change.txt",
        "failed/P-1001_v2_001_change.txt.manifest.json",
    ]
    assert list(changes.iterdir()) == []
