"""A workbook as people see it printed: LibreOffice converts it to PDF, and ``pdftotext
-bbox-layout`` (poppler-utils) gives each page's lines of text with their boxes, so a test
can say that no two lines overprint, that a sentence is shown whole, and what each page
holds."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

_XHTML = "{http://www.w3.org/1999/xhtml}"
# Boxes are the font's full height (ascent to descent), a little more than a wrapped cell's
# line spacing: neighbouring lines of one cell share a sliver, so two lines overprint only
# when they share more than this share of the lower one's height (and a point across).
_SHARED = 0.25


@dataclass(frozen=True)
class TextLine:
    """One line of text as printed: its words and its box, in points from the page's top."""

    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float

    def overprints(self, other: TextLine) -> bool:
        across = min(self.x_max, other.x_max) - max(self.x_min, other.x_min)
        down = min(self.y_max, other.y_max) - max(self.y_min, other.y_min)
        lower = min(self.y_max - self.y_min, other.y_max - other.y_min)
        return across > 1 and down > _SHARED * lower


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    lines: tuple[TextLine, ...]

    @property
    def text(self) -> str:
        """The page's words, each run of spaces one space."""
        return " ".join(" ".join(line.text for line in self.lines).split())

    def overprinting(self) -> list[tuple[str, str]]:
        """Every pair of lines that print over each other."""
        return [
            (a.text, b.text)
            for i, a in enumerate(self.lines)
            for b in self.lines[i + 1 :]
            if a.overprints(b)
        ]


def render(workbook: Path, scratch: Path) -> list[Page]:
    """Print ``workbook`` to PDF through LibreOffice (every visible sheet, as its page setup
    says) and read the pages back."""
    scratch.mkdir(parents=True, exist_ok=True)
    profile = f"-env:UserInstallation=file://{scratch}/profile"
    subprocess.run(
        [
            "soffice",
            profile,
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(scratch),
            str(workbook),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = scratch / f"{workbook.stem}.pdf"
    layout = scratch / f"{workbook.stem}.html"
    subprocess.run(
        ["pdftotext", "-bbox-layout", str(pdf), str(layout)],
        check=True,
        capture_output=True,
        timeout=60,
    )
    return read_layout(layout)


def read_layout(layout: Path) -> list[Page]:
    """The pages of ``pdftotext -bbox-layout`` output."""
    root = ET.parse(layout).getroot()
    pages = []
    for number, page in enumerate(root.iter(f"{_XHTML}page"), start=1):
        lines = []
        for line in page.iter(f"{_XHTML}line"):
            words = [word.text or "" for word in line.iter(f"{_XHTML}word")]
            box = [float(line.attrib[k]) for k in ("xMin", "yMin", "xMax", "yMax")]
            lines.append(TextLine(" ".join(words), *box))
        pages.append(
            Page(number, float(page.attrib["width"]), float(page.attrib["height"]), tuple(lines))
        )
    return pages


def shown_whole(pages: list[Page], sentence: str) -> bool:
    """Whether ``sentence`` is printed whole on one page (wrapped lines joined by a space)."""
    wanted = " ".join(sentence.split())
    return any(wanted in page.text for page in pages)
