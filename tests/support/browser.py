"""A real browser for the tests of the status page: Debian's Chromium, driven by Playwright
(never a browser Playwright downloads), and where a failed test's screenshot goes."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

from playwright.sync_api import Browser, ConsoleMessage, Page, Request, sync_playwright

CHROMIUM = Path("/usr/bin/chromium")  # Debian's chromium package (scripts/test installs it)
# CI runs as root, where Chromium's sandbox cannot start; no GPU, and /dev/shm may be tiny.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
REPOSITORY = Path(__file__).parents[2]


@contextmanager
def chromium() -> Iterator[Browser]:
    """Headless Chromium from Debian, closed at the end."""
    assert CHROMIUM.is_file(), f"{CHROMIUM} is missing: install Debian's chromium (scripts/test)"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page, and everything it did that a static page must not: console output, script
    errors, and requests for anything but the page itself."""

    page: Page
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def open(self, path: Path) -> None:
        """Load a file by its file:// URL."""
        self.page.goto(path.resolve().as_uri())

    def file_of(self, href: str) -> Path:
        """The file a relative link of the page points to."""
        target = urlparse(urljoin(self.page.url, href))
        assert target.scheme == "file", href
        return Path(unquote(target.path))


def watch(page: Page) -> Watched:
    """Record what the page logs, throws and requests from now on."""
    watched = Watched(page)

    def on_console(message: ConsoleMessage) -> None:
        watched.console.append(f"{message.type}: {message.text}")

    def on_request(request: Request) -> None:
        watched.requests.append(request.url)

    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.errors.append(str(error)))
    page.on("request", on_request)
    return watched


def artifacts() -> Path:
    """Where failed browser tests leave their screenshots (git-ignored by default)."""
    return Path(os.environ.get("BUDGET_ERP_TEST_ARTIFACTS", REPOSITORY / "test-artifacts"))


def screenshot_name(node_id: str) -> str:
    """A file name for a test's screenshot: its id, with what a file name cannot hold replaced."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", node_id).strip("_")[:180] + ".png"
