"""The URL walk: every route of the URL configuration (outside the API and the Django admin) is
visited as its visitor would visit it — anonymous, the citizen or a clerk — in German and English.
Every HTML page passes axe (WCAG 2.0/2.1/2.2 A and AA) at 1280 and 320 px, reflows at 320 px and
has nothing cut off at 200 % zoom (1280 px at 200 % is 640 CSS px). Files, redirects and POST-only
routes answer as declared. A route without an entry in ``route_fixtures.ROUTES`` fails the first
test, so a new route comes with its visit.
"""

from __future__ import annotations

from io import StringIO
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.core.management import call_command
from django.test import Client

from rathaus.accounts.models import User, email_digest
from rathaus.elections.views import CONFIRMATION_COOKIE, CONFIRMATION_SALT
from rathaus.web.views import SESSION_FEEDBACK_REFERENCE
from tests.accounts.factories import login_verified

from . import route_fixtures
from .harness import (
    AXE_SOURCE,
    DESKTOP,
    NARROW,
    PageGuard,
    format_violations,
    horizontal_overflow,
    run_axe,
)
from .route_fixtures import (
    ANONYMOUS,
    CITIZEN,
    CITIZEN_EMAIL,
    CLERK,
    PAGE,
    ROUTES,
    route_names,
)

HOST = "norderstedt.localhost"
ZOOMED = {"width": 640, "height": 400}  # 1280 x 800 at 200 %
LANGUAGES = ["de", "en"]


def test_every_route_has_a_visit():
    names = route_names()
    missing = sorted(names - ROUTES.keys())
    stale = sorted(ROUTES.keys() - names)
    assert not missing, f"routes without an entry in tests/browser/route_fixtures.py: {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


def _applied_cookie(fixtures: dict[str, str]) -> str:
    signer = signing.get_cookie_signer(salt=CONFIRMATION_COOKIE + CONFIRMATION_SALT)
    return signer.sign(fixtures["application"])


def _session_client(who: str, fixtures: dict[str, str]) -> Client:
    client = Client(HTTP_HOST=HOST)
    if who == CITIZEN:
        client.force_login(User.objects.get(email_digest=email_digest(CITIZEN_EMAIL)))
        session = client.session
        session[SESSION_FEEDBACK_REFERENCE] = fixtures["case"]
        session.save()
        # The postal-vote confirmation is shown to the browser that applied (a signed cookie).
        client.cookies[CONFIRMATION_COOKIE] = _applied_cookie(fixtures)
    elif who == CLERK:
        login_verified(client, route_fixtures.demo_staff_admin()[0])
    return client


def _visits(who: str, fixtures: dict[str, str]):
    for name, visit in sorted(ROUTES.items()):
        if visit.who == who:
            yield name, visit, visit.path.format(**fixtures)


@pytest.fixture
def walk_data(transactional_db, settings, tmp_path):
    settings.PRIVATE_STORAGE_ROOT = tmp_path / "private"
    call_command("load_demo_data", stdout=StringIO())
    return route_fixtures.build()


@pytest.mark.browser  # loads the demo data: with the browser tests, not in ``make test-fast``
def test_every_route_answers_as_declared(walk_data):
    """The same table over plain HTTP (fast, no browser): status and content type."""
    problems = []
    for who in (ANONYMOUS, CITIZEN, CLERK):
        client = _session_client(who, walk_data)
        for name, visit, path in _visits(who, walk_data):
            # A page may arrive through a redirect (a reset link moves its token off the URL).
            response = client.get(path, follow=visit.kind == PAGE)
            content_type = response.get("Content-Type", "")
            if response.status_code != visit.status:
                problems.append(f"{name} {path}: HTTP {response.status_code}, not {visit.status}")
            elif visit.status == 200 and not content_type.startswith(visit.content_type):
                problems.append(f"{name} {path}: {content_type}, not {visit.content_type}")
    assert not problems, "\n".join(problems)


def _page_problems(page, url: str, visit) -> list[str]:
    problems = []
    response = page.goto(url)
    if response is None or response.status != visit.status:
        return [f"HTTP {response.status if response else '-'}, expected {visit.status}"]
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 elements")
    for viewport, label in ((DESKTOP, "1280"), (NARROW, "320")):
        page.set_viewport_size(viewport)
        violations = run_axe(page)
        if violations:
            problems.append(f"axe at {label} px:\n" + format_violations(violations))
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"scrolls sideways by {overflow}px at 320 px")
    page.set_viewport_size(ZOOMED)
    overflow = horizontal_overflow(page)
    if overflow:
        problems.append(f"cut off at 200 % zoom: {overflow}px wider than the window")
    page.set_viewport_size(DESKTOP)
    if page.guard.console_errors:
        problems.append(f"console errors: {page.guard.console_errors}")
        page.guard.console_errors.clear()
    return problems


def _walk(browser, base: str, walk_data, language: str) -> dict[str, list[str]]:
    failures: dict[str, list[str]] = {}
    for who in (ANONYMOUS, CITIZEN, CLERK):
        # One browser context per visitor: its session and language cookies for every visit.
        context = browser.new_context(viewport=DESKTOP, locale=f"{language}-DE")
        # axe comes with every page (through DevTools, not the page's CSP): one transfer, not 180.
        context.add_init_script(AXE_SOURCE.read_text(encoding="utf-8"))
        cookies = [{"name": "django_language", "value": language, "url": base}]
        if who != ANONYMOUS:
            session = _session_client(who, walk_data).cookies["sessionid"].value
            cookies.append({"name": "sessionid", "value": session, "url": base})
            if who == CITIZEN:
                value = _applied_cookie(walk_data)
                cookies.append({"name": CONFIRMATION_COOKIE, "value": value, "url": base})
        context.add_cookies(cookies)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.guard = PageGuard(page, base)
        try:
            for name, visit, path in _visits(who, walk_data):
                # Files, redirects and POST-only routes: test_every_route_answers_as_declared.
                if visit.kind != PAGE:
                    continue
                problems = _page_problems(page, base + path, visit)
                lang = page.get_attribute("html", "lang")
                if not problems and lang != language:
                    problems.append(f'<html lang="{lang}">')
                if problems:
                    failures[f"{name} ({language}, {who}, {path})"] = problems
            if page.guard.foreign:
                failures[f"requests to other hosts ({language}, {who})"] = page.guard.foreign
        finally:
            context.close()
    return failures


def test_route_walk(browser, server, walk_data, settings):
    port = urlsplit(server.url).port
    settings.RATHAUS_PUBLIC_PORT = str(port)
    base = f"http://{HOST}:{port}"
    failures: dict[str, list[str]] = {}
    for language in LANGUAGES:
        failures |= _walk(browser, base, walk_data, language)
    report = "\n".join(
        f"- {name}:\n    " + "\n    ".join(problems) for name, problems in failures.items()
    )
    assert not failures, f"{len(failures)} visits fail:\n{report}"
