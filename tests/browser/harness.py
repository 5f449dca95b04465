"""Playwright harness: one headless Debian Chromium per session, axe-core for WCAG 2.2 AA.

No browser is ever downloaded: we launch /usr/bin/chromium. Pages are served by pytest-django's
``live_server``; Chromium resolves every ``*.localhost`` name to the loopback address, so
``http://norderstedt.localhost:<port>/`` reaches the test server as Norderstedt.
"""

import os
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
AXE_SOURCE = Path(__file__).resolve().parents[2] / "frontend/node_modules/axe-core/axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]

DESKTOP = {"width": 1280, "height": 800}
NARROW = {"width": 320, "height": 640}


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in this thread, and Django's ORM refuses to run
    # while one exists. The tests themselves are synchronous, so the check only gets in the way
    # while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
            )
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(scope="session")
def server(django_db_setup, request):
    """pytest-django's live server, started only after the test database exists.

    Started earlier, it would see SQLite's ":memory:" name and share one connection between
    threads, which crashes SQLite.
    """
    return request.getfixturevalue("live_server")


@pytest.fixture
def demo_data(transactional_db):
    """The demo towns, catalogue and accounts, committed so the live server thread sees them.

    ``transactional_db`` empties the database again after the test; loading costs a few
    seconds, so browser tests check several pages or viewports each rather than one.
    """
    call_command("load_demo_data", stdout=StringIO())


@pytest.fixture
def town_url(server, demo_data, settings):
    """Base URL of a town's portal on the live server: town_url("norderstedt") + "/leistungen/".

    Links that leave a request (e-mails, PDFs, the payment platform's way back) name the town's
    configured address with ``RATHAUS_PUBLIC_PORT``, as ``make demo`` sets it to its port."""
    port = urlsplit(server.url).port
    settings.RATHAUS_PUBLIC_PORT = str(port)

    def url(slug: str = "norderstedt") -> str:
        return f"http://{slug}.localhost:{port}"

    return url


class PageGuard:
    """Records every request of a page and every console error (CSP violations show up there)."""

    def __init__(self, page, allowed_origin: str):
        self.allowed_origin = allowed_origin
        self.requests: list[str] = []
        self.foreign: list[str] = []
        self.console_errors: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.console_errors.append(str(error)))
        # Anything not for the test server is recorded and aborted, so nothing leaves the machine.
        page.route("**/*", self._route)

    def _console(self, message):
        if message.type == "error":
            self.console_errors.append(message.text)

    def _route(self, route):
        url = route.request.url
        self.requests.append(url)
        split = urlsplit(url)
        if split.scheme in ("data", "blob") or f"{split.scheme}://{split.netloc}" == (
            self.allowed_origin
        ):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()


@pytest.fixture
def new_page(browser, town_url):
    """Factory for pages in fresh contexts: new_page(viewport=NARROW, locale="de-DE")."""
    contexts = []

    def make(*, viewport=DESKTOP, locale="de-DE", slug="norderstedt", origin=None):
        context = browser.new_context(viewport=viewport, locale=locale)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.guard = PageGuard(page, origin or town_url(slug))
        return page

    yield make
    for context in contexts:
        context.close()


def run_axe(page) -> list[dict]:
    """Runs axe-core (WCAG 2.0, 2.1 and 2.2 A and AA rules) on the page and returns its violations.

    The script is evaluated through the DevTools protocol, which the page's CSP does not govern,
    so the page under test keeps its real CSP and axe never has to be served by Rathaus.
    """
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE.read_text(encoding="utf-8"))
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => n.target.join(' ') + ' :: ' + n.failureSummary),
            }));
        }""",
        WCAG_TAGS,
    )


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']}")
        lines.extend(f"    {node}" for node in violation["nodes"][:5])
    return "\n".join(lines)


def assert_accessible(page) -> None:
    violations = run_axe(page)
    assert not violations, f"axe found violations on {page.url}:\n{format_violations(violations)}"


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when it reflows)."""
    return page.evaluate("Math.max(0, document.documentElement.scrollWidth - window.innerWidth)")
