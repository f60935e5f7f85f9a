"""The readers of workbooks: what reads admins' and approvers' workbooks, in the isolated parse
workers or (``isolate_parsing = false``) in this process; the version mark, read here; and
the refusal to read at all without defusedxml."""

from __future__ import annotations

import importlib
import importlib.util
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from pipeline.adapters.reading.parse_pool import ParsePool, ReadingAhead
from pipeline.config import Settings
from pipeline.domain.problems import Problem
from pipeline.domain.review_figures import FigureComparison, ReviewFigures
from pipeline.errors import ConfigError
from pipeline.services import ports, review_ports

# What reads workbooks (calamine, pandas, pandera) is imported by the adapters on first use,
# not here, and with isolated parsing only in the parse worker: the daemon never imports
# pandas at all. A job names its function, resolved in the worker.
REVIEW_WRITER = "pipeline.adapters.writing.review_workbook"
READ_SAVED_REVIEW = "pipeline.adapters.reading.review_reader:read_saved_review"
CHANGED_CELLS = "pipeline.adapters.reading.review_figures:changed_cells"
WRITE_ANNOTATED_COPY = "pipeline.adapters.writing.annotated_workbook:write_annotated_copy"


def require_defusedxml() -> None:
    """Refuse to run unless XML is parsed with defusedxml (no entity expansion, no XXE)."""
    # Our own XML parsing (xlsx_parts) imports defusedxml; openpyxl is not used by the
    # pipeline, so its own switch is not consulted (importing it costs 0.2 s).
    if importlib.util.find_spec("defusedxml") is None:
        raise ConfigError(
            "defusedxml is required (pip install defusedxml): without it a "
            "hostile workbook could expand entities or reach out of the file"
        )


def read_and_check(path: Path, settings: Settings) -> ports.ReadResult:
    """Read and check an admin's workbook in this process (``isolate_parsing = false``)."""
    from pipeline.adapters.reading.workbook_intake import read_and_check as read

    return read(path, settings)


def read_saved_review(
    path: Path, line_count: int, issued: ReviewFigures | None, settings: Settings
) -> review_ports.SavedReview:
    """Read an approver's saved review workbook in this process."""
    from pipeline.adapters.reading.review_reader import read_saved_review as read

    return read(path, line_count, settings.package_limits, issued)


def changed_cells(
    saved: Path, issued_copy: Path, issued: ReviewFigures, sheets: Sequence[str], settings: Settings
) -> FigureComparison:
    """Compare a saved review workbook's figures with the copy issued, in this process."""
    from pipeline.adapters.reading.review_figures import changed_cells as compare

    return compare(saved, issued_copy, issued, sheets, settings.package_limits)


def write_annotated_copy(source: Path, problems: Sequence[Problem], target: Path) -> None:
    """Write the marked-up copy of a refused workbook in this process."""
    from pipeline.adapters.writing.annotated_workbook import write_annotated_copy as write

    write(source, problems, target)


class Readers(NamedTuple):
    """What reads workbooks (in the parse workers, or in this process)."""

    read_budget: ports.BudgetReader
    read_decision: review_ports.DecisionReader
    compare_figures: review_ports.FiguresComparer
    annotate: ports.Annotator
    read_ahead: ports.ReadAhead
    close: Callable[[], None]  # stops the parse workers


def readers_of(settings: Settings, start_worker: bool = False) -> Readers:
    """Read workbooks, the admins' and the approvers' alike (their decisions and the figures
    they show), and write the annotated copy of a refused one, in the isolated parse
    workers (the default), or in this process. ``start_worker`` starts a worker now, in the
    background, for a command that will read: its imports then overlap this process's own
    start-up."""
    if not settings.isolate_parsing:

        def direct(path: Path, sha256: str = "") -> ports.ReadResult:
            return read_and_check(path, settings)  # by its global name: tests patch it

        def direct_review(
            path: Path, line_count: int, issued: ReviewFigures | None
        ) -> review_ports.SavedReview:
            return read_saved_review(path, line_count, issued, settings)

        def direct_compare(
            saved: Path, issued_copy: Path, issued: ReviewFigures, sheets: Sequence[str]
        ) -> FigureComparison:
            return changed_cells(saved, issued_copy, issued, sheets, settings)

        return Readers(
            direct, direct_review, direct_compare, write_annotated_copy, no_read_ahead, _nothing
        )
    pool = ParsePool(settings.parse_seconds, settings.parse_memory_mb, settings.parse_workers)
    if start_worker:
        pool.start_soon()
        # While the worker starts and reads, this process would only wait: import the
        # review workbook's writer meanwhile, on the other core, as the first file needs it.
        threading.Thread(target=importlib.import_module, args=(REVIEW_WRITER,), daemon=True).start()
    ahead = ReadingAhead(pool, settings)

    def isolated_review(
        path: Path, line_count: int, issued: ReviewFigures | None
    ) -> review_ports.SavedReview:
        saved: review_ports.SavedReview = pool.run(
            path.name, READ_SAVED_REVIEW, path, line_count, settings.package_limits, issued
        )
        return saved

    def isolated_compare(
        saved: Path, issued_copy: Path, issued: ReviewFigures, sheets: Sequence[str]
    ) -> FigureComparison:
        compared: FigureComparison = pool.run(
            saved.name,
            CHANGED_CELLS,
            saved,
            issued_copy,
            issued,
            list(sheets),
            settings.package_limits,
        )
        return compared

    def isolated_annotate(source: Path, problems: Sequence[Problem], target: Path) -> None:
        pool.run(source.name, WRITE_ANNOTATED_COPY, source, list(problems), target)

    return Readers(
        ahead.read,
        isolated_review,
        isolated_compare,
        isolated_annotate,
        ahead.read_ahead,
        pool.close,
    )


def read_version_mark(path: Path) -> str:
    """The version mark of a workbook in this process (a few hundred bytes of XML, bounded:
    not worth a parse worker)."""
    from pipeline.adapters.reading.version_mark import read_version_mark as read

    return read(path)


def _nothing() -> None:
    """Nothing to let go of."""


def no_read_ahead(paths: Sequence[Path]) -> None:
    """Parsing in this process: each file is read when it is taken."""
