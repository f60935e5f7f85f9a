"""A private headless LibreOffice with one workbook open, for the scripts that drive Calc
through its Python UNO bridge (libreoffice_decide, libreoffice_edit, libreoffice_charts).

Imported by those scripts by file name; they run under the system Python with python3-uno.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from typing import Any

import uno
from com.sun.star.beans import PropertyValue

# UNO objects (documents, cells, the component context) are Any: the bridge has no types.


def prop(name: str, value: object) -> Any:
    """A UNO PropertyValue, as the API's load and store options want them."""
    item = PropertyValue()
    item.Name, item.Value = name, value
    return item


def connect(port: int) -> Any:
    """The component context of the soffice listening on ``port``, once it answers."""
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    for _ in range(150):
        try:
            return resolver.resolve(
                f"uno:socket,host=127.0.0.1,port={port};urp;StarOffice.ComponentContext"
            )
        except Exception:  # not listening yet: soffice is still starting
            time.sleep(0.2)
    raise SystemExit("LibreOffice did not start")


def _free_port() -> int:
    """A port nobody listens on now, from the kernel (tests run side by side, and a port
    made of the pid could be one a test's database server took)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def opened(path: str) -> Iterator[Any]:
    """``path`` open, hidden, in a soffice of its own (its own profile and port); on leaving
    normally the document is closed and soffice quits; soffice never outlives the block."""
    port = _free_port()
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
        yield doc
        doc.close(True)
        with contextlib.suppress(Exception):  # the bridge drops as soffice exits
            desktop.terminate()
    finally:
        try:
            office.wait(timeout=30)
        except subprocess.TimeoutExpired:
            office.kill()
