"""Public pages in headless Chromium: WCAG 2.1 AA (axe), reflow at 320 px, keyboard, languages."""

from dataclasses import dataclass

import pytest

from .harness import (
    DESKTOP,
    NARROW,
    assert_accessible,
    format_violations,
    horizontal_overflow,
    run_axe,
)

pytestmark = pytest.mark.browser


@dataclass(frozen=True)
class PublicPage:
    name: str
    path: str
    status: int = 200


PAGES = [
    PublicPage("start page", "/"),
    PublicPage("service list", "/leistungen/"),
    PublicPage("service page", "/leistungen/fuehrungszeugnis/"),
    PublicPage("service search", "/leistungen/suche/?q=ausweis"),
    PublicPage("login", "/konto/anmelden/"),
    PublicPage("registration", "/konto/registrieren/"),
    PublicPage("password reset", "/konto/passwort-vergessen/"),
    PublicPage("imprint", "/impressum/"),
    PublicPage("privacy notice", "/datenschutz/"),
    PublicPage("accessibility statement", "/barrierefreiheit/"),
    PublicPage("Leichte Sprache", "/leichte-sprache/"),
    PublicPage("not found", "/gibt-es-nicht/", status=404),
    PublicPage("demo tools", "/demo/"),
    PublicPage("demo outbox", "/demo/postausgang/"),
]


def switch_language_through_ui(page, *, to: str) -> None:
    """Follows the header's language switch link, as a visitor would."""
    label = {"en": "English", "de": "Deutsch"}[to]
    with page.expect_navigation():
        page.get_by_role("link", name=label).click()
    assert page.get_attribute("html", "lang") == to


def check_page(page, base_url: str, public_page: PublicPage, *, language: str, viewport) -> list:
    problems = []
    response = page.goto(base_url + public_page.path)
    if response.status != public_page.status:
        return [f"HTTP {response.status}, expected {public_page.status}"]
    lang = page.get_attribute("html", "lang")
    if lang != language:
        problems.append(f'<html lang="{lang}">, expected "{language}"')
    if page.locator("h1").count() != 1:
        problems.append(f"{page.locator('h1').count()} h1 elements, expected exactly one")
    violations = run_axe(page)
    if violations:
        problems.append("axe:\n" + format_violations(violations))
    if viewport == NARROW:
        overflow = horizontal_overflow(page)
        if overflow > 0:
            problems.append(f"scrolls horizontally by {overflow}px at 320px width")
    return problems


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280px", "320px"])
@pytest.mark.parametrize("language", ["de", "en"])
def test_public_pages_pass_axe_and_reflow(new_page, town_url, language, viewport):
    page = new_page(viewport=viewport)
    base_url = town_url("norderstedt")
    if language == "en":
        page.goto(base_url + "/")
        switch_language_through_ui(page, to="en")
    failures = {}
    for public_page in PAGES:
        problems = check_page(page, base_url, public_page, language=language, viewport=viewport)
        if problems:
            failures[f"{public_page.name} ({public_page.path})"] = problems
    report = "\n".join(
        f"- {name}:\n    " + "\n    ".join(problems) for name, problems in failures.items()
    )
    assert not failures, f"{len(failures)} page(s) failed ({language}, {viewport}):\n{report}"
    assert not page.guard.foreign


def test_tab_reaches_skip_link_first_and_enter_moves_focus_to_main(new_page, town_url):
    for viewport in (DESKTOP, NARROW):
        page = new_page(viewport=viewport)
        for path in ("/", "/leistungen/", "/konto/anmelden/", "/impressum/"):
            where = f"{path} at {viewport['width']}px"
            page.goto(town_url() + path)
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "(() => { const e = document.activeElement;"
                " return {cls: e.className, href: e.getAttribute('href'),"
                " text: e.textContent.trim()}; })()"
            )
            assert focused == {
                "cls": "rh-skip-link",
                "href": "#main",
                "text": "Zum Hauptinhalt springen",
            }, where
            box = page.locator(".rh-skip-link").bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 0, where
            assert box["x"] + box["width"] <= viewport["width"], where
            page.keyboard.press("Enter")
            assert page.evaluate("document.activeElement.id") == "main", where
            # The next Tab continues inside the main content, not at the top of the page.
            page.keyboard.press("Tab")
            assert page.evaluate("!!document.activeElement.closest('main, footer')"), where


def test_focus_is_clearly_visible(new_page, town_url):
    page = new_page()
    page.goto(town_url() + "/impressum/")
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")  # brand link in the header
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return {style: s.outlineStyle, width: parseFloat(s.outlineWidth)}; })()"
    )
    assert page.evaluate("document.activeElement.classList.contains('rh-brand')")
    assert outline["style"] != "none" and outline["width"] >= 2


def test_no_request_leaves_for_a_third_party_host(new_page, town_url):
    page = new_page()
    for path in ("/", "/leistungen/", "/leistungen/fuehrungszeugnis/", "/konto/anmelden/"):
        page.goto(town_url() + path)
        page.wait_for_load_state("networkidle")
    guard = page.guard
    assert guard.foreign == []
    origin = town_url()
    assert all(url.startswith(origin) for url in guard.requests)
    # Fonts and styles really are loaded, and from Rathaus itself.
    assert any(url.endswith(".woff2") and "/static/kern/fonts/" in url for url in guard.requests)
    assert f"{origin}/static/kern/kern.min.css" in guard.requests
    assert f"{origin}/theme.css" in guard.requests
    # The CSP blocked nothing that the page needs (violations are logged as console errors).
    assert guard.console_errors == []
    assert page.evaluate("document.fonts.check('16px \"Fira Sans\"')")


def test_language_switch_goes_both_ways_and_stays_on_the_page(new_page, town_url):
    page = new_page()
    page.goto(town_url() + "/barrierefreiheit/")
    assert page.locator("h1").inner_text() == "Erklärung zur Barrierefreiheit"
    switch_language_through_ui(page, to="en")
    assert page.url == town_url() + "/barrierefreiheit/"
    assert page.locator("h1").inner_text() == "Accessibility statement"
    page.goto(town_url() + "/impressum/")  # the choice sticks
    assert page.get_attribute("html", "lang") == "en"
    switch_language_through_ui(page, to="de")
    assert page.locator("h1").inner_text() == "Impressum"


def test_town_header_shows_name_and_accent_colour(new_page, town_url):
    page = new_page(slug="reinbek")
    page.goto(town_url("reinbek") + "/")
    assert page.locator(".rh-brand__name").inner_text() == "Stadt Reinbek"
    border = page.evaluate(
        "getComputedStyle(document.querySelector('.rh-header')).borderBottomColor"
    )
    assert border == "rgb(46, 125, 50)"  # #2e7d32 from /theme.css


def test_unknown_host_page(new_page, town_url):
    origin = town_url("unbekannt")
    for locale, lang in (("de-DE", "de"), ("en-GB", "en")):
        for viewport in (DESKTOP, NARROW):
            page = new_page(viewport=viewport, locale=locale, origin=origin)
            response = page.goto(origin + "/")
            assert response.status == 404
            assert page.get_attribute("html", "lang") == lang
            assert_accessible(page)
            assert horizontal_overflow(page) == 0, f"{locale} at {viewport['width']}px"
            assert page.guard.foreign == []
