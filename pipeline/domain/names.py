"""Every file and folder name the workflow writes, in one place: review, rejected and ERP
files of a version, the budget in force, the notes and copies beside a hand-back, the
results folders and the folder of refused ERP files.

Pure: names from Project Numbers, versions and sequence numbers. The file system's own limits
(255 bytes, hidden characters) are applied where files are written (adapters/files).
"""

from __future__ import annotations

import hashlib
import re

STEM_MAX = 64  # characters of a Project Number kept in file names before it is shortened
REVIEW_SUFFIX = "_review.xlsx"
REJECTED_SUFFIX = "_rejected.xlsx"
CURRENT_SUFFIX = "_current.xlsx"
REFUSED_NOTE = ".refused.txt"
PROBLEMS_SUFFIX = ".problems.xlsx"
RESULTS = "results"  # outbox/results/: the ERP's answers
PROCESSED = "processed"  # outbox/results/processed/: answers applied
REFUSED = "refused"  # outbox/results/refused/: answers that could not be used
CHANGES = "changes"  # outbox/changes/: change files of layouts whose importer must be told
FAILED = "failed"  # outbox/failed/: ERP files the ERP refused, out of an importer's way
ERROR_NOTE = ".error.txt"  # beside a refused ERP file in failed/: the ERP's message
SQUATTED = "squatted"  # archive/squatted/: what held the name of a workbook of ours
FOREIGN = "foreign"  # outbox/foreign/: files found under our ERP file names that were not ours

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")
# An ERP file's name after its stem and version: the sequence number, a change's mark
# (``_change``, or a layout's label: letters, digits and hyphens, never ``_``, so that no
# other project's name reads as one), and the extension; `` (2)`` is the mark a file set
# aside in foreign/ may carry.
_EXPORT_TAIL = re.compile(r"_(\d{3,})(?:_[A-Za-z][A-Za-z0-9-]*)?(?: \(\d+\))?\.[A-Za-z0-9]+")
_HASH_TAIL = re.compile(r"-[0-9a-f]{8}$", re.IGNORECASE)


def project_stem(project_number: str) -> str:
    """A file-name stem for a project that no other Project Number can share.

    Short numbers that are already safe are kept as they are; any other gets a short hash
    of the exact number, so ``J/100`` and ``J_100`` never write the same file and a number
    of hundreds of characters still makes a short name. A safe number that itself ends like
    such a hash (``J_100-1a2b3c4d``) is hashed too, or it could take the stem of the number
    whose hash it copies.
    """
    safe = safe_name(project_number)
    if safe == project_number and len(safe) <= STEM_MAX and not _HASH_TAIL.search(project_number):
        return safe
    return f"{safe[:STEM_MAX]}-{short_hash(project_number)}"


def review_file(project_number: str, version: int) -> str:
    """``P-1001_v2_review.xlsx``: the approver's workbook of a version."""
    return f"{project_stem(project_number)}_v{version}{REVIEW_SUFFIX}"


def rejected_file(project_number: str, version: int) -> str:
    """``P-1001_v2_rejected.xlsx``: the workbook handed back after a rejection."""
    return f"{project_stem(project_number)}_v{version}{REJECTED_SUFFIX}"


def current_file(project_number: str) -> str:
    """``P-1001_current.xlsx``: the budget in force in the ERP, in ``current/``, for the
    admin's next change."""
    return f"{project_stem(project_number)}{CURRENT_SUFFIX}"


def rejected_for_review(review_name: str) -> str:
    """The handed-back workbook's name for a review workbook's name."""
    return review_name.removesuffix(REVIEW_SUFFIX) + REJECTED_SUFFIX


def is_review_file(name: str) -> bool:
    """Whether a name in approval/ is one of our review workbooks."""
    return name.endswith(REVIEW_SUFFIX)


def export_file(
    project_number: str, version: int, seq: int, change: bool, extension: str, label: str = ""
) -> str:
    """``P-1001_v2_001_change.csv``: an ERP import file; a change file whose layout cannot
    say it is one carries what it is instead (``_approved-estimate-change``) and lives in
    ``changes/``: ``changes/P-1001_v2_001_approved-estimate-change.txt``."""
    if not change:
        return f"{project_stem(project_number)}_v{version}_{seq:03d}.{extension}"
    if not label:
        return f"{project_stem(project_number)}_v{version}_{seq:03d}_change.{extension}"
    return f"{CHANGES}/{project_stem(project_number)}_v{version}_{seq:03d}_{label}.{extension}"


def change_reference(version: int, seq: int, length: int) -> str:
    """A reference of exactly ``length`` letters and digits for one change file, as an ERP
    that logs change requests asks for (Spectrum: eight): ``V003S001`` for version 3, file 1.
    A number past its decimal digits is written in base 36 behind another letter (``W``,
    ``T``), so a reference always fits and two files never share one."""
    digits = length - 5
    if digits < 1:
        raise ValueError(f"a change reference needs at least 6 characters, not {length}")
    return _part("V", "W", version, digits) + _part("S", "T", seq, 3)


def _part(decimal: str, base36: str, number: int, width: int) -> str:
    if number < 10**width:
        return f"{decimal}{number:0{width}d}"
    alphabet, out, rest = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", "", number
    while rest:
        rest, digit = divmod(rest, 36)
        out = alphabet[digit] + out
    if len(out) > width:
        raise ValueError(f"{number} does not fit a reference of {width} characters")
    return base36 + out.rjust(width, "0")


def export_seq(name: str, project_number: str, version: int) -> int | None:
    """The sequence number of ``name`` (in whatever folder of the outbox) if it is an ERP
    file name of that version (as ``export_file`` makes them, or as set aside with
    `` (2)``), else None."""
    name = name.rpartition("/")[2]
    head = f"{project_stem(project_number)}_v{version}"
    if not name.startswith(head):
        return None
    tail = _EXPORT_TAIL.fullmatch(name, len(head))
    return int(tail.group(1)) if tail else None


def refused_note(name: str) -> str:
    """The report beside a refused file: ``budget.xlsx.refused.txt``."""
    return name + REFUSED_NOTE


def error_note(name: str) -> str:
    """The ERP's message beside a file it refused: ``P-1001_v1_001.csv.error.txt``."""
    return name + ERROR_NOTE


def problems_copy(name: str) -> str:
    """The marked-up copy beside a refused workbook: ``budget.problems.xlsx``."""
    stem = name[: -len(".xlsx")] if name.lower().endswith(".xlsx") else name
    return stem + PROBLEMS_SUFFIX


def safe_name(text: str) -> str:
    """Text made safe for a file name: ASCII letters, digits, ``._-``; nothing in front."""
    return _UNSAFE.sub("_", text).strip("._") or "budget"


def short_hash(text: str) -> str:
    """Eight hex characters of the sha256 of ``text`` (undecodable bytes included)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]
