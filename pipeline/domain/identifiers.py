"""Project Numbers as identifiers: which characters they may hold, and how two compare.

A Project Number is the ERP's job number. Two numbers are one budget when they differ only
in the case of ASCII letters (``p-1001`` is ``P-1001``), exactly as the state database
compares them (SQLite's NOCASE). Nothing else is folded: ``MAßE-1`` is not ``MASSE-1`` and
a full-width P (U+FF30) is not ``P``, because the ERP keeps them apart too.
"""

from __future__ import annotations

import unicodedata

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")
HIDING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space that is not a plain space",
    "Cs": "an undecodable byte",
}


def project_key(project_number: str) -> str:
    """What two Project Numbers are compared by: ASCII case and surrounding spaces ignored,
    nothing else folded."""
    return project_number.strip().translate(_ASCII_LOWER)


def same_project(first: str, second: str) -> bool:
    """Whether two Project Numbers name the same budget."""
    return project_key(first) == project_key(second)


def hidden_characters(text: str, odd_spaces: bool = False) -> list[str]:
    """Each character of ``text`` that hides, reorders or breaks it (control, invisible
    formatting such as bidi overrides and zero-width characters, line and paragraph
    separators, undecodable bytes), and with ``odd_spaces`` every space but the plain one;
    described for a person: ``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+0007 (a control
    character)``."""
    found = []
    for ch in text:
        kind = unicodedata.category(ch)
        if kind in HIDING or (odd_spaces and kind == "Zs" and ch != " "):
            name = unicodedata.name(ch, "")
            found.append(f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X} ({_KINDS[kind]})")
    return found


def unfit_characters(project_number: str) -> list[str]:
    """What keeps ``project_number`` from being one a person can read back and retype."""
    return hidden_characters(project_number, odd_spaces=True)
