"""The review workbook's *Summary* sheet: totals by cost type and division, against the
version this one replaces, the largest changes linked to their rows, and a native chart.
Values only (the figures are exact sums of the lines, computed before): no formulas."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pipeline.adapters.writing.text_fit import BOLD, fit_row, label_width, print_as_report
from pipeline.adapters.writing.xlsx_styles import write_text
from pipeline.domain.summary_figures import BudgetSummary, GroupTotal, TopChange
from pipeline.domain.text import clean_text

SHEET = "Summary"
CHANGES_SHEET = "Changes"
_DELTA = "+#,##0.00;-#,##0.00;0.00"
_CHART_WIDTH = 640
_FIRST_WIDTH = (34, 60)  # the first column's least and most width: longer labels wrap


def summary_sheet(
    book: Any, styles: dict[str, Any], summary: BudgetSummary, version: int, warnings: int
) -> None:
    """Write the sheet; ``warnings``: how many the *Review* sheet lists."""
    sheet = print_as_report(book.add_worksheet(SHEET), f"{SHEET} of version {version}")
    styles = {
        **styles,
        "delta": book.add_format({"num_format": _DELTA}),
        "total": book.add_format({"bold": True, "top": 1}),
        "total_money": book.add_format({"bold": True, "top": 1, "num_format": "#,##0.00"}),
        "total_delta": book.add_format({"bold": True, "top": 1, "num_format": _DELTA}),
        "link": book.add_format({"font_color": "#0563C1", "underline": 1}),
        "label": book.add_format({"bold": True, "valign": "top", "text_wrap": True}),
    }
    first = min(_FIRST_WIDTH[1], label_width(_first_column(summary), _FIRST_WIDTH[0]))
    sheet.set_column(0, 0, first)
    sheet.set_column(1, 4, label_width(_headers(summary, version), 14))
    sheet.set_column(5, 5, 40)
    earlier = summary.earlier
    sheet.write_string(0, 0, f"Summary of version {version}", styles["title"])
    sheet.write_string(
        1,
        0,
        f"Compared with {earlier.description}"
        if earlier
        else "No earlier version to compare with: the totals of this version",
    )
    headers = _headers(summary, version)
    row = 3
    sheet.write_string(row, 0, "By cost type", styles["label"])
    type_rows = (row + 2, row + 1 + len(summary.by_cost_type))
    tables = (sheet, styles, first)
    row = _group_table(tables, row + 1, "Cost Type", headers, summary.by_cost_type, summary)
    sheet.write_string(row, 0, "By division", styles["label"])
    row = _group_table(tables, row + 1, "Division", headers, summary.by_division, summary)
    row = _net_changes(tables, row, summary)
    if earlier is not None:
        row = _top_changes(sheet, styles, row, summary.top_changes, earlier.version, version)
    told = f"Warnings: {warnings}, listed on the sheet 'Review'" if warnings else "Warnings: none"
    fit_row(sheet, row, [(told, first)])
    sheet.write_string(row, 0, told, styles["warn"] if warnings else None)
    if summary.by_cost_type:
        _chart(book, sheet, type_rows, earlier is not None)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _first_column(summary: BudgetSummary) -> list[str]:
    """The labels of the first column, which it is made wide enough for (up to a limit)."""
    labels = [group.label for group in (*summary.by_cost_type, *summary.by_division)]
    if summary.earlier is not None:
        labels.append(f"Net change against {summary.earlier.description}")
    labels += [f"Net change against {n.earlier.description}" for n in summary.also]
    return labels


def _headers(summary: BudgetSummary, version: int) -> list[str]:
    if summary.earlier is None:
        return ["Lines", "Amount"]
    was = summary.earlier.version
    return [
        f"Lines v{was}",
        f"Amount v{was}",
        f"Lines v{version}",
        f"Amount v{version}",
        "Difference",
    ]


def _group_table(
    tables: tuple[Any, dict[str, Any], float],
    row: int,
    title: str,
    headers: list[str],
    groups: Sequence[GroupTotal],
    summary: BudgetSummary,
) -> int:
    """A header, one row per group and the grand total; returns the row after a blank one.
    ``tables``: the sheet, its styles and the first column's width."""
    sheet, styles, width = tables
    for col, text in enumerate([title, *headers]):
        sheet.write_string(row, col, text, styles["head"])
    for group in groups:
        row += 1
        fit_row(sheet, row, [(clean_text(group.label), width)])
        write_text(sheet, row, 0, group.label, styles["wrap"])
        _figures(sheet, styles, row, group, "")
    row += 1
    sheet.write_string(row, 0, "Total", styles["total"])
    _figures(sheet, styles, row, summary.total, "total_")
    return row + 2


def _figures(sheet: Any, styles: dict[str, Any], row: int, group: GroupTotal, kind: str) -> None:
    count = styles["total"] if kind else None
    money, delta = styles[f"{kind}money"], styles[f"{kind}delta"]
    cells: list[tuple[float | int | None, Any]] = []
    if group.previous is not None:
        cells += [(group.previous_lines, count), (float(group.previous), money)]
    cells += [(group.lines, count), (float(group.amount), money)]
    if group.difference is not None:
        cells.append((float(group.difference), delta))
    for col, (value, style) in enumerate(cells, start=1):
        sheet.write_number(row, col, value or 0, style)


def _net_changes(
    tables: tuple[Any, dict[str, Any], float], row: int, summary: BudgetSummary
) -> int:
    """The net change against each earlier version, in one row each."""
    sheet, styles, width = tables
    lines: list[tuple[str, float]] = []
    if summary.earlier is not None and summary.net_change is not None:
        lines.append(
            (f"Net change against {summary.earlier.description}", float(summary.net_change))
        )
    lines += [
        (f"Net change against {n.earlier.description}", float(n.difference)) for n in summary.also
    ]
    for text, value in lines:
        fit_row(sheet, row, [(text, width)], BOLD)
        sheet.write_string(row, 0, text, styles["label"])
        sheet.write_number(row, 1, value, styles["total_delta"])
        row += 1
    return row + 1 if lines else row


def _top_changes(
    sheet: Any,
    styles: dict[str, Any],
    row: int,
    changes: Sequence[TopChange],
    was: int,
    version: int,
) -> int:
    """The largest changes by amount, each linked to its row on *Lines* (a removed line: to
    its row on *Changes*)."""
    sheet.write_string(row, 0, f"Largest changes ({len(changes)})", styles["label"])
    row += 1
    titles = ["Line", "Change", f"Amount v{was}", f"Amount v{version}", "Difference"]
    titles.append("Description")
    for col, text in enumerate(titles):
        sheet.write_string(row, col, text, styles["head"])
    if not changes:
        row += 1
        sheet.write_string(row, 0, "no amount changed")
    for top in changes:
        row += 1
        change = top.change
        line = change.new or change.old
        description = clean_text(line.description) if line else ""
        fit_row(sheet, row, [(description, 40)])
        target = (
            f"internal:'Lines'!A{top.line_index + 2}"
            if top.line_index is not None
            else f"internal:'{CHANGES_SHEET}'!A{top.change_index + 2}"
        )
        sheet.write_url(row, 0, target, styles["link"], clean_text(str(change.key)))
        sheet.write_string(row, 1, str(change.kind))
        for col, side in ((2, change.old), (3, change.new)):
            if side is None:  # added or removed: no amount on that side
                sheet.write_blank(row, col, None, styles["money"])
            else:
                sheet.write_number(row, col, float(side.amount), styles["money"])
        sheet.write_number(row, 4, float(change.delta), styles["delta"])
        sheet.write_string(row, 5, description, styles["wrap"])
    return row + 2


def _chart(book: Any, sheet: Any, rows: tuple[int, int], beside: bool) -> None:
    """A column chart of the totals by cost type (``rows``: the first and last of their
    table), the earlier version beside this one; the series take their names from the
    table's header."""
    first, last = rows
    chart = book.add_chart({"type": "column"})
    header_row = first - 1
    columns = (2, 4) if beside else (2,)
    colours = ("#A5A5A5", "#4472C4") if beside else ("#4472C4",)
    for col, colour in zip(columns, colours, strict=True):
        chart.add_series(
            {
                "name": [SHEET, header_row, col],
                "categories": [SHEET, first, 0, last, 0],
                "values": [SHEET, first, col, last, col],
                "fill": {"color": colour},
            }
        )
    chart.set_title({"name": "Totals by cost type"})
    chart.set_x_axis({"name": "Cost type"})
    chart.set_y_axis(
        {"name": "Amount", "num_format": "#,##0", "major_gridlines": {"visible": True}}
    )
    chart.set_legend({"position": "bottom"})
    chart.set_size({"width": _CHART_WIDTH, "height": 400})
    sheet.insert_chart(2, 6, chart, {"x_offset": 16})
