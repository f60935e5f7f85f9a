"""Names as the file system takes them: within its 255-byte limit with every suffix we add,
free of characters that hide, reorder or break a line, and still recognisable: a readable
prefix, and a short hash when shortened."""

from __future__ import annotations

from pipeline.domain.names import short_hash
from pipeline.domain.text import clean_text

NAME_MAX = 255  # bytes, the limit of ext4, XFS, btrfs and of SMB/NTFS names (in UTF-16 units)
# Room a hand-back name keeps for what we add to it: " (123)" when the name is taken, and
# the longest suffix of its companions (".refused.txt", ".problems.xlsx" for ".xlsx").
HAND_BACK_RESERVE = len(" (123)") + len(".problems.xlsx")


def fit_name(name: str, reserve: int = 0) -> str:
    """A clean file name, shortened if needed so that it and ``reserve`` more bytes fit the
    file system's limit. A shortened name keeps its beginning, its extension, and a hash of
    the whole name, so two long names never meet."""
    cleaned = clean_text(name, mark="_").replace("/", "_").strip(" .") or "file"
    limit = NAME_MAX - reserve
    if len(cleaned.encode("utf-8")) <= limit:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, extension = cleaned, ""
    suffix = f"~{short_hash(name)}" + (f".{extension}" if extension else "")
    return _truncate(stem, limit - len(suffix.encode("utf-8"))) + suffix


def _truncate(text: str, max_bytes: int) -> str:
    """The longest beginning of ``text`` that fits ``max_bytes`` of UTF-8, whole characters."""
    encoded = text.encode("utf-8")[: max(0, max_bytes)]
    return encoded.decode("utf-8", "ignore").rstrip(" .") or "file"
