"""Use case: hand a refused workbook back to its admin with every reason, and keep a record.

The original goes to ``rejected/`` untouched, with a ``.refused.txt`` report beside it and,
when there are cell problems, an annotated copy ``<name>.problems.xlsx``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.domain.lifecycle import Action, Event
from pipeline.domain.local_time import local_time
from pipeline.domain.names import REFUSED_NOTE, problems_copy
from pipeline.domain.people import Person
from pipeline.domain.problems import Problem, Severity, errors
from pipeline.services import notifications
from pipeline.services.context import Outcome, OutcomeKind, Services, logger

FIX_THE_WORKBOOK = "Correct the workbook and drop it into inbox/ again."


@dataclass
class Refusal(Exception):
    """Internal signal: the workbook goes back to the admin with these reasons."""

    reasons: list[str]
    project_number: str = ""
    submitter: Person | None = None
    problems: list[Problem] = field(default_factory=list)
    advice: str = FIX_THE_WORKBOOK  # what the admin does next, fit to the cause


def refuse(app: Services, path: Path, sha: str, refusal: Refusal, account: str = "") -> Outcome:
    """Move the file to rejected/ with its report (and annotated copy); record the refusal."""
    reasons = refusal.reasons + [str(p) for p in errors(refusal.problems)]
    now = app.clock.now()
    report = refusal_report(path.name, local_time(now, app.settings.time_zone), sha, refusal)
    target = app.folders.hand_back(path, app.settings.rejected, report)
    annotated = _annotate(app, target, refusal.problems)
    mail = notifications.refused(
        app,
        refusal.submitter,
        path.name,
        sha,
        refusal.project_number,
        reasons,
        (target, annotated),
        refusal.advice,
    )
    with app.store.transaction():
        notifications.enqueue_all(app, mail)
        if refusal.project_number:
            handed = [target.name, target.name + REFUSED_NOTE]
            handed += [annotated.name] if annotated else []
            app.store.add_hand_backs(refusal.project_number, handed, now)
        app.store.record(
            Event(
                project_number=refusal.project_number,
                version=0,
                action=Action.REFUSE,
                actor=refusal.submitter.name if refusal.submitter else "",
                at=now,
                detail=f"{path.name}: " + "; ".join(reasons),
                file_sha256=sha,
                account=account,
            )
        )
    logger.debug("%s refused: %s", path.name, "; ".join(reasons))  # the outcome says it
    copy = f", marked up in rejected/{annotated.name}" if annotated else ""
    return Outcome(
        kind=OutcomeKind.REFUSED,
        file=path,
        project_number=refusal.project_number,
        message=f"{'; '.join(reasons)} (handed back as rejected/{target.name}{copy})",
    )


def refusal_report(name: str, when: str, sha: str, refusal: Refusal) -> str:
    """The short text report that goes beside a refused workbook."""
    warnings = [p for p in refusal.problems if p.severity is Severity.WARNING]
    lines = [f"budget-erp refused {name} on {when}.", ""]
    lines += [f"- {reason}" for reason in refusal.reasons]
    lines += [f"- {problem}" for problem in errors(refusal.problems)]
    if warnings:
        lines += ["", "Warnings (these alone would not refuse it):"]
        lines += [f"- {problem}" for problem in warnings]
    lines += [
        "",
        refusal.advice,
        f"The file as received is kept in the archive (sha256 {sha}).",
    ]
    return "\n".join(lines) + "\n"


def _annotate(app: Services, original: Path, problems: list[Problem]) -> Path | None:
    if not any(p.cell for p in problems):
        return None
    target = original.with_name(problems_copy(original.name))
    try:
        app.folders.write(target, lambda temp: app.workbooks.annotate(original, problems, temp))
    except Exception as exc:  # the report and the original are enough; never lose the refusal
        # Whatever a hostile workbook makes the copy raise is named, never printed as a trace.
        logger.warning("%s: no annotated copy (%s: %s)", original.name, type(exc).__name__, exc)
        return None
    return target
