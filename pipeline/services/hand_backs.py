"""Use case: keep ``rejected/`` to what still needs the admin. Every file handed back for a
project is recorded; once that budget is sent again, or exported, they move to the archive
(kept by their sha256) and the history lists them."""

from __future__ import annotations

from pipeline.domain.lifecycle import Action, Event
from pipeline.services.context import Services, logger


def tidy_rejected(app: Services, project_number: str, version: int) -> list[str]:
    """Move the project's handed-back files out of rejected/ into the archive; return the
    names moved. Call after the send or export that makes them obsolete is committed."""
    names = app.store.hand_backs(project_number)
    if not names:
        return []
    moved = []
    for name in names:
        path = app.settings.rejected / name
        if app.folders.exists(path):
            sha = app.folders.archive(path)
            app.folders.remove(path)
            moved.append(f"{name} (sha256 {sha[:12]})")
    now = app.clock.now()
    with app.store.transaction():
        app.store.clear_hand_backs(names, now)
        if moved:
            app.store.record(
                Event(
                    project_number=project_number,
                    version=version,
                    action=Action.TIDY_HAND_BACKS,
                    actor="budget-erp",
                    at=now,
                    detail="no longer needed in rejected/, moved to the archive: "
                    + ", ".join(moved),
                )
            )
    if moved:
        logger.info("%s: moved %d handed-back file(s) to the archive", project_number, len(moved))
    return moved


def tidy_after(app: Services, project_number: str, version: int) -> None:
    """``tidy_rejected`` once a send or an export is committed: it never undoes or fails
    what made it possible; a file it cannot move now is moved the next time."""
    try:
        tidy_rejected(app, project_number, version)
    except Exception as exc:
        logger.error("%s: could not tidy rejected/: %s", project_number, exc)
