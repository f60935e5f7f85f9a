"""The outbox on a real folder: an ERP file's intent comes before anything under its name,
nothing is ever written over an entry under that name, what lies under a version's names is
hashed without following a link or opening a pipe, and what is set aside keeps together."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from pipeline.adapters.erp import publishing
from pipeline.adapters.erp.publishing import OutboxPublisher
from pipeline.domain.own_exports import Fingerprint, Found, Ownership, ownership
from pipeline.errors import ExportNameTaken

NAME = "P-1_v1_001.csv"
MANIFEST = {"project_number": "P-1", "version": 1, "kind": "original"}


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _publish(outbox: OutboxPublisher, name: str = NAME, done: bool = False) -> Fingerprint:
    intents: list[Fingerprint] = []

    def intend(fingerprint: Fingerprint) -> None:
        target = outbox.outbox / name
        # Recorded before anything is there under the name, the manifest included.
        assert [p.name for p in target.parent.iterdir() if p.name.startswith(target.name)] == []
        intents.append(fingerprint)

    outbox.publish(name, lambda temp: temp.write_bytes(b"a,b\n"), MANIFEST, done, intend)
    [intent] = intents
    return intent


def _outbox(tmp_path: Path) -> OutboxPublisher:
    (tmp_path / "outbox").mkdir()
    return OutboxPublisher(tmp_path / "outbox")


def _listing(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not p.is_symlink()
    }


def test_the_intent_holds_the_hashes_of_the_file_and_of_its_manifest(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)

    intent = _publish(outbox, done=True)

    [found] = outbox.published("P-1", 1)
    assert found.data == Found(NAME, _sha(b"a,b\n")) == Found(NAME, intent.sha256)
    manifest = (outbox.outbox / f"{NAME}.manifest.json").read_bytes()
    assert found.manifest == Found(f"{NAME}.manifest.json", intent.manifest_sha256)
    assert intent.manifest_sha256 == _sha(manifest)
    assert found.marker == Found(f"{NAME}.done", _sha(b""))
    assert ownership(found, intent) is Ownership.PUBLISHED


@pytest.mark.parametrize("suffix", ["", ".manifest.json", ".done"])
def test_nothing_is_written_where_anything_under_the_name_is(tmp_path: Path, suffix: str) -> None:
    outbox = _outbox(tmp_path)
    planted = outbox.outbox / (NAME + suffix)
    planted.write_bytes(b'{"sha256": "planted"}')
    before = _listing(outbox.outbox)
    intents: list[Fingerprint] = []

    with pytest.raises(ExportNameTaken, match=NAME):
        outbox.publish(NAME, lambda temp: temp.write_bytes(b"x"), MANIFEST, False, intents.append)

    assert intents == [] and _listing(outbox.outbox) == before


@pytest.mark.parametrize("moment", ["while_written", "before_rename"])
def test_a_file_planted_while_ours_is_written_is_left_whole_and_ours_withdrawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, moment: str
) -> None:
    outbox = _outbox(tmp_path)
    planted = outbox.outbox / (NAME if moment == "before_rename" else f"{NAME}.manifest.json")
    intents: list[Fingerprint] = []

    def intend(fingerprint: Fingerprint) -> None:
        intents.append(fingerprint)
        if moment == "while_written":
            planted.write_bytes(b"planted")

    def before_rename(folder: Path) -> None:
        if moment == "before_rename" and folder == outbox.outbox:
            planted.write_bytes(b"planted")

    monkeypatch.setattr(publishing, "before_rename", before_rename)
    with pytest.raises(ExportNameTaken):
        outbox.publish(NAME, lambda temp: temp.write_bytes(b"ours"), MANIFEST, False, intend)

    assert len(intents) == 1  # recorded: the name is spent
    assert _listing(outbox.outbox) == {planted.name: b"planted"}  # no manifest, no temporary
    [found] = outbox.published("P-1", 1)
    assert ownership(found, intents[0]) is Ownership.FOREIGN


def test_a_version_s_names_are_grouped_and_others_left_out(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    intent = _publish(outbox)
    for other in ("P-1_v1_v1_001.csv", "P-1_v10_001.csv", "P-10_v1_001.csv", "notes.txt"):
        (outbox.outbox / other).write_text("not a name of version 1 of P-1")
    (outbox.outbox / "P-1_v1_002_change.txt.manifest.json").write_text("{}")
    (outbox.outbox / "P-1_v1_002_change.txt.done").write_text("")

    found = outbox.published("P-1", 1)

    assert [(f.name, f.seq) for f in found] == [(NAME, 1), ("P-1_v1_002_change.txt", 2)]
    assert [e.name for e in found[1].entries] == [
        "P-1_v1_002_change.txt.manifest.json",
        "P-1_v1_002_change.txt.done",
    ]
    assert ownership(found[0], intent) is Ownership.PUBLISHED


def test_a_link_a_pipe_or_a_folder_under_a_name_is_never_opened(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    secret = tmp_path / "secret.csv"
    secret.write_text("not in the outbox")
    os.symlink(secret, outbox.outbox / "P-1_v1_001.csv")
    os.mkfifo(outbox.outbox / "P-1_v1_002.csv")  # opening it to read would wait forever
    (outbox.outbox / "P-1_v1_003.csv").mkdir()
    os.symlink(secret, outbox.outbox / "P-1_v1_004.csv.manifest.json")

    found = outbox.published("P-1", 1)

    assert [(f.name, f.data) for f in found[:3]] == [
        ("P-1_v1_001.csv", Found("P-1_v1_001.csv", None)),
        ("P-1_v1_002.csv", Found("P-1_v1_002.csv", None)),
        ("P-1_v1_003.csv", Found("P-1_v1_003.csv", None)),
    ]
    assert found[3].manifest == Found("P-1_v1_004.csv.manifest.json", None)
    assert not found[3].writing

    for name in found:
        outbox.move_to_foreign(name)
    foreign = outbox.outbox / "foreign"
    assert (foreign / "P-1_v1_001.csv").readlink() == secret  # the link moved, not its target
    assert (foreign / "P-1_v1_003.csv").is_dir()
    assert secret.read_text() == "not in the outbox"
    assert outbox.seqs_in_foreign("P-1", 1) == [1, 2, 3, 4]


def test_what_is_set_aside_keeps_together_and_never_covers_what_is_there(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    foreign = outbox.outbox / "foreign"
    foreign.mkdir()
    (foreign / f"{NAME}.manifest.json").write_text("set aside before")
    (foreign / "P-1_v1_001 (2).csv").write_text("set aside before, twice")
    (outbox.outbox / NAME).write_text("planted data")
    (outbox.outbox / f"{NAME}.manifest.json").write_text(json.dumps({"file": NAME}))
    (outbox.outbox / f"{NAME}.done").write_text("")

    [found] = outbox.published("P-1", 1)
    moved = outbox.move_to_foreign(found)

    assert moved == [
        "foreign/P-1_v1_001 (3).csv",
        "foreign/P-1_v1_001 (3).csv.manifest.json",
        "foreign/P-1_v1_001 (3).csv.done",
    ]
    assert _listing(outbox.outbox) == {
        "foreign/P-1_v1_001.csv.manifest.json": b"set aside before",
        "foreign/P-1_v1_001 (2).csv": b"set aside before, twice",
        "foreign/P-1_v1_001 (3).csv": b"planted data",
        "foreign/P-1_v1_001 (3).csv.manifest.json": json.dumps({"file": NAME}).encode(),
        "foreign/P-1_v1_001 (3).csv.done": b"",
    }
    assert outbox.published("P-1", 1) == []
    assert outbox.seqs_in_foreign("P-1", 1) == [1]
    assert outbox.seqs_in_foreign("P-1", 2) == []


def test_change_files_in_their_own_folder_are_looked_at_too(tmp_path: Path) -> None:
    outbox = _outbox(tmp_path)
    name = "changes/P-1_v2_001_approved-estimate-change.txt"
    intents: list[Fingerprint] = []
    outbox.publish(name, lambda temp: temp.write_bytes(b"c\n"), MANIFEST, True, intents.append)
    (outbox.outbox / "changes" / "P-1_v2_002_approved-estimate-change.txt").write_text("planted")
    (outbox.outbox / "P-1_v2_003_change.txt").write_text("planted in the outbox itself")

    beside, ours, planted = outbox.published("P-1", 2)  # the outbox first, then changes/

    assert [(n.name, n.seq) for n in (beside, ours, planted)] == [
        ("P-1_v2_003_change.txt", 3),
        (name, 1),
        ("changes/P-1_v2_002_approved-estimate-change.txt", 2),
    ]
    assert ownership(ours, intents[0]) is Ownership.PUBLISHED
    assert outbox.move_to_foreign(planted) == ["foreign/P-1_v2_002_approved-estimate-change.txt"]
    assert outbox.seqs_in_foreign("P-1", 2) == [2]
    outbox.mark_done(name)
    assert (outbox.outbox / f"{name}.done").exists()
