"""Office pages in Chromium: call display sound toggle, statistics and check-in, under axe, in
German and English. Staff reach them from the town's start page through the staff login and
"Appointments and counters"."""

import re

import pytest
from playwright.sync_api import expect

from rathaus.accounts.constants import StaffRole
from rathaus.accounts.demo import DEMO_STAFF, STAFF_PASSWORD
from rathaus.appointments import queue
from rathaus.appointments.models import Counter, Office
from rathaus.tenants.models import Municipality
from tests.accounts.factories import staff_create
from tests.browser.harness import assert_accessible

from .helpers_keyboard import activate
from .helpers_navigation import follow, staff_log_in_from_start

pytestmark = pytest.mark.browser

# The statistics' caption: the office on the day, written as the language writes a date.
CAPTION = {
    "de-DE": re.compile(r"^Bürgerbüro im Rathaus am \w+, \d{1,2}\. \w+ \d{4}$"),
    "en-GB": re.compile(r"^Bürgerbüro im Rathaus on \w+, \d{1,2} \w+ \d{4}$"),
}


def office_page(new_page, base, role, **page_options):
    """A demo member of staff of Norderstedt (``role``), logged in from the start page, on the
    back office's list of offices."""
    _slug, _role, email, _given, _family, key = next(
        row for row in DEMO_STAFF if row[0] == "norderstedt" and row[1] == role
    )
    page = new_page(**page_options)
    staff_log_in_from_start(page, base, email=email, password=STAFF_PASSWORD, hex_key=key)
    follow(page, "header nav a[href$='/verwaltung/termine/']")  # "Appointments and counters"
    locale = page_options.get("locale", "de-DE")
    assert page.evaluate("document.documentElement.lang") == locale[:2]
    return page


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_call_display_sound_toggles_by_keyboard_and_calls_still_show(new_page, town_url, locale):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    desk = Counter.objects.filter(office=office).order_by("name").first()
    base = town_url()
    display = office_page(new_page, base, StaffRole.CLERK, locale=locale)
    activate(display, f"main a[href$='/termine/anzeige/{office.slug}/']")  # "Call display"
    button = display.locator("button[data-call-sound]")
    assert button.get_attribute("aria-pressed") == "false"  # off by default
    assert_accessible(display)

    button.focus()
    display.keyboard.press("Enter")
    assert button.get_attribute("aria-pressed") == "true"
    assert_accessible(display)

    ticket = queue.ticket_walk_in(municipality=town, office_slug=office.slug)
    clerk = staff_create(municipality=town)
    queue.ticket_call_next(
        actor=clerk, municipality=town, office_slug=office.slug, counter_id=desk.pk
    )
    expect(display.locator("main ol")).to_contain_text(
        f"{ticket.number} → {desk.name}", timeout=2000
    )
    # The tone was played for the new call (the audio context was allowed by the key press).
    # Locator assertions poll without evaluating code in the page, which the CSP would block.
    expect(display.locator("html")).to_have_attribute("data-call-sound-played", "1")

    display.keyboard.press("Space")
    assert button.get_attribute("aria-pressed") == "false"
    assert display.guard.console_errors == []


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_statistics_and_check_in_pages_are_accessible(new_page, town_url, locale):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    base = town_url()
    page = office_page(new_page, base, StaffRole.TEAM_LEAD, locale=locale)
    activate(page, f"main a[href$='/termine/statistik/{office.slug}/']")  # "Figures of the day"
    caption = page.locator("table.kern-table caption")
    assert caption.is_visible()
    assert CAPTION[locale].match(caption.inner_text()), caption.inner_text()
    assert_accessible(page)
    # Typed on purpose: the date field cannot hold an unreadable day, only an edited address can.
    page.goto(base + f"/termine/statistik/{office.slug}/?tag=gestern")
    assert page.locator(".rh-error-summary").is_visible()
    assert_accessible(page)

    # The office's check-in terminal, opened from the list of offices (it needs no login).
    # (activate, not follow: the 400 above is in this page's console log.)
    kiosk = page
    activate(kiosk, "header nav a[href$='/verwaltung/termine/']")
    activate(kiosk, f"main a[href$='/termine/einchecken/{office.slug}/']")
    # A scanner types into the focused field: the code field has the focus on arrival.
    assert kiosk.evaluate("document.activeElement.name") == "code"
    assert_accessible(kiosk)
    kiosk.keyboard.type("NOPE2345")
    with kiosk.expect_navigation():
        kiosk.keyboard.press("Enter")
    assert kiosk.locator(".rh-error-summary").is_visible()
    assert_accessible(kiosk)
