"""Independent readers of the ERP import files, one per built-in layout, written from each
ERP's documented layout (the csv module, a small IIF reader), not from our profiles: what
they read back is what the ERP would book.

Each returns the file's records as ``ErpRecord``: the line key as the ERP sees it (job, sub
job, cost code, cost type), the quantity, unit and amount, and the file's word for original
or change where the layout has one.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class ErpRecord:
    """One record of an ERP file, as the ERP reads it."""

    job: str
    sub_job: str
    cost_code: str
    cost_type: str
    quantity: Decimal | None
    unit: str
    amount: Decimal
    marker: str  # the file's word for original or change ("" where the layout has none)

    @property
    def key(self) -> tuple[str, str, str, str]:
        """The ERP's line key: job, sub job, cost code, cost type."""
        return (self.job, self.sub_job, self.cost_code, self.cost_type)


# What each layout carries besides the key and the amount.
CARRIES_QUANTITY = {"generic-csv", "sage-intacct", "sage300", "spectrum", "quickbooks-iif"}
CARRIES_UNIT = {"generic-csv", "sage-intacct", "sage300", "spectrum"}
CARRIES_SUB_JOB = {"generic-csv", "sage-intacct", "sage300"}


def read_erp_file(profile: str, data: bytes) -> list[ErpRecord]:
    """The records of an ERP file written in ``profile``'s layout."""
    text = data.decode("utf-8")
    assert text.count("\r\n") == text.count("\n"), "CRLF line ends throughout"
    readers = {
        "generic-csv": _generic,
        "sage-intacct": _intacct,
        "sage300": _sage300,
        "spectrum": _spectrum,
        "quickbooks-iif": _iif,
    }
    return readers[profile](text)


def _number(text: str) -> Decimal | None:
    return Decimal(text) if text.strip() else None


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def _generic(text: str) -> list[ErpRecord]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return [
        ErpRecord(
            r["Job"],
            r["Sub Job"],
            r["Cost Code"],
            r["Cost Type"],
            _number(r["Quantity"]),
            r["UOM"],
            Decimal(r["Amount"]),
            r["Workflow"],
        )
        for r in rows
    ]


def _intacct(text: str) -> list[ErpRecord]:
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    return [
        ErpRecord(
            r["PROJECTID"],
            r["SUBPROJECTID"],
            r["TASKID"],
            r["COSTTYPEID"],
            _number(r["QTY"]),
            r["EUOM"],
            Decimal(r["AMOUNT"]),
            r["WFTYPE"],
        )
        for r in rows
    ]


def _sage300(text: str) -> list[ErpRecord]:
    """Sage 300 CRE estimate records: "C", job, extra, cost code, description, category,
    mmddyyyy, quantity, unit, amount; text fields quoted, numbers bare."""
    records = []
    for row in _rows(text):
        assert row[0] == "C" and len(row) == 10, row
        assert len(row[6]) == 8 and row[6].isdigit(), row  # mmddyyyy
        records.append(
            ErpRecord(row[1], row[2], row[3], row[5], _number(row[7]), row[8], Decimal(row[9]), "")
        )
    for raw in text.split("\r\n"):
        if raw:
            assert raw.startswith('"C","'), raw  # text quoted, as the layout says
    return records


def _spectrum(text: str) -> list[ErpRecord]:
    """Spectrum's standard transfer file: one "*" job record, then "P" records of 15 fields."""
    rows = _rows(text)
    assert rows[0][0] == "*", rows[0]
    job = rows[0][1]
    records = []
    for row in rows[1:]:
        assert row[0] == "P" and len(row) == 15, row
        records.append(
            ErpRecord(job, "", row[1], row[3], _number(row[4]), row[5], Decimal(row[6]), "")
        )
    return records


def _iif(text: str) -> list[ErpRecord]:
    """A QuickBooks IIF estimate: '!' rows name the columns of the rows of that keyword; one
    TRNS (Customer:Job, the total), the SPL rows (items), ENDTRNS; the splits balance it."""
    columns: dict[str, list[str]] = {}
    trns: list[dict[str, str]] = []
    splits: list[dict[str, str]] = []
    ended = 0
    for raw in text.split("\r\n"):
        if not raw:
            continue
        cells = raw.split("\t")
        if cells[0].startswith("!"):
            columns[cells[0][1:]] = cells
            continue
        row = dict(zip(columns[cells[0]], cells, strict=True))
        if cells[0] == "TRNS":
            trns.append(row)
        elif cells[0] == "SPL":
            splits.append(row)
        elif cells[0] == "ENDTRNS":
            ended += 1
    assert len(trns) == 1 and ended == 1
    assert trns[0]["TRNSTYPE"] == "ESTIMATES"
    assert Decimal(trns[0]["AMOUNT"]) + sum(Decimal(s["AMOUNT"]) for s in splits) == 0
    memo = trns[0]["MEMO"]
    marker = memo[memo.rindex("(") + 1 : -1] if memo.endswith(")") else ""
    return [
        ErpRecord(
            s["NAME"].split(":")[-1],
            "",
            s["INVITEM"],
            s["CLASS"],
            _number(s["QNTY"]),
            "",
            -Decimal(s["AMOUNT"]),
            marker,
        )
        for s in splits
    ]
