"""Whether what the outbox holds under one of our ERP file names is our own export.

Before an ERP file is renamed into view, the store records the sha256 of its bytes and of
its manifest (the export's intent). After a crash, only a file with exactly those bytes, or,
once the ERP has taken the file, exactly that manifest, is ours; anything else under the
name is foreign, whatever its manifest says. Pure: it compares hashes the adapters computed.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What our file under one name hashes to: its bytes, and its manifest's bytes."""

    sha256: str
    manifest_sha256: str


@dataclass(frozen=True, slots=True)
class Found:
    """One directory entry under an ERP file's name, relative to the outbox. ``sha256`` is
    None for anything but a regular file (a folder, a link, a pipe): that is never ours."""

    name: str
    sha256: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class PublishedName:
    """What a folder of the outbox holds under one ERP file name: the file, its manifest and
    its done-marker, each when present."""

    name: str  # the ERP file's name, relative to the outbox
    seq: int
    data: Found | None = None
    manifest: Found | None = None
    marker: Found | None = None
    writing: bool = False  # the manifest names a temporary file that is still there

    @property
    def entries(self) -> tuple[Found, ...]:
        """The entries present, the file first."""
        return tuple(e for e in (self.data, self.manifest, self.marker) if e is not None)


class Ownership(enum.StrEnum):
    """Whose file a name holds."""

    PUBLISHED = "published"  # ours, in the outbox
    TAKEN = "taken"  # ours, taken by the ERP: only its manifest is left
    WRITING = "writing"  # ours, still being written by another process
    FOREIGN = "foreign"  # not ours: never taken for an export


def ownership(found: PublishedName, intent: Fingerprint | None) -> Ownership:
    """Ours only with an intent for exactly this name and exactly its hashes: the file's
    (its manifest, if still there, must be ours too), or the manifest's once the file is
    gone. A done-marker alone proves nothing; nor does anything without an intent."""
    if intent is None:
        return Ownership.FOREIGN
    manifest_ours = found.manifest is not None and found.manifest.sha256 == intent.manifest_sha256
    if found.data is not None:
        if found.data.sha256 == intent.sha256 and (found.manifest is None or manifest_ours):
            return Ownership.PUBLISHED
        return Ownership.FOREIGN
    if manifest_ours:
        return Ownership.WRITING if found.writing else Ownership.TAKEN
    return Ownership.FOREIGN
