"""The pandera schema of a budget's line table, built at run time from ``rules/``.

Every check is named by its rule id, so a failure case maps straight to a Problem.
"""

from __future__ import annotations

import fnmatch

import pandas as pd
import pandera.pandas as pa

from pipeline.adapters.validation.cell_text import CODE_COLUMNS, ascii_only
from pipeline.adapters.validation.layout_checks import number_checks, text_checks
from pipeline.adapters.validation.rules_files import ValidationRules
from pipeline.domain.erp_profile import FORMULA_TRIGGERS

KEY_COLUMNS = ["sub_job", "cost_code", "cost_type"]
# Whether a line repeats an earlier line's key, marked over the whole budget before its rows
# are checked a run at a time (line_frame.repeated_lines): a run alone would miss the first.
REPEATED_COLUMN = "_repeated"
# Checks that look at several columns report on this one.
CHECK_COLUMN = {
    "line.duplicate": "cost_code",
    "cost_type.not_allowed": "cost_type",
    "unit_qty.not_numeric": "unit_qty",
    "unit_cost.not_numeric": "unit_cost",
    "amount.missing": "amount",
    "amount.unit_mismatch": "amount",
    "amount.negative": "amount",
    "amount.precision": "amount",
}


def build_schema(rules: ValidationRules, job_number: str) -> pa.DataFrameSchema:
    """The schema for one budget: the company's limits plus the ERP lists for its job."""
    lists = rules.lists
    columns = {name: pa.Column(object, _text_checks(rules, name)) for name in rules.columns}
    columns["cost_code"] = pa.Column(
        object,
        [
            _not_blank("cost_code.missing"),
            *_code_checks(rules, job_number),
            *_text_checks(rules, "cost_code"),
        ],
    )
    type_checks = [_not_blank("cost_type.missing")]
    if lists.cost_types is not None:
        known = set(lists.cost_types)
        type_checks.append(pa.Check(lambda s: s.isin(known) | (s == ""), name="cost_type.unknown"))
    columns["cost_type"] = pa.Column(object, [*type_checks, *_text_checks(rules, "cost_type")])
    job = lists.job(job_number)
    if (job is not None and not job.sub_jobs_allowed) or not rules.profile_sub_jobs:
        columns["sub_job"] = pa.Column(
            object,
            [
                pa.Check(lambda s: s == "", name="sub_job.not_allowed"),
                *_text_checks(rules, "sub_job"),
            ],
        )
    columns["amount"] = pa.Column(
        float, [*_amount_checks(), *number_checks(rules, "amount")], nullable=True
    )
    for name in ("unit_qty", "unit_cost"):
        if checks := number_checks(rules, name):
            columns[name] = pa.Column(float, checks, nullable=True)
    return pa.DataFrameSchema(columns, checks=_row_checks(rules, job_number))


def _not_blank(rule: str) -> pa.Check:
    return pa.Check(lambda s: s.str.len() > 0, name=rule)


def _text_checks(rules: ValidationRules, column: str) -> list[pa.Check]:
    """The length limit of a text column, the characters its ERP layout cannot write, and
    for a code, that it is plain ASCII."""
    limit, erp = rules.columns[column].max_length, rules.columns[column].erp_length

    def fits(s: pd.Series) -> pd.Series:
        length = s.str.len()
        if erp is None:
            return length <= limit
        # The ERP file puts a ' in front of text a spreadsheet would run: it takes a character.
        guarded = s.str.startswith(FORMULA_TRIGGERS).astype(int)
        return (length <= limit) & (length + guarded <= erp)

    checks = [pa.Check(fits, name="text.too_long"), *text_checks(rules, column)]
    if column in CODE_COLUMNS:
        checks.append(pa.Check(ascii_only, name="text.not_ascii"))
    return checks


def _code_checks(rules: ValidationRules, job_number: str) -> list[pa.Check]:
    checks = []
    if rules.lists.cost_codes is not None:
        allowed = rules.lists.codes_for(job_number)
        checks.append(pa.Check(lambda s: s.isin(allowed) | (s == ""), name="cost_code.unknown"))
    pattern = rules.columns["cost_code"].pattern
    if pattern is not None:
        checks.append(
            pa.Check(
                lambda s: s.map(lambda v: v == "" or bool(pattern.fullmatch(v))).astype(bool),
                name="cost_code.pattern",
            )
        )
    return checks


def _amount_checks() -> list[pa.Check]:
    return [
        pa.Check(lambda s: s.notna(), name="amount.not_numeric", ignore_na=False),
        pa.Check(lambda s: s.abs() < 1e13, name="amount.too_large"),
    ]


def _row_checks(rules: ValidationRules, job_number: str) -> list[pa.Check]:
    checks = [
        # a blank amount says so; the amount's own check also fails it, as not a number
        pa.Check(lambda df: df["amount_text"] != "", name="amount.missing"),
        _numeric_if_given("unit_qty"),
        _numeric_if_given("unit_cost"),
        pa.Check(lambda df: ~df[REPEATED_COLUMN], name="line.duplicate"),
        # counted on the value as Excel shows it (line_values.take_amounts), not a double's tail
        pa.Check(lambda df: df["amount_within_places"], name="amount.precision"),
        pa.Check(
            lambda df: _unit_math_holds(df, float(rules.unit_tolerance)),
            name="amount.unit_mismatch",
        ),
    ]
    if rules.lists.cost_types is not None:
        lists = rules.lists
        known = lists.codes_for(job_number) if lists.cost_codes is not None else None
        checks.append(
            pa.Check(
                lambda df: pd.Series(
                    [
                        # an unknown code is reported on its own cell, not again here
                        lists.type_allows(t, c) or (known is not None and c not in known)
                        for t, c in zip(df["cost_type"], df["cost_code"], strict=True)
                    ],
                    index=df.index,
                ),
                name="cost_type.not_allowed",
            )
        )
    if not rules.allow_negative:
        patterns = rules.negative_cost_codes
        checks.append(
            pa.Check(
                lambda df: (
                    df["amount"].isna()
                    | (df["amount"] >= 0)
                    | df["cost_code"]
                    .map(lambda c: any(fnmatch.fnmatchcase(c, p) for p in patterns))
                    .astype(bool)
                ),
                name="amount.negative",
            )
        )
    return checks


def _numeric_if_given(column: str) -> pa.Check:
    return pa.Check(
        lambda df: df[column].notna() | (df[f"{column}_text"] == ""), name=f"{column}.not_numeric"
    )


def _unit_math_holds(df: pd.DataFrame, tolerance: float) -> pd.Series:
    product = df["unit_qty"] * df["unit_cost"]
    # Only where both are given and numeric; a few ulps of slack for binary floats.
    return (
        product.isna() | df["amount"].isna() | ((product - df["amount"]).abs() <= tolerance + 1e-9)
    )
