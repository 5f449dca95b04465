"""The Bürgerterminal in Chromium, keyboard only, with axe on every page: enrolment, the start
screen at 1280 and 320 px with high contrast and larger text, a Wartenummer, a draft, and what
the next visitor finds after "Fertig" and after the idle countdown (nothing, also in the history).
After the enrolment every page is reached from the start screen by keyboard, as a visitor would.
The visit itself runs in German and, chosen with the start screen's language switch, in English.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from rathaus.appointments.models import Office
from rathaus.cases.constants import CaseStatus
from rathaus.cases.models import Case
from rathaus.kiosk.constants import DEVICE_COOKIE
from rathaus.kiosk.models import Terminal
from rathaus.kiosk.services import terminal_enrolment_code_issue, terminal_revoke
from rathaus.tenants.models import Municipality

from .harness import NARROW, assert_accessible, horizontal_overflow
from .helpers_keyboard import (
    activate,
    assert_error_summary_focused,
    checked_page,
    main_text,
    submit_form,
    tab_to,
    type_into,
)

pytestmark = pytest.mark.browser

KEY = "allgemeines-anliegen"
SECRET = "Bank am Teich"

# What the visitor reads, in the language chosen on the start screen.
TEXTS = {
    "de": {
        "done": "Fertig",
        "check_in_refused": "Mit diesem Buchungscode ist hier und jetzt keine Anmeldung möglich.",
        "waiting_number": "Ihre Wartenummer",
        "first_page": "Ihr Anliegen",
    },
    "en": {
        "done": "Done",
        "check_in_refused": "Check-in is not possible for this booking code here and now.",
        "waiting_number": "Your waiting number",
        "first_page": "Your request",
    },
}


def enrolled_page(new_page, base: str, **page_options):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    terminal = Terminal.objects.create(municipality=town, name="Foyer", office=office)
    code = terminal_enrolment_code_issue(terminal=terminal, actor=None)
    page = new_page(**page_options)
    # Staff enrol a device at its enrolment address, which no public page links; from here on
    # the terminal is used as a visitor uses it.
    page.goto(base + "/terminal/einrichten/")
    checked_page(page)
    type_into(page, "#id_code", code)
    submit_form(page)
    assert page.url.endswith("/terminal/"), main_text(page)
    return page


def press_done(page) -> None:
    """'Fertig', reached from the top of the page with Tab, as a keyboard user would."""
    page.locator("body").focus()
    tab_to(page, "[data-kiosk-done] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()


def session_cookie(page) -> str:
    return next((c["value"] for c in page.context.cookies() if c["name"] == "sessionid"), "")


def start_screen(page) -> None:
    """The terminal's start screen, through the town's name in the header."""
    activate(page, "header a.rh-brand")
    assert page.url.endswith("/terminal/"), page.url
    checked_page(page)


def switch_language(page) -> None:
    """The start screen's language switch, reached with Tab and pressed with Enter."""
    page.locator("body").focus()
    tab_to(page, "a[data-language-switch]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state()
    checked_page(page)


def start_general_request(page, *, first_page: str | None = None) -> None:
    """From the start screen: the general request's tile, then "Start now"."""
    activate(page, f"main a.rh-kiosk-tile[href$='/anliegen/{KEY}/start/']")
    checked_page(page)
    activate(page, "main form button[type=submit]")
    checked_page(page)
    if first_page is not None:
        assert page.locator("h1").inner_text() == first_page
    type_into(page, "#id_subject", SECRET)
    type_into(page, "#id_message", "Die Bank am Stadtparkteich ist beschädigt.")
    submit_form(page)
    assert page.url.endswith("/kontakt/"), page.url
    checked_page(page)


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_visit_and_fertig_leave_nothing_for_the_next_visitor(new_page, town_url, language):
    texts = TEXTS[language]
    base = town_url()
    page = enrolled_page(new_page, base)  # a German terminal: the browser's locale is de-DE
    if language != "de":
        switch_language(page)
    assert page.get_attribute("html", "lang") == language
    assert page.locator("h1").count() == 1
    assert page.locator("[data-kiosk-done] button").inner_text() == texts["done"]
    assert page.locator("a[data-rh-unlinked], a[href^=mailto], a[href^=tel]").count() == 0
    checked_page(page)

    # A check-in with a wrong code: the error summary takes focus; the field is not remembered.
    activate(page, "a[href='/terminal/einchecken/']")
    checked_page(page)
    assert page.locator("form").first.get_attribute("autocomplete") == "off"
    type_into(page, "#id_code", "NOPE2345")
    submit_form(page)
    assert_error_summary_focused(page)
    assert texts["check_in_refused"] in main_text(page)
    checked_page(page)

    # A waiting number from the start screen, then a draft of an online request.
    start_screen(page)
    tab_to(page, "form[action='/terminal/wartenummer/'] button")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    checked_page(page)
    assert page.locator("h1").inner_text() == texts["waiting_number"]
    number = page.locator(".rh-kiosk-ticket-number").inner_text()
    assert number.startswith("W")
    assert page.locator("[data-kiosk-print]").is_visible()
    start_screen(page)
    start_general_request(page, first_page=texts["first_page"])
    assert page.get_attribute("html", "lang") == language  # the choice lasts the whole visit
    assert Case.objects.filter(status=CaseStatus.DRAFT).count() == 1
    before = session_cookie(page)

    press_done(page)
    assert page.url.endswith("/terminal/?ende=fertig")
    checked_page(page)
    # The next visitor meets the terminal in German again, told that everything was deleted.
    assert page.get_attribute("html", "lang") == "de"
    assert "gelöscht" in main_text(page)
    assert Case.objects.filter(status=CaseStatus.DRAFT).count() == 0
    assert session_cookie(page) != before or session_cookie(page) == ""

    # The history shows nothing of the visit: each page is asked for again and is gone.
    for _ in range(4):
        page.go_back()
        page.wait_for_load_state()
        text = main_text(page)
        assert SECRET not in text and number not in text, page.url
        for field in page.locator("input:not([type=hidden]), textarea").all():
            assert field.input_value() == "", page.url
    assert DEVICE_COOKIE in {c["name"] for c in page.context.cookies()}


def test_start_screen_at_320_px_with_contrast_and_larger_text(new_page, town_url):
    base = town_url()
    page = enrolled_page(new_page, base, viewport=NARROW)
    assert horizontal_overflow(page) == 0
    for setting in ("contrast", "large_text"):
        button = f"form:has(input[value={setting}]) button"
        tab_to(page, button)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.locator(button).get_attribute("aria-pressed") == "true"
        checked_page(page)
        assert horizontal_overflow(page) == 0
    classes = page.get_attribute("html", "class")
    assert "rh-kiosk--contrast" in classes and "rh-kiosk--large-text" in classes

    # The language switch is on the start screen; "Fertig" takes the choice away again.
    tab_to(page, "a[data-language-switch]")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_attribute("html", "lang") == "en"
    checked_page(page)
    press_done(page)
    assert page.get_attribute("html", "lang") == "de"
    assert page.get_attribute("html", "class") == "rh-kiosk"


def test_after_two_quiet_minutes_the_countdown_ends_the_visit(new_page, town_url, settings):
    # Two minutes in service; seconds here, so the test waits for the real countdown.
    settings.RATHAUS_KIOSK_IDLE_SECONDS = 6
    settings.RATHAUS_KIOSK_COUNTDOWN_SECONDS = 4
    base = town_url()
    page = enrolled_page(new_page, base)
    checked_page(page)
    start_general_request(page)

    # The countdown shows and speaks; a key press cancels it.
    panel = page.locator("[data-kiosk-panel]")
    expect(panel).to_be_visible(timeout=5000)
    expect(page.locator("[data-kiosk-live]")).not_to_have_text("")
    assert_accessible(page)
    page.keyboard.press("Shift")
    expect(panel).to_be_hidden()
    assert page.url.endswith("/kontakt/")

    # Without input the page ends the session by itself.
    page.wait_for_url("**/terminal/?ende=zeit", timeout=12_000)
    checked_page(page)
    assert Case.objects.filter(status=CaseStatus.DRAFT).count() == 0
    page.go_back()
    page.wait_for_load_state()
    assert SECRET not in main_text(page)


def test_staff_pages_are_refused_and_a_revoked_terminal_is_the_normal_site(new_page, town_url):
    base = town_url()
    page = enrolled_page(new_page, base)
    # Typed on purpose: the terminal must refuse the back office even when its address is typed.
    response = page.goto(base + "/verwaltung/")
    assert response.status == 403
    assert page.locator("h1").inner_text() == "An diesem Terminal nicht verfügbar"
    assert_accessible(page)  # (a 403 is logged to the console, so not checked_page)
    terminal = Terminal.objects.get(name="Foyer")
    terminal_revoke(terminal=terminal, actor=None)
    page.goto(base + "/")  # the town's start page, the visitor's entry
    assert page.locator("[data-kiosk-done]").count() == 0
    assert page.locator("footer a[href='/impressum/']").count() == 1
    assert DEVICE_COOKIE not in {c["name"] for c in page.context.cookies()}
