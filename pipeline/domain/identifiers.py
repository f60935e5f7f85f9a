"""Project Numbers as identifiers: which characters they may hold, and how two compare.

A Project Number is the ERP's job number and the budget's key. It is read with NFKC, as
every code is (``P-1001`` typed with a fullwidth P is ``P-1001``), and refused if anything
that is not plain ASCII remains, or if it holds a character that hides, reorders or breaks
it: other codes are cleaned of those (``pipeline.domain.text``), but a key that needed
cleaning is not trusted to be the one its sender meant. Two numbers are one budget when
they differ only in the case of ASCII letters (``p-1001`` is ``P-1001``), exactly as the
state database compares them (SQLite's NOCASE). Nothing else is folded: ``MAßE-1`` is not
``MASSE-1``.
"""

from __future__ import annotations

from pipeline.domain.text import hidden_characters

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def project_key(project_number: str) -> str:
    """What two Project Numbers are compared by: ASCII case and surrounding spaces ignored,
    nothing else folded."""
    return project_number.strip().translate(_ASCII_LOWER)


def same_project(first: str, second: str) -> bool:
    """Whether two Project Numbers name the same budget."""
    return project_key(first) == project_key(second)


def unfit_characters(project_number: str) -> list[str]:
    """What keeps ``project_number`` from being one a person can read back and retype."""
    return hidden_characters(project_number, odd_spaces=True)
