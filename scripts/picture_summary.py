"""Make docs/summary-sheet.png, the README's picture of a review workbook's Summary sheet.

    .venv/bin/python scripts/picture_summary.py [OUTPUT.png]

In a temporary workspace with the repository's rules/, the sample budget of examples/ is
sent, rejected ("labour looks low") and re-sent with more labour, a line added and one
removed; LibreOffice (headless, its own profile) prints the re-send's review workbook to PDF
and poppler's pdftoppm makes a PNG of the Summary's page. Needs soffice, pdftotext, pdftoppm.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from types import ModuleType

import openpyxl

from pipeline.cli import cli
from pipeline.config import init_workspace

REPO = Path(__file__).resolve().parent.parent
OUTPUT = REPO / "docs" / "summary-sheet.png"
RESOLUTION = 150  # pixels per inch of the PNG
MARGIN = 24  # pixels of white around what is printed
REASON = "Labour on 03-300 and 31-200 looks low against the drawings"


def main(output: Path = OUTPUT) -> None:
    """Build the re-send's review workbook, print it and keep the Summary's page."""
    samples = _samples()
    with tempfile.TemporaryDirectory(prefix="picture-summary-") as temp:
        root = Path(temp) / "workspace"
        init_workspace(root)
        for name in ("people.toml", "jobs.csv", "cost_codes.csv", "cost_types.csv"):
            shutil.copy(REPO / "rules" / name, root / "rules" / name)
        _drop(root, REPO / "examples" / samples.ORIGINAL)
        _process(root)
        _decide(root / "approval" / "P-1001_v1_review.xlsx", "Reject", REASON)
        _process(root)
        resend = Path(temp) / "P-1001_riverside_clinic_v2.xlsx"
        samples.write_budget(resend, "original budget, labour revised", _revised(samples))
        _drop(root, resend)
        _process(root)
        pdf = _pdf(root / "approval" / "P-1001_v2_review.xlsx", Path(temp))
        _png(pdf, _summary_page(pdf), output)
    print(f"wrote {output}")


def _samples() -> ModuleType:
    """examples/make_sample_budgets.py: the sample lines and the writer of their workbook."""
    path = REPO / "examples" / "make_sample_budgets.py"
    spec = importlib.util.spec_from_file_location("make_sample_budgets", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


def _revised(samples: ModuleType) -> tuple[object, ...]:
    """The re-send: more hours and a higher rate on the labour the approver named, a line
    for the fixtures' installation, the acoustical ceilings dropped, a smaller contingency."""
    edits = {
        ("03-300", "L"): {"qty": Decimal("12000"), "unit_cost": Decimal("2.65")},
        ("31-200", "L"): {"qty": Decimal("360"), "unit_cost": Decimal("61.00")},
        ("23-700", "L"): {"qty": Decimal("120")},
        ("01-900", "O"): {"lump_sum": Decimal("95000.00")},
    }
    lines = []
    for line in samples.LINES:
        if (line.code, line.kind) == ("09-510", "S"):
            continue
        lines.append(replace(line, **edits.get((line.code, line.kind), {})))
        if (line.code, line.kind) == ("26-500", "M"):
            added = ("26-500", "L", "Install light fixtures", "310", "EA", "48.00")
            lines.append(samples.unit(*added))
    return tuple(lines)


def _drop(root: Path, workbook: Path) -> None:
    target = root / "inbox" / workbook.name
    shutil.copy(workbook, target)
    settled = time.time() - 120  # a file two minutes old counts as saved and closed
    os.utime(target, (settled, settled))


def _process(root: Path) -> None:
    code = cli.main(["--workspace", str(root), "process"], standalone_mode=False)
    if code:
        raise SystemExit(f"budget-erp process exited with {code}")


def _decide(review: Path, decision: str, reason: str) -> None:
    """Fill the decision cells as the approver would, and save."""
    book = openpyxl.load_workbook(review)
    cells = (("Decision", decision), ("Reason", reason), ("Approver", "Carl Accountant"))
    for name, value in cells:
        sheet, ref = next(iter(book.defined_names[name].destinations))
        book[sheet][ref.replace("$", "")] = value
    book.save(review)
    settled = time.time() - 120
    os.utime(review, (settled, settled))


def _pdf(workbook: Path, folder: Path) -> Path:
    profile = folder / "libreoffice-profile"
    subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation={profile.as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(workbook),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    return folder / f"{workbook.stem}.pdf"


def _summary_page(pdf: Path) -> int:
    """The number of the PDF's page that holds the Summary sheet."""
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    pages = text.split("\f")
    return next(n for n, page in enumerate(pages, 1) if page.lstrip().startswith("Summary of"))


def _png(pdf: Path, page: int, output: Path) -> None:
    """The page as a PNG, cropped to what is printed on it (its words' boxes, the chart's
    title and labels among them) with a margin."""
    boxes = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    words = [
        [float(v) for v in found]
        for found in re.findall(
            r'xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)"', boxes
        )
    ]
    scale = RESOLUTION / 72  # PDF points to pixels
    left = min(w[0] for w in words) * scale - MARGIN
    top = min(w[1] for w in words) * scale - MARGIN
    right = max(w[2] for w in words) * scale + 2 * MARGIN  # the chart's frame is wider
    bottom = max(w[3] for w in words) * scale + MARGIN
    output.parent.mkdir(parents=True, exist_ok=True)
    crop = {"-x": left, "-y": top, "-W": right - left, "-H": bottom - top}
    subprocess.run(
        ["pdftoppm", "-f", str(page), "-l", str(page), "-png", "-r", str(RESOLUTION)]
        + [str(part) for key, value in crop.items() for part in (key, max(0, round(value)))]
        + ["-singlefile", str(pdf), str(output.with_suffix(""))],
        check=True,
        timeout=120,
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUTPUT)
