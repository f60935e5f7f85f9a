"""Names built from what users drop (file names, Project Numbers): within the file system's
255-byte limit with every suffix we add, free of characters that hide, reorder or break a
line, and still recognisable: a readable prefix, and a short hash when shortened."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from pipeline.domain.identifiers import HIDING

NAME_MAX = 255  # bytes, the limit of ext4, XFS, btrfs and of SMB/NTFS names (in UTF-16 units)
STEM_MAX = 64  # characters of a Project Number kept in file names before it is shortened
REFUSED_NOTE = ".refused.txt"
# Room a hand-back name keeps for what we add to it: " (123)" when the name is taken, and
# the longest suffix of its companions (".refused.txt", ".problems.xlsx" for ".xlsx").
HAND_BACK_RESERVE = len(" (123)") + len(".problems.xlsx")

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
_HASH_TAIL = re.compile(r"-[0-9a-f]{8}$", re.IGNORECASE)


def clean_text(text: str, replacement: str = " ") -> str:
    """``text`` on one line with nothing hidden: every hidden character becomes
    ``replacement``, every space-like character a plain space."""
    out = []
    for ch in text:
        if unicodedata.category(ch) in HIDING:
            out.append(replacement)
        elif ch.isspace():
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def printable(text: str) -> str:
    """``text`` for a terminal or a log line: hidden characters shown as ``\\uXXXX``."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in HIDING else ch for ch in text)


def fit_name(name: str, reserve: int = 0) -> str:
    """A clean file name, shortened if needed so that it and ``reserve`` more bytes fit the
    file system's limit. A shortened name keeps its beginning, its extension, and a hash of
    the whole name, so two long names never meet."""
    cleaned = clean_text(name, "_").replace("/", "_").strip(" .") or "file"
    limit = NAME_MAX - reserve
    if len(cleaned.encode("utf-8")) <= limit:
        return cleaned
    stem, dot, extension = cleaned.rpartition(".")
    if not dot or not stem or len(extension) > 16:
        stem, extension = cleaned, ""
    suffix = f"~{_hash(name)}" + (f".{extension}" if extension else "")
    return _truncate(stem, limit - len(suffix.encode("utf-8"))) + suffix


def project_stem(project_number: str) -> str:
    """A file-name stem for a project that no other Project Number can share.

    Short numbers that are already safe are kept as they are; any other gets a short hash
    of the exact number, so ``J/100`` and ``J_100`` never write the same file and a number
    of hundreds of characters still makes a short name. A safe number that itself ends like
    such a hash (``J_100-1a2b3c4d``) is hashed too, or it could take the stem of the number
    whose hash it copies.
    """
    safe = _UNSAFE.sub("_", project_number).strip("._") or "budget"
    if safe == project_number and len(safe) <= STEM_MAX and not _HASH_TAIL.search(project_number):
        return safe
    return f"{safe[:STEM_MAX]}-{_hash(project_number)}"


def safe_name(text: str) -> str:
    """Text made safe for a file name: ASCII letters, digits, ``._-``; nothing in front."""
    return _UNSAFE.sub("_", text).strip("._") or "budget"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _truncate(text: str, max_bytes: int) -> str:
    """The longest beginning of ``text`` that fits ``max_bytes`` of UTF-8, whole characters."""
    encoded = text.encode("utf-8")[: max(0, max_bytes)]
    return encoded.decode("utf-8", "ignore").rstrip(" .") or "file"
