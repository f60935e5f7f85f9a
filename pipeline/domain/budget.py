"""What a budget workbook says: the header block and the budget lines, as plain values."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True, order=True)
class LineKey:
    """One budget line per (sub job, cost code, cost type): the ERP's budget code."""

    sub_job: str
    cost_code: str
    cost_type: str

    def __str__(self) -> str:
        parts = [self.cost_code, self.cost_type]
        if self.sub_job:
            parts.insert(0, self.sub_job)
        return " / ".join(parts)


# Positional, unlike the other wide records (kw_only): reading builds one per line, twice (in
# the parse worker and from its transfer), and a call by keyword costs about 0.4 us more (the
# transfer of 20,000 lines took 53 ms instead of 44). The calls off that path name their fields.
@dataclass(frozen=True, slots=True)
class BudgetLine:
    """One line of the budget. ``row`` is the Excel row it came from (1-based)."""

    row: int
    sub_job: str
    cost_code: str
    cost_type: str
    description: str
    amount: Decimal
    unit_qty: Decimal | None = None
    uom: str = ""
    unit_cost: Decimal | None = None

    @property
    def key(self) -> LineKey:
        """The line's identity across versions of the budget."""
        return LineKey(self.sub_job, self.cost_code, self.cost_type)

    def as_texts(self) -> tuple[int, str, str, str, str, str, str | None, str, str | None]:
        """The line as plain values, amounts as exact decimal text (``None`` when blank):
        how it is stored and how it travels between processes."""
        return (
            self.row,
            self.sub_job,
            self.cost_code,
            self.cost_type,
            self.description,
            str(self.amount),
            None if self.unit_qty is None else str(self.unit_qty),
            self.uom,
            None if self.unit_cost is None else str(self.unit_cost),
        )

    def content(self) -> tuple[str, ...]:
        """Everything that matters about the line, without where it sits in the sheet."""
        return (
            self.sub_job,
            self.cost_code,
            self.cost_type,
            self.description,
            f"{self.amount:.2f}",
            "" if self.unit_qty is None else str(self.unit_qty.normalize()),
            self.uom,
            "" if self.unit_cost is None else str(self.unit_cost.normalize()),
        )


@dataclass(frozen=True, slots=True)
class ReasonResponse:
    """The admin's answer beside one reason of a rejection, on the *Rejection Reasons* sheet
    of the workbook handed back: its Line and Reason cells as found (Line is blank beside a
    free-text reason) and the Response."""

    line: str
    reason: str
    text: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BudgetDocument:
    """A budget as read from one workbook, with the admin's responses to an earlier
    rejection when the workbook carries them (they are not part of its content)."""

    project_number: str
    lines: tuple[BudgetLine, ...]
    project_name: str = ""
    prepared_by: str = ""
    stated_total: Decimal | None = None
    sheet: str = "Budget"
    responses: tuple[ReasonResponse, ...] = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent from the parse worker as one JSON text of columns: pickle then holds a single
        # string, instead of a tuple per line and a memo entry for each value in it (at
        # 200,000 lines that was 170 MiB on top of the budget, and 6 s under tracemalloc).
        return (
            _rebuild,
            (
                self.project_number,
                _columns_json(self.lines),
                self.project_name,
                self.prepared_by,
                None if self.stated_total is None else str(self.stated_total),
                self.sheet,
                [(r.line, r.reason, r.text) for r in self.responses],
            ),
        )

    @property
    def total(self) -> Decimal:
        """Sum of the line amounts."""
        return sum((line.amount for line in self.lines), Decimal("0.00"))

    def fingerprint(self) -> str:
        """A hash of the budget's content: equal for two workbooks that say the same thing.

        Row order, formatting, who prepared it and the file's bytes do not count; the lines,
        the project and the stated Budget Total do.
        """
        digest = hashlib.sha256()
        stated = "" if self.stated_total is None else f"{self.stated_total:.2f}"
        digest.update(f"{self.project_number}\x1f{self.project_name}\x1f{stated}\x1e".encode())
        for line in _in_content_order(self.lines):
            digest.update("\x1f".join(line.content()).encode())
            digest.update(b"\x1e")
        return digest.hexdigest()

    def same_content(self, fingerprint: str) -> bool:
        """Whether this budget says what the one with ``fingerprint`` said, a Budget Total
        equal to the sum of the lines counting the same as none: the workbook handed back
        after a rejection states its total even where the admin's did not."""
        if self.fingerprint() == fingerprint:
            return True
        if self.stated_total is None:
            other: Decimal | None = self.total
        elif f"{self.stated_total:.2f}" == f"{self.total:.2f}":
            other = None
        else:
            return False
        return replace(self, stated_total=other).fingerprint() == fingerprint


def money(value: Decimal) -> str:
    """Format an amount for people: thousands separators, two decimals."""
    return f"{value:,.2f}"


def _in_content_order(lines: tuple[BudgetLine, ...]) -> list[BudgetLine]:
    """The lines in the order of their ``content()``, without holding every content at once:
    sorted by key (its first three fields, unique in a budget without duplicate lines), and by
    the whole content only where keys tie. At 200,000 lines that is 35 MiB less."""
    ordered = sorted(lines, key=lambda line: (line.sub_job, line.cost_code, line.cost_type))
    start = 0
    while start < len(ordered):
        end = start + 1
        key = (ordered[start].sub_job, ordered[start].cost_code, ordered[start].cost_type)
        while (
            end < len(ordered)
            and (
                ordered[end].sub_job,
                ordered[end].cost_code,
                ordered[end].cost_type,
            )
            == key
        ):
            end += 1
        if end - start > 1:
            ordered[start:end] = sorted(ordered[start:end], key=BudgetLine.content)
        start = end
    return ordered


_DECIMAL_FIELDS = ("amount", "unit_qty", "unit_cost")
# Columns whose values repeat over thousands of lines: equal values share one object.
_REPEATING_FIELDS = ("sub_job", "cost_code", "cost_type", "uom", "unit_qty", "unit_cost")


def _columns_json(lines: tuple[BudgetLine, ...]) -> list[str]:
    """The lines as one JSON text per column (fields in order), amounts as exact text."""
    columns = []
    for name in BudgetLine.__slots__:
        values = [getattr(line, name) for line in lines]
        if name in _DECIMAL_FIELDS:
            values = [None if value is None else str(value) for value in values]
        columns.append(json.dumps(values))
    return columns


def _lines_from_json(columns: list[str]) -> tuple[BudgetLine, ...]:
    """Lines from ``_columns_json``, decoded a column at a time (each text is dropped once
    decoded, so that at most one column is held twice)."""
    decoded: list[list[Any]] = []
    for name in BudgetLine.__slots__:
        values = json.loads(columns.pop(0))
        shared: dict[Any, Any] = {None: None}
        if name in _DECIMAL_FIELDS and name in _REPEATING_FIELDS:
            values = [
                shared[v] if v in shared else shared.setdefault(v, Decimal(v)) for v in values
            ]
        elif name in _DECIMAL_FIELDS:
            values = [Decimal(value) for value in values]
        elif name in _REPEATING_FIELDS:
            values = [shared.setdefault(value, value) for value in values]
        decoded.append(values)
    return tuple(BudgetLine(*fields) for fields in zip(*decoded, strict=True))


def _rebuild(
    project_number: str,
    lines: list[str],
    project_name: str,
    prepared_by: str,
    stated_total: str | None,
    sheet: str,
    responses: list[tuple[str, str, str]],
) -> BudgetDocument:
    return BudgetDocument(
        project_number=project_number,
        lines=_lines_from_json(lines),
        project_name=project_name,
        prepared_by=prepared_by,
        stated_total=None if stated_total is None else Decimal(stated_total),
        sheet=sheet,
        responses=tuple(ReasonResponse(*response) for response in responses),
    )
