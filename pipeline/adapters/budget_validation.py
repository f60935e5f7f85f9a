"""Check a read budget against the company's rules with a pandera schema, cell by cell.

Every failure becomes a Problem naming the rule id, the sheet and Excel cell, and a hint.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any

import pandas as pd
import pandera.pandas as pa

from pipeline.adapters.budget_reader import COLUMN_TITLES, RawBudget, text_of
from pipeline.adapters.rules_files import ValidationRules
from pipeline.domain.budget import CENT, BudgetDocument, BudgetLine
from pipeline.domain.problems import Problem, Severity, cell_ref, errors

TEXT_COLUMNS = ("sub_job", "cost_code", "cost_type", "description", "uom")
KEY_COLUMNS = ["sub_job", "cost_code", "cost_type"]
HINTS = {
    "cost_code.missing": "Every line needs the ERP cost code, for example 03-300",
    "cost_type.missing": "Every line needs a cost type (category), for example L, M, S",
    "amount.not_numeric": "Type the amount as a number, for example 1234.50",
    "amount.precision": "Amounts carry at most two decimals",
    "amount.negative": "Negative amounts are not allowed by rules/validation.toml",
    "unit_qty.not_numeric": "Unit Qty must be a number or blank",
    "unit_cost.not_numeric": "Unit Cost must be a number or blank",
    "line.duplicate": "Keep one line per sub job, cost code and cost type; merge the amounts",
    "text.too_long": "Shorten the text to the ERP's limit",
}
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_amount(value: Any) -> Decimal | None:
    """A cell as a number, the way a person means it: ``$1,234.50``, ``(500.00)``, ``-500``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value)) if math.isfinite(value) else None
    text = str(value).strip().replace(",", "").replace("$", "").replace(" ", "")
    negative = text.startswith("(") and text.endswith(")")
    if negative:
        text = text[1:-1]
        if text.startswith(("-", "+")):
            return None  # "(-500)" is ambiguous: ask the admin rather than guess
    if not _NUMBER.match(text):
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return -number if negative else number


def check_budget(
    raw: RawBudget, rules: ValidationRules
) -> tuple[BudgetDocument | None, list[Problem]]:
    """Validate every line at once; return the budget (when no error) and all problems."""
    problems = _header_problems(raw)
    if not raw.rows:
        problems.append(
            Problem(
                "budget.empty",
                "the budget has no lines",
                raw.sheet,
                hint="Add at least one line under the table header",
            )
        )
        return None, problems
    frame = _frame(raw)
    problems.extend(_schema_problems(raw, frame, rules))
    if errors(problems):
        return None, problems
    document = _document(raw, frame)
    problems.extend(_total_problems(raw, document))
    return (None if errors(problems) else document), problems


def _header_problems(raw: RawBudget) -> list[Problem]:
    value, cell = raw.header.get("project_number", ("", ""))
    if text_of(value):
        return []
    return [
        Problem(
            "project_number.missing",
            "Project Number is missing",
            raw.sheet,
            cell,
            hint="Write the ERP job number next to the label 'Project Number'",
        )
    ]


def _frame(raw: RawBudget) -> pd.DataFrame:
    data: dict[str, list[Any]] = {"_row": [row for row, _ in raw.rows]}
    for column in (*TEXT_COLUMNS, "amount", "unit_qty", "unit_cost"):
        index = raw.columns.get(column)
        data[f"{column}_raw"] = [
            cells[index] if index is not None and index < len(cells) else ""
            for _, cells in raw.rows
        ]
    frame = pd.DataFrame({"_row": data["_row"]})
    for column in TEXT_COLUMNS:
        frame[column] = pd.Series([text_of(v) for v in data[f"{column}_raw"]], dtype=object)
    for column in ("amount", "unit_qty", "unit_cost"):
        raws = data[f"{column}_raw"]
        frame[f"{column}_text"] = pd.Series([text_of(v) for v in raws], dtype=object)
        parsed = [parse_amount(v) for v in raws]
        frame[column] = pd.Series(
            [float(p) if p is not None else None for p in parsed], dtype="float64"
        )
        frame[f"{column}_decimal"] = pd.Series(parsed, dtype=object)
    return frame


def _schema(rules: ValidationRules) -> pa.DataFrameSchema:
    def not_blank(rule: str) -> pa.Check:
        return pa.Check(lambda s: s.str.len() > 0, name=rule)

    def at_most(limit: int) -> pa.Check:
        return pa.Check(lambda s: s.str.len() <= limit, name="text.too_long")

    def numeric_if_given(rule: str, column: str) -> pa.Check:
        return pa.Check(lambda df: df[column].notna() | (df[f"{column}_text"] == ""), name=rule)

    amount_checks = [
        pa.Check(lambda s: s.notna(), name="amount.not_numeric", ignore_na=False),
        pa.Check(
            lambda s: (
                ((s * 10**rules.max_decimals).round() - s * 10**rules.max_decimals).abs() < 1e-6
            ),
            name="amount.precision",
        ),
    ]
    if not rules.allow_negative:
        amount_checks.append(pa.Check(lambda s: s >= 0, name="amount.negative"))
    return pa.DataFrameSchema(
        {
            "sub_job": pa.Column(object, [at_most(rules.sub_job_max)]),
            "cost_code": pa.Column(
                object, [not_blank("cost_code.missing"), at_most(rules.cost_code_max)]
            ),
            "cost_type": pa.Column(
                object, [not_blank("cost_type.missing"), at_most(rules.cost_type_max)]
            ),
            "description": pa.Column(object, [at_most(rules.description_max)]),
            "amount": pa.Column(float, amount_checks, nullable=True),
        },
        checks=[
            numeric_if_given("unit_qty.not_numeric", "unit_qty"),
            numeric_if_given("unit_cost.not_numeric", "unit_cost"),
            pa.Check(lambda df: ~df.duplicated(KEY_COLUMNS, keep=False), name="line.duplicate"),
        ],
    )


def _schema_problems(raw: RawBudget, frame: pd.DataFrame, rules: ValidationRules) -> list[Problem]:
    try:
        _schema(rules).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return _to_problems(raw, frame, exc.failure_cases)
    return []


_CHECK_COLUMN = {
    "line.duplicate": "cost_code",
    "unit_qty.not_numeric": "unit_qty",
    "unit_cost.not_numeric": "unit_cost",
}


def _to_problems(raw: RawBudget, frame: pd.DataFrame, cases: pd.DataFrame) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple[str, int]] = set()
    excel_rows: list[int] = frame["_row"].tolist()
    for case in cases.to_dict("records"):
        rule = str(case["check"]).split("(")[0]
        if case["index"] is None or case["index"] != case["index"]:
            continue  # a schema-level failure (a missing column) has no row
        index = int(case["index"])
        column = _CHECK_COLUMN.get(rule) or str(case["column"])
        position = raw.columns.get(column)
        row = excel_rows[index]
        if (column, row) in seen:  # one problem per cell: the first rule that fails it
            continue
        seen.add((column, row))
        value_column = f"{column}_text" if f"{column}_text" in frame else column
        problems.append(
            Problem(
                rule=rule,
                message=_message(rule, column, frame, index),
                sheet=raw.sheet,
                cell=cell_ref(row, position) if position is not None else "",
                column=COLUMN_TITLES.get(column, column),
                value=str(frame.at[index, value_column]),
                hint=HINTS.get(rule, ""),
            )
        )
    return sorted(problems, key=lambda p: (_row_of(p.cell), p.cell))


def _message(rule: str, column: str, frame: pd.DataFrame, index: int) -> str:
    title = COLUMN_TITLES.get(column, column)
    if rule == "line.duplicate":
        key = " / ".join(str(frame.at[index, c]) for c in KEY_COLUMNS if frame.at[index, c])
        return f"duplicate line {key}"
    if rule.endswith(".missing"):
        return f"{title} is blank"
    if rule.endswith(".not_numeric"):
        return f"{title} is not a number"
    if rule == "text.too_long":
        return f"{title} is too long"
    return f"{title}: {HINTS.get(rule, rule)}"


def _row_of(cell: str) -> int:
    digits = "".join(ch for ch in cell if ch.isdigit())
    return int(digits) if digits else 0


def _document(raw: RawBudget, frame: pd.DataFrame) -> BudgetDocument:
    lines = tuple(
        BudgetLine(
            row=int(r["_row"]),
            sub_job=r["sub_job"],
            cost_code=r["cost_code"],
            cost_type=r["cost_type"],
            description=r["description"],
            amount=r["amount_decimal"].quantize(CENT),
            unit_qty=r["unit_qty_decimal"],
            uom=r["uom"],
            unit_cost=r["unit_cost_decimal"],
        )
        for r in frame.to_dict("records")
    )
    header = {name: text_of(value) for name, (value, _) in raw.header.items()}
    return BudgetDocument(
        project_number=unicodedata.normalize("NFKC", header.get("project_number", "")),
        lines=lines,
        project_name=header.get("project_name", ""),
        prepared_by=header.get("prepared_by", ""),
        stated_total=parse_amount(raw.header["budget_total"][0])
        if text_of(raw.header.get("budget_total", ("", ""))[0])
        else None,
        sheet=raw.sheet,
        header_cells={name: cell for name, (_, cell) in raw.header.items()},
    )


def _total_problems(raw: RawBudget, document: BudgetDocument) -> list[Problem]:
    stated = document.stated_total
    value, cell = raw.header.get("budget_total", ("", ""))
    if stated is None and text_of(value):
        return [
            Problem(
                "budget_total.not_numeric",
                "Budget Total is not a number",
                raw.sheet,
                cell,
                "Budget Total",
                text_of(value),
                hint="Write the total as a number, or leave the cell empty",
            )
        ]
    if stated is None or abs(stated - document.total) < Decimal("0.005"):
        return []
    return [
        Problem(
            "budget_total.mismatch",
            f"Budget Total {stated:,.2f} differs from the sum of the lines {document.total:,.2f}",
            raw.sheet,
            document.header_cells.get("budget_total", ""),
            "Budget Total",
            str(stated),
            hint="Correct the Budget Total or the line amounts",
            severity=Severity.ERROR,
        )
    ]
