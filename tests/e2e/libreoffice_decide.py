"""Fill a review workbook's decision in a real LibreOffice Calc, through its Python UNO bridge.

Run with the system Python that has Debian's python3-uno:
    /usr/bin/python3 libreoffice_decide.py FILE DECISION REASON APPROVER [CODE/TYPE=NOTE ...]
It starts a private headless soffice, types into the cells the defined names point at,
marks flagged lines on the Lines sheet, saves (File > Save: the file's own format, .xlsx)
and quits.

With ``LO_THEN="DECISION|REASON"`` it keeps the workbook open after that first save (its
``.~lock.`` file stays), touches ``LO_SAVED``, waits for the file ``LO_AFTER`` to appear,
then changes the decision, saves again and only then closes: an approver changing their mind.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

# Run as a script: its neighbour is imported by file name, not as tests.e2e.libreoffice_session.
from libreoffice_session import opened  # type: ignore[import-not-found]


def fill(doc: Any, decision: str, reason: str, approver: str) -> None:
    for name, value in (("Decision", decision), ("Reason", reason), ("Approver", approver)):
        cell = doc.NamedRanges.getByName(name).getReferredCells().getCellByPosition(0, 0)
        cell.setString(value)


def wait_for(path: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while not os.path.exists(path):
        if time.monotonic() > deadline:
            raise SystemExit(f"{path} did not appear")
        time.sleep(0.1)


def main(path: str, decision: str, reason: str, approver: str, *flags: str) -> None:
    with opened(path) as doc:
        fill(doc, decision, reason, approver)
        wanted = dict(flag.split("=", 1) for flag in flags)
        lines = doc.Sheets.getByName("Lines")
        header = [lines.getCellByPosition(c, 0).getString() for c in range(12)]
        code, kind = header.index("Cost Code"), header.index("Cost Type")
        line_decision, line_note = header.index("Line Decision"), header.index("Line Note")
        row = 1
        while lines.getCellByPosition(code, row).getString():
            key = (
                f"{lines.getCellByPosition(code, row).getString()}/"
                f"{lines.getCellByPosition(kind, row).getString()}"
            )
            if key in wanted:
                lines.getCellByPosition(line_decision, row).setString("Reject")
                lines.getCellByPosition(line_note, row).setString(wanted[key])
            row += 1
        # store() is File > Save: it keeps the file's format (.xlsx) and, unlike storeToURL,
        # keeps the document open with its .~lock. file, as a person who saves does.
        doc.store()
        then = os.environ.get("LO_THEN")
        if then:
            open(os.environ["LO_SAVED"], "w").close()
            wait_for(os.environ["LO_AFTER"])
            later_decision, later_reason = then.split("|", 1)
            fill(doc, later_decision, later_reason, approver)
            doc.store()


if __name__ == "__main__":
    main(*sys.argv[1:])
