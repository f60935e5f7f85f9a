"""Check a read budget against the company's rules, all at once, one problem per cell.

The line table goes through the pandera schema of ``validation_schema``; the header block,
the totals and what only the sheet's XML shows (error cells, uncalculated formulas, hidden
rows) are checked here. Every failure becomes a Problem naming rule, sheet, cell and fix.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pandera.pandas as pa

from pipeline.adapters.reading.amounts import parse_amount
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.validation.line_values import (
    Listed,
    rounding_warnings,
    spell_as_listed,
    take_amounts,
    typed_total,
    unlisted_hint,
    unlisted_message,
)
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.schema import CHECK_COLUMN, KEY_COLUMNS, build_schema
from pipeline.adapters.validation.wording import (
    cell_position,
    column_title,
    make_problem,
    project_number_of,
)
from pipeline.adapters.validation.workbook_checks import (
    header_problems,
    list_notices,
    sheet_problems,
    total_problems,
)
from pipeline.domain.budget import CENT, BudgetDocument, BudgetLine
from pipeline.domain.erp_profile import GUARD, is_guarded
from pipeline.domain.problems import Problem, Severity, cell_ref, errors
from pipeline.domain.rule_catalog import RULES, hint

TEXT_COLUMNS = ("sub_job", "cost_code", "cost_type", "description", "uom")
NUMBER_COLUMNS = ("amount", "unit_qty", "unit_cost")
_ORDER = {rule: index for index, rule in enumerate(RULES)}


def check_budget(
    raw: RawBudget, rules: ValidationRules
) -> tuple[BudgetDocument | None, list[Problem]]:
    """Validate every cell at once; return the budget (when no error) and all problems.

    ``raw.rows`` is emptied once the lines are in the frame: the caller reads the header,
    not the cells, afterwards."""
    problems = [*sheet_problems(raw), *header_problems(raw, rules)]
    taken = {(p.column, p.cell) for p in problems}
    document = None
    if raw.rows:
        job = project_number_of(raw)
        listed = Listed.for_job(rules.lists, job)
        frame = _frame(raw, rules, listed)
        # The frame holds every line now: let the cells go (about 55 MB of the parse
        # worker's peak at 200,000 lines). Nothing after this reads ``raw.rows``.
        raw.rows.clear()
        problems += [
            p
            for p in _schema_problems(raw, frame, rules, job, listed)
            if (p.column, p.cell) not in taken
        ]
        problems += rounding_warnings(raw, frame, {(p.column, p.cell) for p in problems})
        if frame["amount"].abs().lt(1e13).all():  # totals make sense once every amount does
            document = _document(raw, frame)
            problems += [
                p
                for p in total_problems(raw, document, typed_total(frame))
                if (p.column, p.cell) not in taken
            ]
    else:
        problems.append(make_problem("budget.empty", "the budget has no lines", raw.sheet))
    problems = sorted(_apply_severity(problems + list_notices(rules), rules), key=_reading_order)
    return (None if errors(problems) else document), problems


def _reading_order(problem: Problem) -> tuple[int, int, int, int]:
    """Problems in the order a person reads the sheet; sheet-wide notices last."""
    row, col = cell_position(problem.cell) if problem.cell else (10**9, 0)
    return (0 if problem.sheet else 1, row, col, _ORDER[problem.rule])


def _frame(raw: RawBudget, rules: ValidationRules, listed: Listed) -> pd.DataFrame:
    def column(name: str) -> list[Any]:
        index = raw.columns.get(name)
        return [
            cells[index] if index is not None and index < len(cells) else ""
            for _, cells in raw.rows
        ]

    frame = pd.DataFrame({"_row": [row for row, _ in raw.rows]})
    for name in TEXT_COLUMNS:
        frame[name] = pd.Series([text_of(v) for v in column(name)], dtype=object)
    for name in NUMBER_COLUMNS:
        values = column(name)
        parsed = [parse_amount(v) for v in values]
        frame[f"{name}_text"] = pd.Series([text_of(v) for v in values], dtype=object)
        frame[name] = pd.Series(
            [float(p) if p is not None else None for p in parsed], dtype="float64"
        )
        frame[f"{name}_decimal"] = pd.Series(parsed, dtype=object)
    spell_as_listed(frame, listed)
    take_amounts(frame, rules)
    return frame


def _schema_problems(
    raw: RawBudget, frame: pd.DataFrame, rules: ValidationRules, job: str, listed: Listed
) -> list[Problem]:
    try:
        build_schema(rules, job).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_problems(frame, exc.failure_cases, _Context(raw, frame, rules, job, listed))
    return []


def _to_problems(frame: pd.DataFrame, cases: pd.DataFrame, context: _Context) -> list[Problem]:
    records: list[dict[str, Any]] = [
        {str(k): v for k, v in r.items()} for r in frame.to_dict("records")
    ]
    best: dict[tuple[str, int], tuple[int, str, int]] = {}
    for case in cases.to_dict("records"):
        rule = str(case["check"]).split("(")[0]
        if rule not in RULES or case["index"] is None or case["index"] != case["index"]:
            continue  # a schema-level failure (a missing column) has no row
        index = int(str(case["index"]))
        column = CHECK_COLUMN.get(rule) or str(case["column"])
        key = (column, int(records[index]["_row"]))
        if key not in best or _ORDER[rule] < best[key][0]:  # one problem per cell
            best[key] = (_ORDER[rule], rule, index)
    return [
        context.problem(rule, column, records[index])
        for (column, _), (_, rule, index) in best.items()
    ]


class _Context:
    """What a line problem's message and hint need to know."""

    def __init__(
        self,
        raw: RawBudget,
        frame: pd.DataFrame,
        rules: ValidationRules,
        job: str,
        listed: Listed,
    ) -> None:
        self.raw, self.rules, self.job, self.listed = raw, rules, job, listed
        self.first_row: dict[tuple[str, ...], int] = {}
        for row, *key in zip(*(frame[c] for c in ["_row", *KEY_COLUMNS]), strict=True):
            self.first_row.setdefault(tuple(key), row)

    def problem(self, rule: str, column: str, record: dict[str, Any]) -> Problem:
        position = self.raw.columns.get(column)
        value = str(record.get(f"{column}_text", record.get(column, "")))
        cell = cell_ref(int(record["_row"]), position) if position is not None else ""
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
    return hint(rule)


def _apply_severity(problems: list[Problem], rules: ValidationRules) -> list[Problem]:
    """``[severity]`` in rules/validation.toml may demote, promote or turn off a rule."""
    result = []
    for problem in problems:
        wanted = rules.severity.get(problem.rule)
        if wanted == "off":
            continue
        if wanted and wanted != problem.severity:
            problem = Problem(
                problem.rule,
                problem.message,
                problem.sheet,
                problem.cell,
                problem.column,
                problem.value,
                problem.hint,
                Severity(wanted),
            )
        result.append(problem)
    return result


def _document(raw: RawBudget, frame: pd.DataFrame) -> BudgetDocument:
    columns = [
        frame[name].tolist()
        for name in (
            "_row",
            "sub_job",
            "cost_code",
            "cost_type",
            "description",
            "amount_decimal",
            "unit_qty_decimal",
            "uom",
            "unit_cost_decimal",
        )
    ]
    lines = tuple(
        BudgetLine(row, sub_job, code, kind, text, amount.quantize(CENT), qty, uom, cost)
        for row, sub_job, code, kind, text, amount, qty, uom, cost in zip(*columns, strict=True)
    )
    header = {name: text_of(value) for name, (value, _) in raw.header.items()}
    total_text = header.get("budget_total", "")
    return BudgetDocument(
        project_number=project_number_of(raw),
        lines=lines,
        project_name=header.get("project_name", ""),
        prepared_by=header.get("prepared_by", ""),
        stated_total=parse_amount(raw.header["budget_total"][0]) if total_text else None,
        sheet=raw.sheet,
    )
