"""Office pages in Chromium: call display sound toggle, statistics and check-in, under axe."""

import pytest
from django.test import Client
from playwright.sync_api import expect

from rathaus.accounts.constants import StaffRole
from rathaus.appointments import queue
from rathaus.appointments.models import Counter, Office
from rathaus.tenants.models import Municipality
from tests.accounts.factories import login_verified, staff_create
from tests.browser.harness import assert_accessible

pytestmark = pytest.mark.browser


def staff_page(new_page, base, user):
    django_client = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(django_client, user)
    page = new_page()
    page.context.add_cookies(
        [{"name": "sessionid", "value": django_client.cookies["sessionid"].value, "url": base}]
    )
    return page


def test_call_display_sound_toggles_by_keyboard_and_calls_still_show(new_page, town_url):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    desk = Counter.objects.filter(office=office).order_by("name").first()
    base = town_url()
    display = new_page()
    display.goto(base + f"/termine/anzeige/{office.slug}/")
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


def test_statistics_and_check_in_pages_are_accessible(new_page, town_url):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    base = town_url()
    lead = staff_create(municipality=town, role=StaffRole.TEAM_LEAD)
    page = staff_page(new_page, base, lead)
    page.goto(base + f"/termine/statistik/{office.slug}/")
    assert page.locator("table.kern-table caption").is_visible()
    assert_accessible(page)
    page.goto(base + f"/termine/statistik/{office.slug}/?tag=gestern")
    assert page.locator(".rh-error-summary").is_visible()
    assert_accessible(page)

    kiosk = new_page()
    kiosk.goto(base + f"/termine/einchecken/{office.slug}/")
    # A scanner types into the focused field: the code field has the focus on arrival.
    assert kiosk.evaluate("document.activeElement.name") == "code"
    assert_accessible(kiosk)
    kiosk.keyboard.type("NOPE2345")
    with kiosk.expect_navigation():
        kiosk.keyboard.press("Enter")
    assert kiosk.locator(".rh-error-summary").is_visible()
    assert_accessible(kiosk)
