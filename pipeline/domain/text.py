"""Text as people and the ERP get it: one cleaning for all of it, the form codes take, and
the words for a character no one can see. Pure.

``clean_text`` is the one rule for every text that reaches a review workbook, the workbook
handed back, an ERP file, a mail header or a file name, so that what the ERP books is what
the approver saw:

* removed: controls (Unicode category Cc: NUL, ESC, ALERT ...), invisible formatting (Cf:
  the bidi overrides and isolates, zero-width spaces and joiners, the soft hyphen, the
  byte-order mark, tag characters) and undecodable bytes (Cs). Each shows as nothing, or
  reorders what is around it, so text holding one looks like text that does not
  (``null\\x00byte`` reads as ``nullbyte``); the ERP would keep them apart.
* one plain space each: line breaks, tabs and every space but the plain one (what Python
  counts as whitespace: Zs, Zl, Zp, ``\\t \\n \\r \\v \\f``, U+001C-U+001F, U+0085). ERP
  fields are one line, and a no-break space looks like a space.
* kept: everything else, letters of any script, accents, symbols, private-use characters.

Removing rather than replacing with a space: a zero-width space or a bidi override stands
between two letters of one word (``Con\\u200bcrete``), and the approver sees that word.

Codes (cost codes, cost types, sub jobs, Project Numbers) are compared character by
character, by the duplicate check, the ERP's lists and the ERP itself: ``code_text`` also
folds them with NFKC (a fullwidth L, U+FF2C, is ``L``; the ligature U+FB01 is ``fi``).
Whatever is not plain ASCII after that is refused where the code is read, naming the cell.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

REMOVED = frozenset({"Cc", "Cf", "Cs"})  # what the cleaning removes (whitespace aside)
# What hides, reorders or breaks a line: never in a Project Number or a file name we take.
HIDING = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})
_KINDS = {
    "Cc": "a control character",
    "Cf": "an invisible formatting character",
    "Zl": "a line separator",
    "Zp": "a paragraph separator",
    "Zs": "a space that is not a plain space",
    "Cs": "an undecodable byte",
}
# The C0 controls and DEL have no Unicode name, only these aliases (unicodedata.lookup
# takes them); a person reading a warning knows NULL and ESCAPE better than U+0000.
_C0_NAMES = (
    "NULL",
    "START OF HEADING",
    "START OF TEXT",
    "END OF TEXT",
    "END OF TRANSMISSION",
    "ENQUIRY",
    "ACKNOWLEDGE",
    "ALERT",
    "BACKSPACE",
    "CHARACTER TABULATION",
    "LINE FEED",
    "LINE TABULATION",
    "FORM FEED",
    "CARRIAGE RETURN",
    "SHIFT OUT",
    "SHIFT IN",
    "DATA LINK ESCAPE",
    "DEVICE CONTROL ONE",
    "DEVICE CONTROL TWO",
    "DEVICE CONTROL THREE",
    "DEVICE CONTROL FOUR",
    "NEGATIVE ACKNOWLEDGE",
    "SYNCHRONOUS IDLE",
    "END OF TRANSMISSION BLOCK",
    "CANCEL",
    "END OF MEDIUM",
    "SUBSTITUTE",
    "ESCAPE",
    "INFORMATION SEPARATOR FOUR",
    "INFORMATION SEPARATOR THREE",
    "INFORMATION SEPARATOR TWO",
    "INFORMATION SEPARATOR ONE",
)
_CONTROL_NAMES = {**dict(enumerate(_C0_NAMES)), 0x7F: "DELETE"}
_LINE_BREAK = re.compile(r"\r\n|\r|\n")


def clean_text(text: str, mark: str = "") -> str:
    """``text`` on one line with nothing hidden (the rule is the module's docstring): each
    control, invisible formatting character and undecodable byte becomes ``mark`` (by
    default nothing; a file name marks the place with ``_``), each line break, tab and odd
    space a plain space. Printable text, nearly all of it, comes back as it is, found so by
    one scan in C: this runs for every text field of 200,000-line budgets. ``isprintable``
    alone, not ``isascii() and isprintable()``: accented descriptions take the fast path
    too, and it is exact, false for every character the rule acts on (it is false for
    private-use and unassigned ones as well, which the slow path keeps)."""
    if text.isprintable():
        return text
    return "".join(
        " " if ch.isspace() else mark if unicodedata.category(ch) in REMOVED else ch for ch in text
    )


def clean_lines(text: str) -> str:
    """``text`` for the body of an email: each line cleaned as ``clean_text`` does, the line
    breaks kept (as ``\n``), so that a reason typed on several lines still reads so."""
    if text.isprintable():
        return text
    return "\n".join(clean_text(line) for line in _LINE_BREAK.split(text))


def code_text(text: str) -> str:
    """A code as it is compared and exported: cleaned, then NFKC (a fullwidth L is ``L``).
    The caller refuses it if it is not ASCII then (``str.isascii``)."""
    if text.isascii() and text.isprintable():
        return text
    return unicodedata.normalize("NFKC", clean_text(text))


def removed_characters(text: str) -> list[str]:
    """Each distinct character ``clean_text`` removes from ``text``, in order, described for
    a person: ``U+0000 NULL``, ``U+202E RIGHT-TO-LEFT OVERRIDE``."""
    found = dict.fromkeys(
        ch for ch in text if not ch.isspace() and unicodedata.category(ch) in REMOVED
    )
    return [described(ch) for ch in found]


def hidden_characters(text: str, odd_spaces: bool = False) -> list[str]:
    """Each character of ``text`` that hides, reorders or breaks it (control, invisible
    formatting such as bidi overrides and zero-width characters, line and paragraph
    separators, undecodable bytes), and with ``odd_spaces`` every space but the plain one;
    described for a person: ``U+202E RIGHT-TO-LEFT OVERRIDE``, ``U+001B ESCAPE``."""
    return [
        described(ch)
        for ch in text
        if (kind := unicodedata.category(ch)) in HIDING
        or (odd_spaces and kind == "Zs" and ch != " ")
    ]


def described(ch: str) -> str:
    """One character for a person: its code point and its name, or what kind it is."""
    name = unicodedata.name(ch, "") or _CONTROL_NAMES.get(ord(ch), "")
    kind = _KINDS.get(unicodedata.category(ch), "a character with no name")
    return f"U+{ord(ch):04X} {name}" if name else f"U+{ord(ch):04X} ({kind})"


def printable(text: str) -> str:
    """``text`` for a terminal or a log line: hidden characters shown as ``\\uXXXX``."""
    return "".join(f"\\u{ord(ch):04x}" if unicodedata.category(ch) in HIDING else ch for ch in text)


def then(text: str, separator: str = ": ") -> str:
    """``text`` followed by ``separator``, with no doubled punctuation where they meet: a
    full stop, comma, colon or semicolon ``text`` ends with gives way to the separator's
    ("remove it." + ": " is "remove it: "), and after a ? or ! the separator's punctuation
    is left out ("Why so high? "). An ellipsis stays, as after ? and !."""
    stripped = text.rstrip()
    mark = separator.lstrip()[:1]
    if not mark or mark.isalnum():
        return stripped + separator
    if stripped.endswith(("?", "!", "...", "\u2026")):
        return stripped + " " + separator.lstrip()[1:].lstrip()
    return stripped.rstrip(".,;: ") + separator


def joined(parts: Iterable[str], separator: str = "; ") -> str:
    """``parts`` joined by ``separator`` (empty ones left out), each running into the next
    as ``then`` says: reasons and problems listed on one line read once punctuated."""
    texts = [part.strip() for part in parts if part.strip()]
    return "".join(then(text, separator) for text in texts[:-1]) + (texts[-1] if texts else "")
