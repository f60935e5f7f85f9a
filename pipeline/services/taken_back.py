"""Use case helper: who hears of a ``retrieve`` or a ``withdraw``. The project's approvers
were told the version was sent for their acceptance (or rejected it): they hear it is taken
back; so does its sender when someone else ran the command. Each email says who did what,
when, to which version, with its amounts (``mail_facts``)."""

from __future__ import annotations

from pipeline.domain.lifecycle import Action, ProjectBudget, Submission
from pipeline.domain.notification import Notification
from pipeline.services.actors import Actor
from pipeline.services.approval_routing import waiting_on
from pipeline.services.context import Services
from pipeline.services.mail_facts import amounts
from pipeline.services.notifications import prepare

TEMPLATES = {Action.RETRIEVE: "retrieved", Action.WITHDRAW: "withdrawn"}


def taken_back(
    app: Services,
    budget: ProjectBudget,
    submission: Submission | None,
    actor: Actor,
    action: Action,
) -> list[Notification]:
    """The email of a retrieve or withdraw of ``budget`` (as it is before the action), to
    the project's approvers and, when someone else acted, the version's sender."""
    template = TEMPLATES[action]
    project, version = budget.project_number, budget.version
    directory = app.identity.people()
    to = [p.email for p in waiting_on(app, project, version)]
    sender = directory.find(budget.sender)
    acting = directory.find(actor.name)
    if sender is not None and sender != acting and sender.email not in to:
        to.append(sender.email)
    review_file = submission.review_file if submission else ""
    context: dict[str, object] = {
        "project_number": project,
        "project_name": submission.project_name if submission else "",
        "version": version,
        "actor": actor.name,
        "at": app.clock.now(),
        "sender": budget.sender,
        "review_file": review_file,
        "handed_back": _handed_back(app, project) if action is Action.WITHDRAW else [],
        **amounts(app, submission),
    }
    return prepare(app, f"{template}:{project}:v{version}", template, to, context)


def _handed_back(app: Services, project_number: str) -> list[str]:
    """The files in rejected/ the withdraw moves to the archive."""
    names = app.store.hand_backs(project_number)
    return [f"rejected/{n}" for n in names if app.folders.exists(app.settings.rejected / n)]
