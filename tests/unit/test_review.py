"""The approver's decision: parsing the verdict, what blocks it, and the reasons."""

from __future__ import annotations

import pytest

from pipeline.domain.budget import LineKey
from pipeline.domain.review import Decision, LineFlag, Verdict

FLAG = LineFlag(LineKey("", "03-300", "M"), "too high")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Accept", Verdict.ACCEPT),
        ("  accept ", Verdict.ACCEPT),
        ("REJECT", Verdict.REJECT),
        ("reject\n", Verdict.REJECT),
        ("", None),
        ("   ", None),
        ("Approve", None),
        ("Accepted", None),
    ],
)
def test_verdict_parse(text: str, expected: Verdict | None) -> None:
    assert Verdict.parse(text) is expected


@pytest.mark.parametrize(
    "decision",
    [
        Decision("Accept", "", "Carl"),
        Decision(" reject ", "too high", "Carl", (FLAG,)),
        Decision("Reject", "", "Carl", (FLAG,)),  # the line note is the reason
    ],
)
def test_a_complete_decision_has_no_problems(decision: Decision) -> None:
    assert decision.problems() == []


@pytest.mark.parametrize(
    ("decision", "needle"),
    [
        (Decision("Maybe", "", "Carl"), "neither Accept nor Reject"),
        (Decision("", "", "Carl"), "neither Accept nor Reject"),
        (Decision("Accept", "", "  "), "Approver is blank"),
        (Decision("Reject", " \n ", "Carl"), "a Reject needs a Reason"),
        (
            Decision("Reject", "", "Carl", (LineFlag(FLAG.key, "  "),)),
            "a Reject needs a Reason, or a line marked Reject with a Line Note",
        ),
        (Decision("Accept", "", "Carl", (FLAG, FLAG)), "Accept with 2 line(s) marked Reject"),
    ],
)
def test_each_problem_is_reported_alone(decision: Decision, needle: str) -> None:
    [problem] = decision.problems()
    assert needle in problem


def test_problems_accumulate() -> None:
    assert len(Decision("Reject", "", "").problems()) == 2


def test_reasons_split_on_lines_and_drop_blanks() -> None:
    decision = Decision("Reject", "  03-300 too high \n\n\r\n01-100 missing\r\n   ", "Carl")
    assert decision.reasons() == ["03-300 too high", "01-100 missing"]
    assert Decision("Reject", "", "Carl").reasons() == []
