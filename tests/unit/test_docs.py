"""The README documents every rule id, so admins can look up what a message means."""

from pathlib import Path

from pipeline.domain.rule_catalog import RULES

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")


def test_every_rule_id_is_in_the_readme_rules_table() -> None:
    missing = [rule for rule in RULES if f"| `{rule}` | {RULES[rule].severity} |" not in README]
    assert missing == []


def test_the_readme_names_no_rule_that_does_not_exist() -> None:
    table = README.split("## Rules", 1)[1].split("**Changing a rule**", 1)[0]
    named = {line.split("`")[1] for line in table.splitlines() if line.startswith("| `")}
    assert named == set(RULES)
