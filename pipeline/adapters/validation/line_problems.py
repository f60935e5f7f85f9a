"""Line problems from pandera's failure cases: one per cell, the most telling rule, and the
message and hint a person needs to fix it."""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipeline.adapters.reading.amounts import why_unread
from pipeline.adapters.reading.budget_reader import RawBudget
from pipeline.adapters.validation.cell_text import not_ascii_message
from pipeline.adapters.validation.layout_checks import line_hint, line_message
from pipeline.adapters.validation.line_values import Listed, unlisted_hint, unlisted_message
from pipeline.adapters.validation.number_wording import unread_problem
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.schema import CHECK_COLUMN, KEY_COLUMNS
from pipeline.adapters.validation.wording import column_title, make_problem
from pipeline.domain.erp_profile import GUARD, is_guarded
from pipeline.domain.problems import Problem, cell_ref
from pipeline.domain.rule_catalog import RULES, hint

RULE_ORDER = {rule: index for index, rule in enumerate(RULES)}
# A number column's "not a number", which a text that reads some other way replaces with a
# rule saying why it is not taken (amounts.why_unread).
NOT_NUMERIC = {"amount.not_numeric", "unit_qty.not_numeric", "unit_cost.not_numeric"}


def to_problems(frame: pd.DataFrame, cases: pd.DataFrame, wording: LineWording) -> list[Problem]:
    """One problem per failing cell of ``frame`` (the earliest rule in the catalogue wins)."""
    best: dict[tuple[str, int], tuple[int, str, int]] = {}
    rows = frame["_row"].to_numpy()
    for case in cases.to_dict("records"):
        rule = str(case["check"]).split("(")[0]
        if rule not in RULES or case["index"] is None or case["index"] != case["index"]:
            continue  # a schema-level failure (a missing column) has no row
        index = int(str(case["index"]))
        column = CHECK_COLUMN.get(rule) or str(case["column"])
        key = (column, int(rows[index]))
        if key not in best or RULE_ORDER[rule] < best[key][0]:  # one problem per cell
            best[key] = (RULE_ORDER[rule], rule, index)
    # only the failing lines as records: the whole frame's would be a dict per line
    failing = sorted({index for _, _, index in best.values()})
    records = dict(zip(failing, frame.take(failing).to_dict("records"), strict=True))
    return [
        wording.problem(rule, column, {str(k): v for k, v in records[index].items()})
        for (column, _), (_, rule, index) in best.items()
    ]


class LineWording:
    """What a line problem's message and hint need to know; ``first_row`` is where each
    repeated key first appears in the whole budget."""

    def __init__(
        self,
        raw: RawBudget,
        rules: ValidationRules,
        job: str,
        listed: Listed,
        first_row: dict[tuple[str, ...], int],
    ) -> None:
        self.raw, self.rules, self.job, self.listed = raw, rules, job, listed
        self.first_row = first_row

    def problem(self, rule: str, column: str, record: dict[str, Any]) -> Problem:
        """The problem ``rule`` found in ``column`` of the line ``record``."""
        position = self.raw.columns.get(column)
        value = str(record.get(f"{column}_text", record.get(column, "")))
        cell = cell_ref(int(record["_row"]), position) if position is not None else ""
        number_format = self.rules.number_format
        if rule in NOT_NUMERIC and (unread := why_unread(value, number_format)):
            title = column_title(column)
            return unread_problem(unread, number_format, title, value, self.raw.sheet, cell)
        return make_problem(
            rule,
            self.message(rule, column, record),
            self.raw.sheet,
            cell,
            column_title(column),
            value,
            _hint(rule, value, self.rules, self.listed, column),
        )

    def message(self, rule: str, column: str, record: dict[str, Any]) -> str:
        """What is wrong, in the budget's words."""
        title = column_title(column)
        if rule == "line.duplicate":
            key = tuple(record[c] for c in KEY_COLUMNS)
            return (
                f"duplicate line {' / '.join(k for k in key if k)}: same as row "
                f"{self.first_row[key]}"
            )
        if rule == "amount.unit_mismatch":
            product = record["unit_qty"] * record["unit_cost"]
            return f"Unit Qty x Unit Cost is {product:,.2f}, not the amount"
        if rule == "text.too_long":
            return self._too_long(column, str(record[column]))
        if rule == "text.not_ascii":
            return not_ascii_message(title, str(record[column]))
        if rule in ("text.unwritable", "number.erp_decimals"):
            return line_message(rule, column, record, self.rules)
        if rule in ("cost_code.unknown", "cost_type.unknown"):
            return unlisted_message(column, record, self.listed)
        if rule == "cost_type.not_allowed":
            return (
                f"cost type {record['cost_type']} is not set up for cost code {record['cost_code']}"
            )
        messages = {
            "missing": f"{title} is blank",
            "not_numeric": f"{title} is not a number",
            "pattern": f"{title} is not in the company's format",
            "precision": f"{title} has more than {self.rules.max_decimals} decimals",
            "negative": f"{title} is negative",
            "too_large": f"{title} is too large",
            "not_allowed": f"job {self.job} takes no sub jobs"
            if self.rules.profile_sub_jobs
            else f"the {self.rules.profile} ERP format takes no sub jobs",
        }
        return messages.get(rule.split(".")[1], f"{title}: {hint(rule)}")

    def _too_long(self, column: str, text: str) -> str:
        title, limit = column_title(column), self.rules.columns[column]
        if len(text) <= limit.max_length and is_guarded(text):  # it is the guard that overflows
            return (
                f"{title} is {len(text)} characters, and the {GUARD} the ERP file adds in front "
                f"of text starting with {_trigger(text)} makes {len(text) + 1}: over the "
                f"{self.rules.profile} ERP format's limit of {limit.erp_length}"
            )
        return f"{title} is longer than {limit.max_length} characters"


def _trigger(text: str) -> str:
    """The first character that makes the formula guard act, as a person would name it."""
    return {"\t": "a tab", "\r": "a carriage return"}.get(text[0], text[0])


def _hint(rule: str, value: str, rules: ValidationRules, listed: Listed, column: str) -> str:
    limit = rules.columns.get(column)
    if rule == "text.too_long" and limit and limit.erp_length and is_guarded(value):
        fits = min(limit.max_length, limit.erp_length - 1)
        if len(value) > limit.max_length:
            return f"Shorten it to {fits} characters: the ERP file adds a {GUARD} in front"
        return f"Shorten it to {fits} characters, or do not start it with {_trigger(value)}"
    if rule in ("cost_code.unknown", "cost_type.unknown"):
        return unlisted_hint(column, value, listed) or hint(rule)
    if rule == "cost_code.pattern" and rules.columns["cost_code"].pattern is not None:
        return f"Cost codes must match {rules.columns['cost_code'].pattern.pattern}"
    return line_hint(rule, column, rules) or hint(rule)
