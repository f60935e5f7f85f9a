"""Use case: read the ERP's answer about an export from ``outbox/results/``.

A result file is JSON: ``{"export": "<file name>", "status": "success" | "failure",
"message": "...", "erp_ids": {...}}``. Success marks the budget synced; failure moves the
refused file out of the outbox (``outbox/failed/``) and puts the budget back in front of the
approver as a re-export after a refusal, with the message, and tells the sender and the
approvers. A file too big or nested too deep is refused before JSON parses it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.domain.exports import ExportResult, Refusal
from pipeline.domain.lifecycle import Action, Event, ProjectBudget
from pipeline.domain.names import CHANGES, PROCESSED, REFUSED, RESULTS
from pipeline.errors import FileTooLarge, UnreadableFile
from pipeline.services import notifications
from pipeline.services.approval_routing import receivers, route_of, today
from pipeline.services.context import Outcome, OutcomeKind, Services, logger
from pipeline.services.current_budget import keep_current
from pipeline.services.failed_exports import set_aside_refused
from pipeline.services.ports import ReviewContent
from pipeline.services.records import ExportRecord
from pipeline.services.review_issues import write_review
from pipeline.services.review_summary import review_summary
from pipeline.services.sharing import project_item
from pipeline.services.versions import stored_document

# A result is a flat object with one small object (erp_ids): anything deeper is not ours,
# and json.loads would recurse into it (RecursionError at about a thousand levels).
MAX_RESULT_DEPTH = 32
# What of the ERP's message and ids goes into the database, the review workbook and the
# emails; the whole file stays in results/processed/.
MAX_STORED_CHARS = 2000
_JSON_SYNTAX = re.compile(r'[\[\]{}"\\]')


class BadResult(ValueError):
    """The result file cannot be understood or names no export of ours."""


def results_folder(app: Services) -> Path:
    """Where the ERP side drops its answers."""
    return app.settings.outbox / RESULTS


def apply_result_file(app: Services, path: Path) -> Outcome | None:
    """Apply one result file, then file it under ``results/processed/``. It is opened once
    (``Folders.take``): its owner and its text come from that one look at it. None: it
    answers for a file published but not recorded yet, and waits for the next pass."""
    try:
        with app.folders.take(path, app.settings.max_result_kb * 1024) as taken:
            account = taken.owner if app.settings.identity.records else ""
            data = _parse(app, taken.content)
    except FileTooLarge as exc:
        return _refused(app, path, BadResult(_too_big(exc.size, app.settings.max_result_kb)))
    except UnreadableFile as exc:
        return _refused(app, path, BadResult(str(exc)))
    except OSError as exc:
        return _refused(app, path, BadResult(f"not a JSON result file ({exc})"))
    except BadResult as exc:
        return _refused(app, path, exc)
    record = _export_named(app, data["export"])
    if record is None and _being_recorded(data["export"], app):
        return None
    if record is None:
        return _refused(app, path, BadResult(f"no export named {data['export']!r} was written"))
    # The budget as it is now, and no other daemon changing it meanwhile.
    with app.store.hold(project_item(record.project_number), wait=True):
        budget = app.store.get_budget(record.project_number)
        assert budget is not None
        newest = max(
            r.seq for r in app.store.exports(record.project_number) if r.version == record.version
        )
        # Only the newest file of the version in force moves the budget; a late answer about an
        # older file is kept, and changes nothing.
        current = record.seq == newest and budget.takes_result_for(record.version)
        message = _bounded(str(data.get("message", "")))
        ids = _bounded(json.dumps(data.get("erp_ids", {})))
        answer = Answer(
            record=record,
            message=message,
            erp_ids=ids,
            current=current,
            account=account,
            result_file=path.name,
        )
        if data["status"] == ExportResult.SUCCESS:
            _synced(app, budget, answer)
            outcome = Outcome(
                kind=OutcomeKind.SYNCED,
                file=path,
                project_number=record.project_number,
                message=f"{record.file_name} imported by the ERP",
            )
        else:
            _failed(app, budget, answer)
            outcome = Outcome(
                kind=OutcomeKind.EXPORT_FAILED,
                file=path,
                project_number=record.project_number,
                message=f"{record.file_name}: {message}",
            )
        keep_current(app, record.project_number)  # confirmed: in force; refused: the one before
        app.folders.move_into(path, results_folder(app) / PROCESSED)
        return outcome


def _refused(app: Services, path: Path, exc: BadResult) -> Outcome:
    app.folders.hand_back(path, results_folder(app) / REFUSED, f"{path.name}: {exc}\n")
    logger.debug("%s: result refused: %s", path.name, exc)
    return Outcome(
        kind=OutcomeKind.FAILED, file=path, project_number="", message=f"result refused: {exc}"
    )


def _being_recorded(name: str, app: Services) -> bool:
    """Whether the ERP answers for a file published but not recorded yet: an export records
    its intent, renames its file into view, then commits its record, and a quick ERP may
    answer in between (another daemon's pass, or a crash between them, which the upkeep
    adopts). Such an answer waits for the record; one naming a file never about to be
    written, or no longer in the outbox (found not ours, and moved aside), is refused."""
    intent = app.store.export_intent_by_file(name)
    if intent is None and "/" not in name:
        intent = app.store.export_intent_by_file(f"{CHANGES}/{name}")
    if intent is None:
        return False
    r = intent.record
    found = app.erp_outbox.published(r.project_number, r.version)
    return any(p.name == r.file_name and p.data is not None for p in found)


def _export_named(app: Services, name: str) -> ExportRecord | None:
    """The export a result names: by its path in the outbox, or (a change file in
    ``changes/``, named as the ERP saw it) by its file name alone."""
    record = app.store.export_by_file(name)
    if record is None and "/" not in name:
        record = app.store.export_by_file(f"{CHANGES}/{name}")
    return record


def _parse(app: Services, path: Path) -> dict[str, Any]:
    max_kb = app.settings.max_result_kb
    try:
        text = app.folders.read_bounded(path, max_kb * 1024).decode("utf-8")
    except FileTooLarge as exc:
        raise BadResult(_too_big(exc.size, max_kb)) from exc
    except UnreadableFile as exc:
        raise BadResult(str(exc)) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise BadResult(f"not a JSON result file ({exc})") from exc
    if _deeper_than(text, MAX_RESULT_DEPTH):
        raise BadResult(f"nested more than {MAX_RESULT_DEPTH} levels deep: not a result file")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise BadResult(f"not a JSON result file ({exc})") from exc
    if not isinstance(data, dict) or "export" not in data:
        raise BadResult('a result needs "export": the name of the exported file')
    if not isinstance(data["export"], str) or not 0 < len(data["export"]) <= 255:
        raise BadResult('"export" must be the name of the exported file, as text')
    if data.get("status") not in (ExportResult.SUCCESS, ExportResult.FAILURE):
        raise BadResult('"status" must be "success" or "failure"')
    return data


def _too_big(size: int, max_kb: int) -> str:
    return f"{size / 1024:,.0f} KB, over the limit of {max_kb:,} KB ([limits] max_result_kb)"


def _deeper_than(text: str, limit: int) -> bool:
    """Whether brackets outside strings nest deeper than ``limit``: one pass, no recursion."""
    depth, in_string, skip_to = 0, False, 0
    for match in _JSON_SYNTAX.finditer(text):
        char, at = match.group(), match.start()
        if at < skip_to:  # the character after a backslash
            continue
        if in_string:
            if char == "\\":
                skip_to = at + 2
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return True
        elif char in "]}":
            depth -= 1
    return False


def _bounded(text: str) -> str:
    """At most MAX_STORED_CHARS of the ERP's text, saying so when it was cut."""
    if len(text) <= MAX_STORED_CHARS:
        return text
    return (
        f"{text[:MAX_STORED_CHARS]}... [cut at {MAX_STORED_CHARS:,} of {len(text):,} "
        "characters; the whole result file is in outbox/results/processed/]"
    )


@dataclass(frozen=True, kw_only=True)
class Answer:
    """The ERP's answer about one export, and the account that saved the result file."""

    record: ExportRecord
    message: str
    erp_ids: str
    current: bool  # about the newest file of the version in force
    account: str
    result_file: str = ""  # the name of the result file it came in


def _synced(app: Services, budget: ProjectBudget, answer: Answer) -> None:
    record = answer.record
    waiting = budget.export_failed and answer.current
    with app.store.transaction():
        app.store.set_export_result(
            record.file_name, ExportResult.SUCCESS, answer.message, answer.erp_ids
        )
        if answer.current:
            budget.mark_synced(
                at=app.clock.now(),
                detail=f"{record.file_name}: imported {answer.erp_ids}",
                account=answer.account,
            )
            app.store.save_budget(budget)
    if waiting:  # a copy written --again got in: the approver has nothing left to decide
        submission = app.store.submission(record.project_number, record.version)
        review = app.settings.approval / submission.review_file if submission else None
        if review is not None:
            app.folders.retire(review)


def _failed(app: Services, budget: ProjectBudget, answer: Answer) -> None:
    record, message = answer.record, answer.message
    now = app.clock.now()
    # First of all, the file leaves the outbox: whatever else fails, no importer retakes it.
    moved = set_aside_refused(app, record, message, answer.result_file, now)
    if not answer.current or budget.export_failed:  # known already, or superseded
        with app.store.transaction():
            app.store.set_export_result(
                record.file_name, ExportResult.FAILURE, message, answer.erp_ids
            )
            if moved:
                app.store.record(
                    Event(
                        project_number=record.project_number,
                        version=record.version,
                        action=Action.SET_ASIDE,
                        actor="budget-erp",
                        at=now,
                        detail=(
                            f"{record.file_name}: {message}; {moved}; "
                            f"the budget stays {budget.status}"
                        ),
                        file_sha256="",
                        account=answer.account,
                    )
                )
        return
    submission = app.store.submission(record.project_number, record.version)
    assert submission is not None
    # The route starts again: every level decides the version anew (RELIABILITY.md).
    route = route_of(app, record.project_number, record.version).restarted()
    approvers = receivers(app.identity.people(), route.current, record.project_number, today(app))
    refusal = Refusal(
        record.version, record.file_name, message, now.astimezone(ZoneInfo(app.settings.time_zone))
    )
    document = stored_document(app, submission)
    content = ReviewContent(
        submission=submission,
        document=document,
        approvers=[p.name for p in approvers],
        summary=review_summary(app.workbooks, document),
        refusal=refusal,
        time_zone=app.settings.time_zone,
        route=route,
    )
    review, issue = write_review(app, content, now)
    mail = notifications.export_failed(app, submission.sender, approvers, record, refusal, review)
    with app.folders.kept_if_committed(review), app.store.transaction():
        notifications.enqueue_all(app, mail)
        app.store.set_export_result(record.file_name, ExportResult.FAILURE, message, answer.erp_ids)
        budget.mark_export_failed(
            at=now,
            detail=f"{record.file_name}: {message}" + (f"; {moved}" if moved else ""),
            account=answer.account,
        )
        app.store.save_budget(budget)
        app.store.add_review_issue(issue)
        if app.store.route(record.project_number, record.version) is not None:
            app.store.save_route(record.project_number, record.version, route)
    logger.warning(
        "%s failed to import in the ERP: %s; back with the approver", record.file_name, message
    )
