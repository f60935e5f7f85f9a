"""Text shown to people or put in a header: on one line, nothing hidden. Pure."""

from __future__ import annotations

import unicodedata

from pipeline.domain.identifiers import HIDING


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
