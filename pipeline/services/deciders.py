"""Use case helper: who decides a saved review: the person the Approver cell names, for whom
they stand in, and every reason their decision on the level waited on cannot stand (not a
person of the level, a level decided already, the sender, another person's account)."""

from __future__ import annotations

from pipeline.domain.identity import owner_problem, self_approval_problem
from pipeline.domain.lifecycle import Action, Submission
from pipeline.services.approval_routing import Decider, decider, route_of, today
from pipeline.services.context import Services
from pipeline.services.decision_answers import ReviewSave

SENDING_ACTIONS = (Action.SEND, Action.RESEND, Action.CHANGE)


def who_decides(app: Services, save: ReviewSave) -> tuple[Decider, list[str]]:
    """Who the workbook names, for whom they stand in, and every reason their decision on
    the level the version waits on cannot stand."""
    assert save.saved is not None
    decision, sub = save.saved.decision, save.submission
    people = app.identity.people()
    problems = decision.problems()
    route = route_of(app, sub.project_number, sub.version)
    who = decider(people, route, decision.approver, sub.project_number, sub.version, today(app))
    problems += who.problems
    approver = who.person
    if approver is None:
        return who, problems
    policy = app.settings.identity
    owners = people.by_account(save.account)
    owner = owners[0] if len(owners) == 1 else None
    senders = people.by_account(_send_account(app, sub)) if policy.records else []
    sent_by = senders[0] if len(senders) == 1 else None
    problems += [
        problem
        for problem in (
            owner_problem(
                policy,
                approver,
                save.account,
                "the Approver cell",
                app.identity.process_account(),
                owner,
            ),
            self_approval_problem(policy, approver, sub.sender, owner, sub.version, sent_by),
            *(
                [
                    self_approval_problem(
                        policy, who.on_behalf_of, sub.sender, None, sub.version, sent_by
                    )
                ]
                if who.on_behalf_of is not None
                else []
            ),
        )
        if problem
    ]
    return who, problems


def _send_account(app: Services, sub: Submission) -> str:
    """The account that saved the workbook this version was sent in ("" if not recorded)."""
    sends = [
        e.account
        for e in app.store.history(sub.project_number)
        if e.version == sub.version and e.action in SENDING_ACTIONS
    ]
    return sends[-1] if sends else ""
