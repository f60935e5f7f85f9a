"""The tests' one way to change settings: a change lands where the program reads it, keeps the
file's comments, and a section or key that is not there fails instead of changing nothing."""

from __future__ import annotations

import pytest

from pipeline.config import load_settings
from tests.support.workspace import Workspace


def test_a_setting_changed_is_read_and_the_comments_stay(workspace: Workspace) -> None:
    config = workspace.root / "budget-erp.toml"
    comments = [line.split("#", 1)[1] for line in config.read_text().splitlines() if "#" in line]

    workspace.configure("watch", mode="polling", settle_seconds=0.3)
    workspace.configure("mail", transport="smtp", port=2525)
    workspace.configure("export", new=True, jobs={"P-2002": "spectrum"})

    settings = load_settings(workspace.root)
    assert (settings.watch_mode, settings.settle_seconds) == ("polling", 0.3)
    assert (settings.mail_transport, settings.smtp.port) == ("smtp", 2525)
    assert settings.export_job_profiles == {"P-2002": "spectrum"}
    text = config.read_text()
    assert all(comment in text for comment in comments)


@pytest.mark.parametrize(
    ("section", "values", "new", "message"),
    [
        ("wach", {"mode": "polling"}, False, "has no [wach]"),
        ("watch", {"settle_second": 0.3}, False, "settle_second is not in [watch]"),
        ("watch", {"settle_seconds": 0.3}, True, "settle_seconds is already in [watch]"),
    ],
    ids=["unknown section", "unknown key", "new key already there"],
)
def test_a_mistyped_setting_fails_the_test_that_makes_it(
    workspace: Workspace, section: str, values: dict[str, object], new: bool, message: str
) -> None:
    before = (workspace.root / "budget-erp.toml").read_text()
    with pytest.raises(AssertionError, match=message.replace("[", r"\[")):
        workspace.configure(section, new=new, **values)
    assert (workspace.root / "budget-erp.toml").read_text() == before


def test_a_person_is_changed_by_name(workspace: Workspace) -> None:
    workspace.change_person("Carl Accountant", new=True, digest=False)

    text = (workspace.root / "rules" / "people.toml").read_text()
    carl = text.split('name = "Carl Accountant"', 1)[1].split("[[person]]", 1)[0]
    assert "digest = false" in carl
    with pytest.raises(AssertionError, match="0 people named 'Nobody'"):
        workspace.change_person("Nobody", digest=False)
