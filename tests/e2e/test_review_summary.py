"""The review workbook's Summary sheet through the CLI, read back with openpyxl: its figures
against the Lines sheet for a first send, a re-send and a budget change, the largest changes'
links to their rows, the chart part, and the Changes sheet's quantities and unit costs."""

from __future__ import annotations

import json
import re
import subprocess
import zipfile
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from tests.support.workbooks import UNIT_HEADERS, Line
from tests.support.workspace import Workspace

FIRST: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000),
    ("", "03-300", "M", "Concrete", 45000.5, 100, "m3", 450.005),
    ("", "03-300", "L", "Concrete labour", 30000),
    ("", "09-900", "S", "Painting subcontract", 8000),
    ("", "09-290", "M", "Gypsum board", 2500.25),
]
# 03-300 / M: fewer cubic metres at a higher price; 03-300 / L up; 09-290 removed; one added.
SECOND: list[Line] = [
    ("", "01-100", "L", "General conditions", 12000),
    ("", "03-300", "M", "Concrete", 41000, 80, "m3", 512.5),
    ("", "03-300", "L", "Concrete labour", 33600),
    ("", "09-900", "S", "Painting subcontract", 8000),
    ("", "31-200", "E", "Earthwork equipment", 6400.75),
]
THIRD: list[Line] = [*SECOND[:3], ("", "09-900", "S", "Painting subcontract", 9100), SECOND[4]]
COST_CODES = "cost_code,description\n03,Concrete\n09-000,Finishes\n" + "".join(
    f"{code},Work\n" for code in ("01-100", "03-300", "09-900", "09-290", "31-200")
)
CHARTS_SCRIPT = Path(__file__).with_name("libreoffice_charts.py")
SYSTEM_PYTHON = "/usr/bin/python3"  # Debian's python3-uno lives there, not in our venv
COST_TYPES = "cost_type,description\nL,Labour\nM,Material\nS,Subcontract\nE,Equipment\n"


@pytest.fixture
def named(workspace: Workspace) -> Workspace:
    """A workspace whose ERP lists name the cost types and two divisions."""
    (workspace.root / "rules" / "cost_codes.csv").write_text(COST_CODES, encoding="utf-8")
    (workspace.root / "rules" / "cost_types.csv").write_text(COST_TYPES, encoding="utf-8")
    return workspace


def _send(ws: Workspace, name: str, lines: list[Line]) -> openpyxl.Workbook:
    ws.drop(name, lines=lines, headers=UNIT_HEADERS)
    result = ws.run("process")
    assert result.exit_code == 0, result.output
    return openpyxl.load_workbook(_latest_review(ws))


def _latest_review(ws: Workspace) -> Path:
    reviews = sorted((ws.root / "approval").glob("P-1001_v*_review.xlsx"))
    assert len(reviews) == 1, reviews
    return reviews[0]


def _table(book: Any, title: str) -> tuple[list[str], dict[str, list[Any]]]:
    """The Summary table under ``title``: its header, and each row by its label (Total too)."""
    rows = [[c.value for c in row] for row in book["Summary"].iter_rows()]
    start = next(i for i, row in enumerate(rows) if row[0] == title)
    header = [str(v) for v in rows[start + 1] if v is not None]
    table: dict[str, list[Any]] = {}
    for row in rows[start + 2 :]:
        table[str(row[0])] = row[1 : len(header)]
        if row[0] == "Total":
            return header, table
    raise AssertionError(f"no Total under {title!r}")


def _lines(book: Any) -> list[dict[str, Any]]:
    sheet = book["Lines"]
    header = [c.value for c in sheet[1]]
    return [dict(zip(header, (c.value for c in row), strict=True)) for row in sheet.iter_rows(2)]


def _sums(lines: list[Line] | list[dict[str, Any]], key: Any) -> dict[str, tuple[int, Decimal]]:
    found: dict[str, list[Decimal]] = defaultdict(list)
    for line in lines:
        found[key(line)].append(Decimal(str(line["Amount"] if isinstance(line, dict) else line[4])))
    return {k: (len(v), sum(v, Decimal("0"))) for k, v in found.items()}


def _type_of(line: Any) -> str:
    return str(line["Cost Type"] if isinstance(line, dict) else line[2])


def _division_of(line: Any) -> str:
    return str(line["Cost Code"] if isinstance(line, dict) else line[1])[:2]


LABELS = {"L": "L Labour", "M": "M Material", "S": "S Subcontract", "E": "E Equipment"}
DIVISIONS = {"01": "01", "03": "03 Concrete", "09": "09 Finishes", "31": "31"}


def _money(value: Any) -> Decimal:
    return Decimal(str(value)).quantize(Decimal("0.01"))


def test_a_first_send_sums_the_lines_by_cost_type_and_division(named: Workspace) -> None:
    book = _send(named, "budget.xlsx", FIRST)

    assert book.sheetnames[:3] == ["Review", "Summary", "Lines"]
    lines = _lines(book)
    for title, key, labels in (
        ("By cost type", _type_of, LABELS),
        ("By division", _division_of, DIVISIONS),
    ):
        header, table = _table(book, title)
        assert header[1:] == ["Lines", "Amount"]
        expected = {labels[k]: v for k, v in _sums(lines, key).items()}
        assert {k: (v[0], _money(v[1])) for k, v in table.items() if k != "Total"} == expected
        assert (table["Total"][0], _money(table["Total"][1])) == (
            len(lines),
            sum((Decimal(str(line["Amount"])) for line in lines), Decimal("0")),
        )
    texts = [c.value for r in book["Summary"].iter_rows() for c in r if isinstance(c.value, str)]
    assert "No earlier version to compare with: the totals of this version" in texts
    assert not any(t.startswith("Largest changes") for t in texts)
    chart = _chart_xml(_latest_review(named))
    assert chart.count("<c:ser>") == 1
    assert "<c:f>Summary!$C$6:$C$8</c:f>" in chart  # L, M, S: the amounts of three types


def test_a_resend_compares_with_the_rejected_version(named: Workspace) -> None:
    _send(named, "budget.xlsx", FIRST)
    named.decide(decision="Reject", reason="03-300 is over the estimate\n09-290 is not ours")
    assert named.run("process").exit_code == 0
    book = _send(named, "v2.xlsx", SECOND)

    header, _ = _table(book, "By cost type")
    assert header == ["Cost Type", "Lines v1", "Amount v1", "Lines v2", "Amount v2", "Difference"]
    net = _assert_compared_group_by_group(book, FIRST)
    _, divisions = _table(book, "By division")
    assert _money(divisions["03 Concrete"][4]) == Decimal("-400.50")
    assert _money(divisions["31"][3]) == Decimal("6400.75")
    assert _money(_labelled(book, "Net change against rejected version 1")) == net
    _assert_links_point_at_their_lines(book)
    chart = _chart_xml(_latest_review(named))
    assert chart.count("<c:ser>") == 2
    assert "<c:f>Summary!$C$6:$C$9</c:f>" in chart and "<c:f>Summary!$E$6:$E$9</c:f>" in chart
    assert "<c:f>Summary!$A$6:$A$9</c:f>" in chart


def test_a_budget_change_compares_with_the_version_in_the_erp(named: Workspace) -> None:
    _send(named, "budget.xlsx", SECOND)
    named.decide(decision="Accept")
    assert named.run("process").exit_code == 0
    book = _send(named, "change.xlsx", THIRD)

    assert _assert_compared_group_by_group(book, SECOND) == Decimal("1100.00")
    _, table = _table(book, "By cost type")
    assert [_money(v) for v in table["S Subcontract"][1::2]] == [
        Decimal("8000.00"),
        Decimal("9100.00"),
    ]
    assert _money(table["S Subcontract"][4]) == Decimal("1100.00")
    assert _money(_labelled(book, "Net change against version 1, in the ERP")) == Decimal("1100.00")
    _assert_links_point_at_their_lines(book)
    assert _chart_xml(_latest_review(named)).count("<c:ser>") == 2


def test_changes_show_quantity_and_unit_cost_before_and_after(named: Workspace) -> None:
    _send(named, "budget.xlsx", FIRST)
    named.decide(decision="Reject", reason="03-300 is over the estimate\n09-290 is not ours")
    named.run("process")
    book = _send(named, "v2.xlsx", SECOND)

    sheet = book["Changes"]
    header = [c.value for c in sheet[1]]
    rows = [dict(zip(header, (c.value for c in r), strict=True)) for r in sheet.iter_rows(2)]
    concrete = next(r for r in rows if (r["Cost Code"], r["Cost Type"]) == ("03-300", "M"))
    assert (concrete["Old Qty"], concrete["New Qty"], concrete["UoM"]) == (100, 80, "m3")
    assert (concrete["Old Unit Cost"], concrete["New Unit Cost"]) == (450.005, 512.5)
    assert (concrete["Old Amount"], concrete["New Amount"]) == (45000.5, 41000)
    change = next(
        r["Change"] for r in _lines(book) if (r["Cost Code"], r["Cost Type"]) == ("03-300", "M")
    )
    assert change == "amount changed (-4,000.50); quantity 100 -> 80; unit cost 450.005 -> 512.5"


def _assert_compared_group_by_group(book: Any, earlier: list[Line]) -> Decimal:
    """Each group's row against the earlier version's lines and this one's *Lines*; the
    Total row's difference, which is returned."""
    lines = _lines(book)
    for title, key, labels in (
        ("By cost type", _type_of, LABELS),
        ("By division", _division_of, DIVISIONS),
    ):
        _, table = _table(book, title)
        before, after = _sums(earlier, key), _sums(lines, key)
        assert set(table) == {labels[k] for k in before.keys() | after.keys()} | {"Total"}
        for group in before.keys() | after.keys():
            was, now = before.get(group, (0, Decimal(0))), after.get(group, (0, Decimal(0)))
            row = table[labels[group]]
            assert (row[0], _money(row[1]), row[2], _money(row[3]), _money(row[4])) == (
                was[0],
                _money(was[1]),
                now[0],
                _money(now[1]),
                _money(now[1] - was[1]),
            )
        total_before = sum((Decimal(str(line[4])) for line in earlier), Decimal(0))
        total_after = sum((Decimal(str(line["Amount"])) for line in lines), Decimal(0))
        assert [table["Total"][0], table["Total"][2]] == [len(earlier), len(lines)]
        assert [_money(table["Total"][i]) for i in (1, 3, 4)] == [
            _money(total_before),
            _money(total_after),
            _money(total_after - total_before),
        ]
    return _money(total_after - total_before)


def _labelled(book: Any, label: str) -> Any:
    return next(r[1].value for r in book["Summary"].iter_rows() if r[0].value == label)


def _assert_links_point_at_their_lines(book: Any) -> None:
    """Every largest change links to its own row: on Lines, or on Changes when removed."""
    summary = book["Summary"]
    start = next(r[0].row for r in summary.iter_rows() if str(r[0].value).startswith("Largest"))
    links = [c for c in summary["A"][start + 1 :] if c.hyperlink is not None]
    assert links, "no largest change is linked"
    differences = []
    for cell in links:
        found = re.fullmatch(r"'?([^'!]+)'?!A(\d+)", cell.hyperlink.location)
        assert found is not None, cell.hyperlink.location
        sheet, ref = found.groups()
        row = book[sheet][int(ref)]
        header = [c.value for c in book[sheet][1]]
        values = dict(zip(header, (c.value for c in row), strict=False))
        sub = f"{values['Sub Job']} / " if values["Sub Job"] else ""
        assert cell.value == f"{sub}{values['Cost Code']} / {values['Cost Type']}"
        assert (sheet == "Changes") == (values.get("Change") == "removed")
        differences.append(abs(summary.cell(cell.row, 5).value))
    assert differences == sorted(differences, reverse=True)


def _chart_xml(review: Path) -> str:
    with zipfile.ZipFile(review) as package:
        names = package.namelist()
        assert [n for n in names if n.startswith("xl/charts/")] == ["xl/charts/chart1.xml"]
        return package.read("xl/charts/chart1.xml").decode("utf-8")


@pytest.mark.slow
def test_libreoffice_draws_the_chart_and_keeps_it_in_the_pdf(
    named: Workspace, tmp_path: Path
) -> None:
    _send(named, "budget.xlsx", FIRST)
    named.decide(decision="Reject", reason="03-300 is over the estimate\n09-290 is not ours")
    named.run("process")
    book = _send(named, "v2.xlsx", SECOND)
    pdf = tmp_path / "review.pdf"

    run = subprocess.run(
        [SYSTEM_PYTHON, str(CHARTS_SCRIPT), str(_latest_review(named)), str(pdf)],
        check=True,
        timeout=180,
        capture_output=True,
        text=True,
    )

    charts = json.loads(run.stdout.strip().splitlines()[-1])["charts"]
    _, table = _table(book, "By cost type")
    shown = [row for label, row in table.items() if label != "Total"]
    assert charts == [
        {
            "title": "Totals by cost type",
            "series": [
                ["Amount v1", [row[1] for row in shown]],
                ["Amount v2", [row[3] for row in shown]],
            ],
        }
    ]
    pages = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout.split("\f")
    summary = next(page for page in pages if "Summary of version 2" in page)
    for drawn in ("Totals by cost type", "Cost type", "Amount v1", "Amount v2", "L Labour"):
        assert drawn in summary
