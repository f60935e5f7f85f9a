"""The texts of the review workbook's Review sheet: the version line, the approval levels and
the instructions."""

from __future__ import annotations

from typing import Any

from pipeline.domain.local_time import local_time
from pipeline.services.ports import ReviewContent

REVIEW_WIDTH = (24, 80)  # the Review sheet's two columns, in characters


def instructions(content: ReviewContent) -> list[str]:
    """What the approver is to do, then what kind of review this is."""
    lines = [
        "1. Pick Accept or Reject in the yellow Decision cell.",
        "2. A Reject needs a Reason (one reason per line of the cell), or at least one line "
        "flagged with a Line Note.",
        "3. To flag single lines, set Line Decision = Reject on the Lines sheet, with a Line Note.",
        "4. Write your name or email in Approver, then save this file where it is (keep .xlsx).",
    ]
    if content.refusal:
        lines.append(
            "The ERP refused its file (see the top): Accept writes a new one; Reject hands back."
        )
    if content.change and not content.resend:
        lines.append(
            "This is a budget change: see the sheet 'Changes'; changed lines are "
            "highlighted on 'Lines'. Accepting exports only the changed amounts."
        )
    if content.resend:
        lines.append(
            "This is a re-send: see the sheets 'Earlier Reasons' (with the sender's responses) "
            "and 'Changes'; changed lines are highlighted on 'Lines'."
        )
    returns = [
        *(content.resend.returns if content.resend else []),
        *(content.change.returns if content.change else []),
    ]
    if returns:
        lines.append(
            "Some changed lines bring back an amount rejected before: see the Note column "
            "of 'Changes'."
        )
    return lines


def version_text(content: ReviewContent) -> str:
    """The Version line: which version, and what this issue of it is (a first send, a
    re-export after the ERP refused its file, a budget change, a re-send)."""
    version = content.submission.version
    refusal = content.refusal
    if refusal is not None:
        first = (
            f"{version} (re-export after the ERP refused {refusal.file_name} "
            f"on {local_time(refusal.at, content.time_zone)})"
        )
    else:
        first = f"{version} (first send)" if version == 1 else f"{version}"
    parts = [first]
    if content.change:
        parts.append(
            f"a budget change against exported version "
            f"{content.change.exported_version}: only changed amounts are exported"
        )
    if content.resend:
        rejection = content.resend.rejection
        parts.append(
            f"re-sent after version {rejection.version} was rejected by "
            f"{rejection.approver} on {local_time(rejection.at, content.time_zone)}"
        )
    return ", ".join(parts)


def route_facts(content: ReviewContent) -> list[tuple[str, Any]]:
    """With several approval levels: which this review is for, all of them with why each is
    needed, and the Accepts given at the earlier ones."""
    route = content.route
    if route is None or not route.several:
        return []
    levels = "; then ".join(
        step.level.name + (f" ({step.why})" if step.why else "") for step in route.levels
    )
    facts: list[tuple[str, Any]] = [
        ("Approval level", route.stage()),
        ("Levels needed", levels),
    ]
    facts += [
        (
            f"Accepted: {decision.level}",
            f"by {decision.who} on {local_time(decision.at, content.time_zone)}",
        )
        for decision in route.decisions
    ]
    return facts
