"""The example ERP lists ``init`` writes into a new workspace's ``rules/`` (jobs, cost codes,
cost types), until the ERP's own exports replace them.

Each row of an example list says ``yes`` in its ``example`` column: the readers take only the
columns they know, so the lists work as they are (a trial runs end to end, the template has
dropdowns), and anyone opening one sees it is not the ERP's.
"""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

EXAMPLE_LISTS = ("jobs.csv", "cost_codes.csv", "cost_types.csv")
# Where the real lists come from, as init says it (README, "Rules", says the same).
WHERE_REAL_LISTS_COME_FROM = (
    "example ERP lists (each row says yes in its example column). Replace each with the "
    "ERP's own export of that list (CSV, the same column names), and export it again when "
    "the ERP's list changes: budgets are checked against these lists, and the template's "
    "dropdowns offer them."
)


def write_example_lists(root: Path) -> list[Path]:
    """Write each example list the workspace's ``rules/`` does not have yet; never overwrite
    one (it may be the ERP's). Returns the lists written."""
    written = []
    packaged = resources.files("pipeline") / "workspace_examples" / "rules"
    for name in EXAMPLE_LISTS:
        target = root / "rules" / name
        if target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        with resources.as_file(packaged / name) as source:
            shutil.copyfile(source, target)
        written.append(target)
    return written


def examples_written_message(written: list[Path]) -> str:
    """What init says about the example lists it wrote."""
    names = [f"rules/{path.name}" for path in written]
    listed = names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"
    return f"{listed}: {WHERE_REAL_LISTS_COME_FROM}"
