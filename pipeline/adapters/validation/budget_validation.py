"""Check a read budget against the company's rules, all at once, one problem per cell.

The line table goes through the pandera schema of ``validation_schema``, a run of rows at a
time; the header block, the totals, the budget's own total rows, the columns not read and
what only the sheet's XML shows (error cells, uncalculated formulas, hidden rows) are
checked here. Every failure becomes a Problem naming rule, sheet, cell and fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

import pandas as pd
import pandera.pandas as pa

from pipeline.adapters.reading.amounts import NumberFormat, parse_amount
from pipeline.adapters.reading.budget_reader import RawBudget, text_of
from pipeline.adapters.validation.cell_text import header_text, header_warnings, line_warnings
from pipeline.adapters.validation.column_checks import column_problems
from pipeline.adapters.validation.layout_checks import job_field_problems
from pipeline.adapters.validation.line_frame import line_frame, mark_repeated, repeated_lines
from pipeline.adapters.validation.line_problems import RULE_ORDER, LineWording, to_problems
from pipeline.adapters.validation.line_values import Listed, rounding_warnings
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.adapters.validation.schema import REPEATED_COLUMN, build_schema
from pipeline.adapters.validation.total_rows import TotalRows
from pipeline.adapters.validation.wording import cell_position, make_problem, project_number_of
from pipeline.adapters.validation.workbook_checks import (
    header_problems,
    list_notices,
    sheet_problems,
    total_problems,
)
from pipeline.domain.budget import CENT, BudgetDocument, BudgetLine
from pipeline.domain.problems import Problem, Severity, errors

# Rows checked at a time: the frame of a run (its numbers three ways) is what the parse
# worker holds beside the cells; at 200,000 lines the whole budget's frame was 113 MiB.
RUN_ROWS = 20_000


def check_budget(
    raw: RawBudget, rules: ValidationRules, run_rows: int = RUN_ROWS
) -> tuple[BudgetDocument | None, list[Problem]]:
    """Validate every cell; return the budget (when no error) and all problems.

    The lines are checked ``run_rows`` at a time, with the same problems as all at once
    (a repeated line is found across runs). ``raw.rows`` is emptied as they are: the caller
    reads the header, not the cells, afterwards."""
    problems = [*sheet_problems(raw), *header_problems(raw, rules)]
    problems += job_field_problems(raw, rules, {(p.column, p.cell) for p in problems})
    taken = {(p.column, p.cell) for p in problems}
    problems += [p for p in header_warnings(raw) if (p.column, p.cell) not in taken]
    problems += column_problems(raw)  # before the runs of lines let their cells go
    document = None
    if raw.rows:
        checked = _check_lines(raw, rules, taken, run_rows)
        problems += checked.problems + checked.warnings + checked.totals.problems(raw)
        if checked.lines is not None:  # totals make sense once every amount does
            document = _document(raw, checked.lines, rules.number_format)
            typed_total = checked.typed_total if checked.rounded else None
            problems += [
                p
                for p in total_problems(raw, document, rules.number_format, typed_total)
                if (p.column, p.cell) not in taken
            ]
    else:
        problems.append(make_problem("budget.empty", "the budget has no lines", raw.sheet))
    problems = sorted(_apply_severity(problems + list_notices(rules), rules), key=_reading_order)
    return (None if errors(problems) else document), problems


def _reading_order(problem: Problem) -> tuple[int, int, int, int]:
    """Problems in the order a person reads the sheet; sheet-wide notices last."""
    row, col = cell_position(problem.cell) if problem.cell else (10**9, 0)
    return (0 if problem.sheet else 1, row, col, RULE_ORDER[problem.rule])


@dataclass(kw_only=True)
class _Checked:
    """What the runs of rows found so far: the schema's problems, the rounding warnings, the
    lines (None once an amount is not a number below 10^13: then there are no totals), and
    the sums the budget's own total rows are checked against."""

    totals: TotalRows
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    lines: list[BudgetLine] | None = field(default_factory=list)
    typed_total: Decimal = Decimal(0)  # the amounts as typed, summed in reading order
    rounded: bool = False


def _check_lines(
    raw: RawBudget, rules: ValidationRules, taken: set[tuple[str, str]], run_rows: int
) -> _Checked:
    job = project_number_of(raw)
    listed = Listed.for_job(rules.lists, job)
    schema = build_schema(rules, job)
    # More than one run: repeated lines are marked over the whole budget's keys first.
    marks, first_row = (
        repeated_lines(raw.rows, raw.columns, listed) if len(raw.rows) > run_rows else (None, {})
    )
    wording = LineWording(raw, rules, job, listed, first_row)
    checked, start = _Checked(totals=TotalRows(raw, rules.number_format)), 0
    while raw.rows:
        frame = line_frame(raw.rows[:run_rows], raw.columns, rules, listed)
        # The run's frame holds its lines now: let their cells go (nothing reads them again).
        del raw.rows[:run_rows]
        if marks is None:
            frame[REPEATED_COLUMN], wording.first_row = mark_repeated(frame)
        else:
            frame[REPEATED_COLUMN] = marks[start : start + len(frame)]
        start += len(frame)
        _check_run(raw, frame, schema, wording, taken, checked)
    return checked


def _check_run(
    raw: RawBudget,
    frame: pd.DataFrame,
    schema: pa.DataFrameSchema,
    wording: LineWording,
    taken: set[tuple[str, str]],
    checked: _Checked,
) -> None:
    try:
        schema.validate(frame, lazy=True)
        found = []
    except pa.errors.SchemaErrors as exc:
        found = [
            p
            for p in to_problems(frame, exc.failure_cases, wording)
            if (p.column, p.cell) not in taken
        ]
    checked.problems += found
    checked.totals.add(frame)
    taken = taken | {(p.column, p.cell) for p in found}
    checked.warnings += rounding_warnings(raw, frame, taken) + line_warnings(raw, frame, taken)
    if checked.lines is None:
        return
    if not frame["amount"].abs().lt(1e13).all():
        checked.lines = None
        return
    checked.lines += _lines(frame)
    checked.rounded = checked.rounded or bool(frame["amount_rounded"].any())
    checked.typed_total = sum(frame["amount_typed"].tolist(), checked.typed_total)


def _apply_severity(problems: list[Problem], rules: ValidationRules) -> list[Problem]:
    """``[severity]`` in rules/validation.toml may demote, promote or turn off a rule."""
    result = []
    for problem in problems:
        wanted = rules.severity.get(problem.rule)
        if wanted == "off":
            continue
        if wanted and wanted != problem.severity:
            problem = Problem(
                rule=problem.rule,
                message=problem.message,
                sheet=problem.sheet,
                cell=problem.cell,
                column=problem.column,
                value=problem.value,
                hint=problem.hint,
                severity=Severity(wanted),
            )
        result.append(problem)
    return result


def _lines(frame: pd.DataFrame) -> list[BudgetLine]:
    """The run's lines; equal texts and amounts in cents share one object (a budget repeats
    its codes, units and prices thousands of times)."""
    rows, sub_jobs, codes, kinds, texts, amounts, qtys, uoms, costs = (
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
    )
    shared: dict[str, str] = {}
    share = shared.setdefault  # equal texts: one object
    cents: dict[Decimal, Decimal] = {}

    def in_cents(amount: Decimal) -> Decimal:
        if not amount:  # -0 equals 0 but has its own cents
            return amount.quantize(CENT)
        taken = cents.get(amount)
        if taken is None:
            taken = cents[amount] = amount.quantize(CENT)
        return taken

    return [
        BudgetLine(
            row,
            share(sub, sub),
            share(code, code),
            share(kind, kind),
            text,
            in_cents(amount),
            qty,
            share(uom, uom),
            cost,
        )
        for row, sub, code, kind, text, amount, qty, uom, cost in zip(
            rows, sub_jobs, codes, kinds, texts, amounts, qtys, uoms, costs, strict=True
        )
    ]


def _document(
    raw: RawBudget, lines: list[BudgetLine], number_format: NumberFormat
) -> BudgetDocument:
    total_text = text_of(raw.header.get("budget_total", ("", ""))[0])
    return BudgetDocument(
        project_number=project_number_of(raw),
        lines=tuple(lines),
        project_name=header_text(raw, "project_name"),
        prepared_by=header_text(raw, "prepared_by"),
        stated_total=parse_amount(raw.header["budget_total"][0], number_format)
        if total_text
        else None,
        sheet=raw.sheet,
    )
