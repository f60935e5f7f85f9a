"""What a workbook must pass against the people and the state of its budget: a submitter
allowed to send it, not busy, changed or answered since the rejection (for a re-send),
changed since the export (for a budget change). Intake raises each as a Refusal; ``check``
reports them. A change built from an older version than the one in force is taken, with a
warning."""

from __future__ import annotations

from dataclasses import replace

from pipeline.domain.budget import BudgetDocument, LineKey
from pipeline.domain.changes import (
    ChangeKind,
    LineChange,
    ResendAssessment,
    ReturnedAmount,
    assess_resend,
    diff_lines,
)
from pipeline.domain.exports import ExportKind
from pipeline.domain.identity import account_mismatch_note, owner_problem
from pipeline.domain.lifecycle import ProjectBudget
from pipeline.domain.local_time import local_time
from pipeline.domain.names import current_file, project_stem, rejected_file
from pipeline.domain.people import Person, Role
from pipeline.domain.problems import Problem, Severity
from pipeline.domain.rejected_amounts import RejectedVersion, returned_amounts
from pipeline.domain.rule_catalog import hint
from pipeline.domain.version_mark import built_from_older, parse_mark, put_back
from pipeline.services.context import Identity, Services
from pipeline.services.current_budget import held_in_force, results_now
from pipeline.services.ports import ChangeAssessment
from pipeline.services.refusals import Refusal


def check_stem_free(app: Services, budget: ProjectBudget, submitter: Person | None) -> None:
    """A new budget's files must not be named like another project's (a file system may
    also ignore case): its stem is checked here and reserved with the first version."""
    if budget.revision:
        return
    owner = app.store.stem_owner(project_stem(budget.project_number))
    if owner is not None and owner != budget.project_number:
        raise Refusal(
            [
                f"project {budget.project_number} would share its file names with project "
                f"{owner}; ask the budget-erp administrator"
            ],
            budget.project_number,
            submitter,
            advice="Nothing to correct in the workbook: tell the budget-erp administrator.",
        )


def submitter_of(
    app: Services, document: BudgetDocument, last_modified_by: str, account: str
) -> Person:
    """The budget admin who sends this workbook: Prepared By, else last-modified-by, allowed
    on the project and (with ``file_owner = "require"``) owning the file's account."""
    identity = document.prepared_by or last_modified_by
    directory = app.identity.people()
    where = "the Prepared By cell" if document.prepared_by else "the workbook's last-modified-by"
    if not identity:
        raise Refusal(
            ["no submitter: write your name or email next to 'Prepared By'"],
            document.project_number,
        )
    person = directory.authorised(identity, Role.BUDGET_ADMIN, document.project_number)
    if person is None:
        known = directory.find(identity)
        raise Refusal(
            [
                f"{identity!r} ({where}) is not a budget admin of project "
                f"{document.project_number} in rules/people.toml"
            ],
            document.project_number,
            known,
            advice=(
                "Have a budget admin of the project send it, or ask the budget-erp "
                "administrator to list you in rules/people.toml; then drop it again."
            ),
        )
    wrong_owner = owner_problem(
        app.settings.identity, person, account, where, app.identity.process_account()
    )
    if wrong_owner:
        raise Refusal(
            [wrong_owner],
            document.project_number,
            person,
            advice=f"Save it under your own account (or have {person.name} send it) and drop "
            "it again.",
        )
    return person


def submitter_account_note(identity: Identity, submitter: Person, account: str) -> str:
    """For the send's history: whose the account that saved the workbook is, when it is
    another listed person's than the submitter's ("" otherwise); ``require`` refuses such a
    workbook in ``submitter_of``."""
    owners = identity.people().by_account(account) if account else []
    return account_mismatch_note(submitter, account, owners[0] if len(owners) == 1 else None)


def check_not_busy(app: Services, budget: ProjectBudget, submitter: Person | None) -> None:
    """Refuse a workbook while the budget is in the approver's or the ERP's hands."""
    if not budget.busy:
        return
    if budget.to_export or budget.export_failed:
        state = (
            "is being exported"
            if budget.to_export
            else "failed to export and awaits the approver again"
        )
        raise Refusal(
            [
                f"budget {budget.project_number} version {budget.version} {state}; "
                "send the change once that is settled"
            ],
            budget.project_number,
            submitter,
            advice="Nothing to correct in the workbook: drop it again once that is settled.",
        )
    since = local_time(budget.sent_at, app.settings.time_zone) if budget.sent_at else "?"
    raise Refusal(
        [
            f"budget {budget.project_number} is locked: version {budget.version} "
            f"awaits approval since {since}, sent by "
            f"{budget.sender}; retrieve it first (budget-erp retrieve "
            f"{budget.project_number}) or wait for the approver"
        ],
        budget.project_number,
        submitter,
        advice=(
            "Nothing to correct in the workbook: wait for the approver's answer on "
            f"version {budget.version} (or retrieve it with budget-erp retrieve "
            f"{budget.project_number}), then drop it again."
        ),
    )


def assess_resend_against_rejection(
    app: Services,
    budget: ProjectBudget,
    document: BudgetDocument,
    submitter: Person | None,
    warnings: list[Problem],
) -> ResendAssessment | None:
    """For a re-send: the rejection reasons reviewed with the admin's Responses, or a refusal
    when a reason is neither addressed by a change nor answered."""
    if not budget.rejected:
        return None
    project, version = budget.project_number, budget.version
    previous = app.store.submission(project, version)
    rejection = app.store.rejection(project, version)
    assert previous is not None and rejection is not None, "a rejected version is recorded"
    assessment = assess_resend(
        app.store.lines(project, version), document.lines, rejection, document.responses
    )
    if document.same_content(previous.fingerprint):
        _refuse_unanswered(assessment, project, submitter)
        return assessment
    if assessment.unchanged_flags:
        named = "; ".join(
            f"{flag.key} ({flag.note or 'no note'})" for flag in assessment.unchanged_flags
        )
        if app.settings.unchanged_flagged_lines == "refuse":
            raise Refusal(
                [
                    f"line(s) flagged by the approver are unchanged: {named}; change or "
                    "remove each flagged line, or write your answer in the Response column "
                    "of the Rejection Reasons sheet beside it, before re-sending"
                ],
                project,
                submitter,
            )
        warnings.append(
            Problem(
                rule="resend.flagged_unchanged",
                message=f"flagged line(s) unchanged: {named}",
                severity=Severity.WARNING,
            )
        )
    return replace(assessment, returns=_returns(app, budget, assessment.changes))


def _refuse_unanswered(
    assessment: ResendAssessment, project: str, submitter: Person | None
) -> None:
    """The same budget again is taken only as an answer: a Response beside every reason."""
    unanswered = assessment.unanswered()
    if assessment.reasons and not unanswered:
        return
    rejection = assessment.rejection
    how = (
        "write your answer in the Response column of the Rejection Reasons sheet beside each "
        f"reason (in rejected/{rejected_file(project, rejection.version)}), "
        "or change the lines"
    )
    if len(unanswered) < len(assessment.reasons):
        named = "; ".join(
            f"line {r.line} ({r.reason or 'no note'})" if r.line else repr(r.reason)
            for r in unanswered
        )
        how = f"no Response beside: {named}; {how}"
    raise Refusal(
        [
            f"nothing changed since the rejection on {rejection.at:%Y-%m-%d} "
            f"(version {rejection.version}); {how}"
        ],
        project,
        submitter,
    )


def _returns(
    app: Services, budget: ProjectBudget, changes: list[LineChange]
) -> list[ReturnedAmount]:
    """The changed lines that bring back an amount an earlier rejection turned down."""
    if not any(c.kind in (ChangeKind.ADDED, ChangeKind.AMOUNT) for c in changes):
        return []  # nothing can come back: spare reading the earlier versions
    project = budget.project_number
    rejected: list[RejectedVersion] = []
    for version in range(1, budget.version + 1):
        rejection = app.store.rejection(project, version)
        if rejection is not None:
            rejected.append(RejectedVersion(app.store.lines(project, version), rejection))
    return returned_amounts(changes, rejected)


def assess_change_against_export(
    app: Services, budget: ProjectBudget, document: BudgetDocument, submitter: Person | None
) -> ChangeAssessment | None:
    """For a budget that reached the ERP: what changed since the last export."""
    exports = [
        r
        for r in app.store.exports(budget.project_number)
        if r.kind is not ExportKind.AGAIN and r.result.counts
    ]
    if not exports or not budget.settled:
        return None
    base = exports[-1].version
    exported = app.store.lines(budget.project_number, base)
    changes = diff_lines(exported, document.lines)
    if not changes and budget.in_erp:
        raise Refusal(
            [
                f"nothing changed since version {base} was exported; a budget change must "
                "change at least one line"
            ],
            budget.project_number,
            submitter,
        )
    return ChangeAssessment(base, changes, _returns(app, budget, changes), exported)


def older_file(
    app: Services, budget: ProjectBudget, version_mark: str, change: ChangeAssessment | None
) -> list[Problem]:
    """A change from a workbook whose mark says it was built from a version older than the
    one its changes are measured against (the last exported): it is taken, so what changed
    in between goes back unless it has it too, and the approver is told."""
    if change is None:
        return []
    base = change.exported_version
    mark = built_from_older(parse_mark(version_mark), budget.project_number, base)
    if mark is None:
        return []
    project = budget.project_number
    rejected = app.store.rejection(project, mark.version)
    which = f"version {mark.version}" + (
        f" (rejected on {rejected.at:%Y-%m-%d})" if rejected is not None else ""
    )
    in_force = held_in_force(app.store.exports(project), results_now(app))
    if in_force is not None and in_force.version == base:
        since = f"version {base} is in force in the ERP (current/{current_file(project)})"
    else:  # built from current/ itself, with a later version sent and not yet confirmed
        since = f"version {base} was sent to the ERP since, not confirmed yet"
    back = put_back(change.changes, app.store.lines(project, mark.version))
    undone = f"; back as in version {mark.version}: {_keys(back)}" if back else ""
    return [
        Problem(
            rule="change.older_file",
            message=f"built from {which}; {since}, and the changes are measured against it{undone}",
            hint=hint("change.older_file"),
            severity=Severity.WARNING,
        )
    ]


def _keys(keys: list[LineKey]) -> str:
    """``01-100 / L, 03-300 / M``, the first ten, then how many more."""
    shown = ", ".join(str(key) for key in keys[:10])
    return shown + (f" and {len(keys) - 10} more" if len(keys) > 10 else "")
