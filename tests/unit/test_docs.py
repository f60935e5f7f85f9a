"""The README documents every rule id, so admins can look up what a message means."""

import re
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


def test_every_picture_the_readme_shows_is_in_the_repository_with_its_script() -> None:
    repository = Path(__file__).parents[2]
    pictures = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", README)
    assert "docs/summary-sheet.png" in pictures
    for picture in pictures:
        assert (repository / picture).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", picture
    assert "scripts/picture_summary.py" in README
    assert (repository / "scripts" / "picture_summary.py").is_file()


def _commands_table() -> list[str]:
    """The first cell of each row of the README's Commands table."""
    table = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    return [line.split("|")[1].strip() for line in table.splitlines() if line.startswith("| `")]


def test_every_command_is_in_the_commands_table_and_no_row_twice() -> None:
    from pipeline.cli import cli  # the command group; importing it runs nothing

    rows = _commands_table()
    assert len(rows) == len(set(rows)), [row for row in rows if rows.count(row) > 1]
    named = {row.strip("`").split()[1] for row in rows}
    assert named == set(cli.commands)


def test_every_sheet_we_write_is_described() -> None:
    repository = Path(__file__).parents[2]
    written = set()
    for source in (repository / "pipeline" / "adapters").rglob("*.py"):
        text = source.read_text(encoding="utf-8")
        written |= set(re.findall(r'add_worksheet\("([^"]+)"\)', text))
        written |= set(re.findall(r'^(?:[A-Z_]*)SHEET = "([^"_][^"]*)"', text, re.MULTILINE))
        written |= set(re.findall(r'title = "([^"]+)" if', text))
    assert {"Review", "Summary", "Changes since export", "Rejection Reasons"} <= written
    missing = sorted(name for name in written if f"*{name}*" not in README)
    assert missing == []
