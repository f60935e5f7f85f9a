"""Open a review workbook in a real LibreOffice Calc, report the charts of its Summary sheet
and export the workbook to PDF, through the Python UNO bridge.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_charts.py FILE PDF
It prints one JSON object: ``{"charts": [{"title": ..., "series": [[name, values], ...]}]}``,
each series' name and values as LibreOffice's chart model holds them.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

import uno

# Run as a script: its neighbour is imported by file name, not as tests.e2e.libreoffice_session.
from libreoffice_session import opened, prop  # type: ignore[import-not-found]


def charts(doc: Any) -> list[dict[str, Any]]:
    """The charts embedded in the Summary sheet, with their title and series."""
    found = []
    table_charts = doc.Sheets.getByName("Summary").getCharts()
    for index in range(table_charts.getCount()):
        model = table_charts.getByIndex(index).getEmbeddedObject()
        series = []
        for system in model.getFirstDiagram().getCoordinateSystems():
            for chart_type in system.getChartTypes():
                for one in chart_type.getDataSeries():
                    for sequence in one.getDataSequences():
                        values = sequence.getValues().getData()
                        label = sequence.getLabel().getData()
                        series.append([" ".join(str(x) for x in label), list(values)])
        title = model.getTitleObject()
        text = "".join(part.getString() for part in title.getText()) if title else ""
        found.append({"title": text, "series": series})
    return found


def main(path: str, pdf: str) -> None:
    with opened(path) as doc:
        report = {"charts": charts(doc)}
        target = uno.systemPathToFileUrl(os.path.abspath(pdf))
        doc.storeToURL(target, (prop("FilterName", "calc_pdf_Export"),))
    print(json.dumps(report))


if __name__ == "__main__":
    main(*sys.argv[1:])
