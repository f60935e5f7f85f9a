"""Whose file an ERP file name holds: ours only with exactly the hashes its intent recorded;
and which names are a version's ERP file names at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.domain.names import export_file, export_seq, project_stem
from pipeline.domain.own_exports import (
    Fingerprint,
    Found,
    Ownership,
    PublishedName,
    ownership,
)

NAME = "P-1_v1_001.csv"
OURS = Fingerprint("d" * 64, "m" * 64)
DATA = Found(NAME, OURS.sha256)
MANIFEST = Found(f"{NAME}.manifest.json", OURS.manifest_sha256)
MARKER = Found(f"{NAME}.done", "e" * 64)
OTHER = "f" * 64


def _name(
    data: Found | None = None,
    manifest: Found | None = None,
    marker: Found | None = None,
    writing: bool = False,
) -> PublishedName:
    return PublishedName(
        name=NAME, seq=1, data=data, manifest=manifest, marker=marker, writing=writing
    )


@pytest.mark.parametrize(
    ("found", "expected"),
    [
        (_name(data=DATA, manifest=MANIFEST), Ownership.PUBLISHED),
        (_name(data=DATA, manifest=MANIFEST, marker=MARKER), Ownership.PUBLISHED),
        (_name(data=DATA), Ownership.PUBLISHED),  # the ERP removed the manifest only
        (_name(manifest=MANIFEST), Ownership.TAKEN),
        (_name(manifest=MANIFEST, marker=MARKER), Ownership.TAKEN),
        (_name(manifest=MANIFEST, writing=True), Ownership.WRITING),
        (_name(data=Found(NAME, OTHER), manifest=MANIFEST), Ownership.FOREIGN),
        (_name(data=DATA, manifest=Found(MANIFEST.name, OTHER)), Ownership.FOREIGN),
        (_name(manifest=Found(MANIFEST.name, OTHER)), Ownership.FOREIGN),
        (_name(data=Found(NAME, None), manifest=MANIFEST), Ownership.FOREIGN),  # a link
        (_name(manifest=Found(MANIFEST.name, None)), Ownership.FOREIGN),
        (_name(marker=MARKER), Ownership.FOREIGN),  # a marker alone proves nothing
    ],
)
def test_a_name_is_ours_only_with_exactly_the_hashes_of_its_intent(
    found: PublishedName, expected: Ownership
) -> None:
    assert ownership(found, OURS) is expected


@pytest.mark.parametrize(
    "found",
    [_name(data=DATA, manifest=MANIFEST), _name(manifest=MANIFEST), _name(data=DATA)],
)
def test_nothing_is_ours_without_an_intent_for_its_name(found: PublishedName) -> None:
    assert ownership(found, None) is Ownership.FOREIGN


HASH = st.sampled_from(["a" * 64, "b" * 64, None])  # few values: equal hashes happen often


@given(data=HASH, manifest=HASH, has_data=st.booleans(), has_manifest=st.booleans())
def test_any_entry_with_another_hash_makes_the_name_foreign(
    data: str | None, manifest: str | None, has_data: bool, has_manifest: bool
) -> None:
    intent = Fingerprint("a" * 64, "a" * 64)
    found = _name(
        data=Found(NAME, data) if has_data else None,
        manifest=Found(MANIFEST.name, manifest) if has_manifest else None,
    )
    wrong = [e for e in found.entries if e.sha256 != "a" * 64]
    verdict = ownership(found, intent)
    if wrong or not found.entries:
        assert verdict is Ownership.FOREIGN
    else:
        assert verdict is (Ownership.PUBLISHED if has_data else Ownership.TAKEN)


PROJECT = st.text(min_size=1, max_size=80)
VERSION = st.integers(min_value=1, max_value=10_000)
SEQ = st.integers(min_value=1, max_value=100_000)
EXTENSION = st.sampled_from(["csv", "txt", "iif"])
LABEL = st.sampled_from(["", "approved-estimate-change", "x"])


@given(PROJECT, VERSION, SEQ, st.booleans(), EXTENSION, LABEL)
def test_every_erp_file_name_reads_back_as_its_sequence_number(
    project: str, version: int, seq: int, change: bool, extension: str, label: str
) -> None:
    name = export_file(project, version, seq, change, extension, label)
    assert export_seq(name, project, version) == seq
    stem, _, ext = name.rpartition(".")
    assert export_seq(f"{stem} (2).{ext}", project, version) == seq  # as set aside again
    assert export_seq(name, project, version + 1) is None


@given(PROJECT, PROJECT, VERSION, VERSION, SEQ, st.booleans(), LABEL)
def test_no_erp_file_name_of_one_project_reads_as_another_projects(
    project: str, other: str, version: int, other_version: int, seq: int, change: bool, label: str
) -> None:
    name = export_file(other, other_version, seq, change, "csv", label)
    if (project_stem(project), version) != (project_stem(other), other_version):
        assert export_seq(name, project, version) is None


@pytest.mark.parametrize(
    "name",
    [
        "P-1_v1_v1_001.csv",  # project P-1_v1
        "P-1_v10_001.csv",
        "P-10_v1_001.csv",
        "P-1_v1_01.csv",  # not our three digits
        "P-1_v1_001.csv.bak",
        "P-1_v1_001",
        "P-1_v1_001_x_v1_001.csv",  # project P-1_v1_001_x
        "P-1_v1_001_a_b.csv",
    ],
)
def test_names_that_only_look_alike_are_not_the_versions(name: str) -> None:
    assert export_seq(name, "P-1", 1) is None
