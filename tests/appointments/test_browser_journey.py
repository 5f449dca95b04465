"""Booking journey in headless Chromium, keyboard only, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking
from rathaus.notifications.models import OutboxMessage
from tests.browser.harness import DESKTOP, NARROW, assert_accessible, horizontal_overflow

pytestmark = pytest.mark.browser


def press(page, selector, key="Enter"):
    page.locator(selector).focus()
    page.keyboard.press(key)


def submit(page):
    with page.expect_navigation():
        press(page, "main form button[type=submit]")


@pytest.mark.parametrize("viewport", [DESKTOP, NARROW], ids=["1280", "320"])
def test_book_confirm_and_cancel_by_keyboard(new_page, town_url, settings, viewport):
    settings.RATHAUS_POW_MAX_NUMBER = 2000
    page = new_page(viewport=viewport)
    base = town_url()
    page.goto(base + "/termine/")
    assert_accessible(page)

    # One checkbox per service, then a small select for how many people (1 preselected).
    press(page, "input[name=services][value=anmeldung]", "Space")
    press(page, "input[name=services][value=personalausweis]", "Space")
    submit(page)
    assert page.url.endswith("/termine/anzahl/"), page.locator("main").inner_text()
    assert page.locator("#id_count_anmeldung").input_value() == "1"
    # Two small selects, not a wall of number boxes, and nothing wider than the screen.
    assert page.locator("main select").count() == 2
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    page.locator("#id_count_personalausweis").focus()
    page.keyboard.type("2")  # the select's type-ahead
    assert page.locator("#id_count_personalausweis").input_value() == "2"
    submit(page)
    assert page.url.endswith("/termine/tag/"), page.locator("main").inner_text()
    assert_accessible(page)

    press(page, "#id_choice_0", "Space")
    submit(page)
    assert page.url.endswith("/termine/uhrzeit/")
    # The page solves the proof-of-work in a worker; wait for the answer without evaluating code
    # in the page (the CSP forbids the eval that wait_for_function would need).
    expect(page.locator("#id_challenge")).not_to_have_value("", timeout=30_000)
    assert_accessible(page)
    press(page, "#id_choice_0", "Space")
    submit(page)
    assert page.url.endswith("/termine/angaben/"), page.content()[:2000]
    assert_accessible(page)

    page.locator("#id_name").focus()
    page.keyboard.type("Erika Mustermann")
    page.locator("#id_email").focus()
    page.keyboard.type("erika@example.org")
    submit(page)
    assert page.url.endswith("/termine/gesendet/")
    assert_accessible(page)

    body = OutboxMessage.objects.order_by("-pk").first().body
    # The e-mail names the town's host without the test server's port: follow its path.
    page.goto(base + re.search(r"/termine/bestaetigen/\S+/", body).group(0))
    # Before confirming, the page says which appointment it books.
    assert page.locator("h1").inner_text() == "Termin bestätigen"
    pending = page.locator("main").inner_text()
    assert Booking.objects.get().code in pending and "Bürgerbüro im Rathaus" in pending
    assert "2 × Personalausweis beantragen" in pending
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    submit(page)
    assert page.locator(".kern-alert--success").is_visible()
    assert page.locator("h1").inner_text() == "Ihr Termin ist gebucht"
    booked_page = page.locator("main").inner_text()
    assert "Ihr Termin beim Bürgerbüro im Rathaus am" in booked_page
    assert "Das bringen Sie mit" in booked_page and "Wohnungsgeberbestätigung" in booked_page
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
    assert Booking.objects.get().status == BookingStatus.CONFIRMED

    booked = OutboxMessage.objects.order_by("-pk").first().body
    # The appointment's own page from the e-mail: time, place, code and its QR code.
    page.goto(base + re.search(r"/termine/termin/\S+/", booked).group(0))
    assert Booking.objects.get().code in page.locator("main").inner_text()
    assert page.locator("main svg").count() >= 1
    assert_accessible(page)
    page.goto(base + re.search(r"/termine/absagen/\S+/", booked).group(0))
    assert_accessible(page)
    submit(page)
    assert page.locator(".kern-alert--success").is_visible()
    assert_accessible(page)
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert page.guard.console_errors == []
    assert page.guard.foreign == []


def test_counter_calls_a_ticket_and_the_display_shows_it_within_two_seconds(new_page, town_url):
    from django.test import Client

    from rathaus.appointments import queue
    from rathaus.appointments.models import Counter, Office
    from rathaus.tenants.models import Municipality
    from tests.accounts.factories import login_verified, staff_create

    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    desk = Counter.objects.filter(office=office).order_by("name").first()
    ticket = queue.ticket_walk_in(municipality=town, office_slug=office.slug)
    clerk = staff_create(municipality=town)
    django_client = Client(HTTP_HOST="norderstedt.localhost")
    login_verified(django_client, clerk)
    base = town_url()

    display = new_page()
    display.goto(base + f"/termine/anzeige/{office.slug}/")
    assert_accessible(display)

    counter = new_page()
    counter.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": django_client.cookies["sessionid"].value,
                "url": base,
            }
        ]
    )
    counter.goto(base + f"/termine/schalter/{office.slug}/?schalter={desk.pk}")
    assert_accessible(counter)
    with counter.expect_navigation():
        press(counter, "button[value=call_next]")
    assert counter.locator("main").get_by_text(ticket.number).first.is_visible()
    assert_accessible(counter)

    expect(display.locator("main ol")).to_contain_text(
        f"{ticket.number} → {desk.name}", timeout=2500
    )
    assert display.guard.console_errors == []
