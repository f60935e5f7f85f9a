"""Problems told to the people who fix the budget, not to support: a hint's rule id, rules/
file path or settings key means nothing to a project manager. The ``.refused.txt`` keeps them
all, for whoever supports the tool."""

from __future__ import annotations

import re

# In the order applied: a whole aside first, then what is left of a path or key in a sentence.
_PLAIN = (
    # " (rules/jobs.csv)", " ([amount] currency)": an aside for support only.
    (re.compile(r"\s*\((?:see )?(?:rules/[^)]*|\[\w+\][^)]*)\)"), ""),
    # "[column_names] in rules/validation.toml" -> "the column names the budget tool's ..."
    (
        re.compile(r"\[(\w+)\] in rules/[\w./-]+"),
        lambda m: f"the {m[1].replace('_', ' ')} the budget tool's administrator sets up",
    ),
    (re.compile(r"\brules/[\w.-]*"), "the budget tool"),
    (re.compile(r"\s*\[[a-z_]+(?:\.[a-z_]+)+\]"), ""),  # a rule id: " [cost_code.unknown]"
)


def plain_words(text: str) -> str:
    """``text`` without rule ids, rules/ paths or settings keys."""
    for pattern, replacement in _PLAIN:
        text = pattern.sub(replacement, text)
    return text
