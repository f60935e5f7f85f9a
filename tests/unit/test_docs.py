"""The README keeps up with the code: every rule id (admins look up what a message means),
every command, every sheet we write, and every module in the map of how it is built."""

import re
from pathlib import Path

import click

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

    context = click.Context(cli)
    every = {name: cli.get_command(context, name) for name in cli.list_commands(context)}
    groups = {name: c for name, c in every.items() if isinstance(c, click.Group)}
    commands = set(every) - set(groups)
    commands |= {f"{name} {sub}" for name, group in groups.items() for sub in group.commands}
    rows = _commands_table()
    assert len(rows) == len(set(rows)), [row for row in rows if rows.count(row) > 1]
    words = [row.strip("`").split() for row in rows]
    named = {" ".join(w[1:3] if w[1] in groups else w[1:2]) for w in words}
    assert named == commands


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


def _module_map() -> list[str]:
    """The modules the README's map (under "How it is built") names, as paths under
    ``pipeline/``, in its order.

    An entry line sits two spaces deeper than its folder (``pipeline/`` at 0, ``domain/`` at 2,
    ``domain/budget.py`` at 4); a deeper line continues the entry above. A file entry names
    one module or several (``a.py, b.py   what they do``); a folder with no entries under it
    names its modules after it, without ``.py``, each with or without a note in parentheses,
    up to a colon (``reading/   budget_reader, amounts (what it is), ...: what they share``).
    Anything else there fails, rather than be read as something it is not.
    """
    section = README.split("## How it is built", 1)[1].split("\n## ", 1)[0]
    block = section.split("```\npipeline/\n", 1)[1].split("```", 1)[0]
    entries: list[tuple[int, str]] = []  # (depth, the entry's text with its continuations)
    for line in block.splitlines():
        indent = len(line) - len(line.lstrip(" "))
        if indent in (2, 4):  # pipeline's own entries, and those of its folders
            entries.append((indent // 2, line.strip()))
        else:
            depth, text = entries[-1]
            entries[-1] = (depth, f"{text} {line.strip()}")
    modules: list[str] = []
    folders: list[str] = []  # the folder each depth is in
    for index, (depth, text) in enumerate(entries):
        folders = folders[: depth - 1]
        head, _, rest = text.partition(" ")
        if head.endswith("/"):
            folders.append(head)
            has_entries = index + 1 < len(entries) and entries[index + 1][0] > depth
            if not has_entries:
                listed = re.sub(r"\([^()]*(?:\([^()]*\)[^()]*)*\)", "", rest).split(":")[0]
                for name in (name.strip() for name in listed.split(",")):
                    assert name.isidentifier(), f"{head}: {name!r} is not a module name"
                    modules.append("".join(folders) + f"{name}.py")
            continue
        names = re.match(r"(\w+\.py(?:, \w+\.py)*)(?:\s|$)", text)
        assert names, f"{text!r} names no module"
        modules += ["".join(folders) + name for name in names[1].split(", ")]
    return modules


def test_every_module_is_in_the_readme_module_map_once() -> None:
    package = Path(__file__).parents[2] / "pipeline"
    existing = {
        path.relative_to(package).as_posix()
        for path in package.rglob("*.py")
        if path.name != "__init__.py"
    }
    mapped = _module_map()
    assert len(mapped) == len(set(mapped)), [name for name in mapped if mapped.count(name) > 1]
    assert sorted(existing - set(mapped)) == [], "modules the map leaves out"
    assert sorted(set(mapped) - existing) == [], "map entries that are no module"
