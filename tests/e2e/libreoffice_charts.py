"""Open a review workbook in a real LibreOffice Calc, report the charts of its Summary sheet
and export the workbook to PDF, through the Python UNO bridge.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_charts.py FILE PDF
It prints one JSON object: ``{"charts": [{"title": ..., "series": [[name, values], ...]}]}``,
each series' name and values as LibreOffice's chart model holds them.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import tempfile
from typing import Any

import uno

# Run as a script: its neighbour is imported by file name, not as tests.e2e.libreoffice_decide.
from libreoffice_decide import connect, prop  # type: ignore[import-not-found]


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
    port = 20000 + os.getpid() % 20000
    profile = tempfile.mkdtemp(prefix="lo-profile-")
    office = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=socket,host=127.0.0.1,port={port};urp;",
        ]
    )
    try:
        ctx = connect(port)
        desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
        url = uno.systemPathToFileUrl(os.path.abspath(path))
        doc = desktop.loadComponentFromURL(url, "_blank", 0, (prop("Hidden", True),))
        report = {"charts": charts(doc)}
        target = uno.systemPathToFileUrl(os.path.abspath(pdf))
        doc.storeToURL(target, (prop("FilterName", "calc_pdf_Export"),))
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
        print(json.dumps(report))
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()


if __name__ == "__main__":
    main(*sys.argv[1:])
