"""Use case: hold a saved review workbook to the figures it was issued with.

Whoever can write ``approval/`` can change a review workbook's figures and keep its
token. A save whose figures, texts or sheets differ from the review issued (its
fingerprint, recorded with the issue) is refused like any decision that cannot stand (a
note, the history, an email naming the cells that changed), and more: its bytes go to the
archive and the review workbook as issued is put back in its place, so nobody decides on
other figures. Recorded first, put back after: a crash in between puts it back on the next
pass. The save is judged, compared and archived from the private copy it was taken as
(``Folders.take``), never by its name again.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pipeline.domain.local_time import local_time
from pipeline.domain.review import DecisionOutcome, ReviewIssue
from pipeline.errors import UnreadableWorkbook
from pipeline.services.context import Outcome, Services, logger
from pipeline.services.decision_answers import ReviewSave, refuse_decision
from pipeline.services.ports import TakenFile


def changed_figures(
    app: Services, save: ReviewSave, issue: ReviewIssue, content: Path
) -> list[str]:
    """What the save (its bytes as taken: ``content``) shows otherwise than the review
    issued, cell by cell where cells changed (empty when it shows exactly the figures
    issued)."""
    assert save.saved is not None
    issued, saved = issue.figures, save.saved.figures
    if issued is None:  # issued before figures were recorded: nothing to hold it to
        return []
    if saved is None:
        return ["its figures could not be read to compare them with the review issued"]
    differences = issued.differences(saved)
    if not differences:
        return []
    changed = _changed_cells(app, save, issue, content, differences.changed_sheets)
    return [*changed, *differences.notes]


def refuse_changed_figures(
    app: Services, taken: TakenFile, save: ReviewSave, issue: ReviewIssue, problems: list[str]
) -> Outcome:
    """Refuse the save, keep its bytes (as taken), and put the review workbook issued back in
    its place."""
    app.folders.keep(taken)
    issued = local_time(issue.issued_at, app.settings.time_zone)
    advice = (
        f"These are not the figures budget-erp issued on {issued}. "
        "The review workbook as issued is back in its place: open it, check it, decide and "
        f"save it again. The changed workbook is kept in the archive (sha256 {save.sha}).\n"
    )
    outcome = refuse_decision(
        app,
        save,
        problems,
        advice,
        template="figures_changed",
        outcome=DecisionOutcome.FIGURES_CHANGED,
    )
    put_back_issued(app, save.path, issue)
    return outcome


def put_back_issued(app: Services, review: Path, issue: ReviewIssue) -> None:
    """Write the review workbook issued over a save refused for its figures (whose bytes are
    in the archive already), unless Office has it open: the next pass does it then."""
    if app.folders.is_open(review):
        return
    if app.folders.restore(issue.sha256, ".xlsx", review):
        logger.warning(
            "%s: its figures were changed; the review workbook issued is back in its place",
            review.name,
        )
        return
    # Never leave other figures before the approver, even with nothing to put in their place.
    app.folders.remove(review)
    logger.error("%s: the review workbook issued is not in the archive", review.name)


def _changed_cells(
    app: Services, save: ReviewSave, issue: ReviewIssue, content: Path, sheets: Sequence[str]
) -> list[str]:
    """The cells that changed on ``sheets``, compared with the copy issued in the archive;
    the sheets alone when that copy cannot be read."""
    if not sheets:
        return []
    assert issue.figures is not None
    whole = [
        f"the figures and texts of the sheet '{sheet}' differ from the review issued"
        for sheet in sheets
    ]
    copy = app.folders.archived(issue.sha256, ".xlsx")
    if copy is None:
        logger.warning("%s: the review issued is not in the archive", issue.review_file)
        return whole
    try:
        compared = app.workbooks.compare_figures(content, copy, issue.figures, sheets)
    except UnreadableWorkbook as exc:
        logger.warning("%s: its cells could not be compared: %s", save.path.name, exc)
        return whole
    return compared.sentences() or whole
