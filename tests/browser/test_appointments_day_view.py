"""The staff day view in Chromium: table with caption and headers, names shown, under axe, in
German and English. The clerk reaches it from the town's start page through the staff login and
the list of offices."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from rathaus.accounts.constants import StaffRole
from rathaus.appointments import services
from rathaus.appointments.models import Office, OfficeService, Slot
from rathaus.tenants.models import Municipality
from tests.browser.harness import assert_accessible

from .helpers_keyboard import activate, submit_form
from .test_appointments_office import office_page

pytestmark = pytest.mark.browser

# The caption: the office and the day, written as the language writes a date.
CAPTION = {
    "de-DE": re.compile(r"^Termine beim Bürgerbüro im Rathaus am \w+, \d{1,2}\. \w+ \d{4}$"),
    "en-GB": re.compile(r"^Appointments at Bürgerbüro im Rathaus on \w+, \d{1,2} \w+ \d{4}$"),
}


def book_next_free_slot(town, office):
    """Book the first free slot two or more days ahead, as a citizen would."""
    service = OfficeService.objects.filter(office=office, is_active=True).first()
    after = timezone.now() + dt.timedelta(days=2)
    for slot in Slot.objects.filter(office=office, start__gte=after).order_by("start")[:200]:
        try:
            hold = services.hold_create(
                municipality=town,
                office=office,
                services=[(service.service_slug, 1)],
                start=slot.start,
            )
        except services.AppointmentError:
            continue
        booking = services.booking_confirm(
            municipality=town, hold_token=hold.token, name="Erika Mustermann", email="e@example.org"
        )
        return services.booking_finalise(
            municipality=town, token=services.confirm_token_make(booking)
        )
    raise AssertionError("the demo office has no bookable slot")


@pytest.mark.parametrize("locale", ["de-DE", "en-GB"])
def test_day_view_is_accessible_and_shows_the_booking(new_page, town_url, locale):
    town = Municipality.objects.get(slug="norderstedt")
    office = Office.objects.get(municipality=town, slug="buergerbuero")
    booking = book_next_free_slot(town, office)
    day = timezone.localtime(booking.start).date()
    base = town_url()
    page = office_page(new_page, base, StaffRole.CLERK, locale=locale)
    activate(page, f"main a[href$='/termine/verwaltung/{office.slug}/tag/']")  # today's
    assert_accessible(page)
    # The booked day in the day field (a date input: filled as the date picker would).
    page.locator("#id_tag").fill(day.isoformat())
    submit_form(page, "main form[method=get]")
    table = page.locator("table.rh-day-view")
    caption = table.locator("caption")
    assert caption.is_visible()
    assert CAPTION[locale].match(caption.inner_text()), caption.inner_text()
    assert table.locator("thead th[scope=col]").count() == 7
    row = table.locator("tr", has_text=booking.code)
    assert row.count() == 1
    assert "Erika Mustermann" in row.inner_text()
    assert_accessible(page)
    assert page.guard.console_errors == []
    # An unreadable day answers 400 (the browser logs that) with the error summary. Typed on
    # purpose: the date field cannot hold an unreadable day, only an edited address can.
    page.goto(base + f"/termine/verwaltung/{office.slug}/tag/?tag=gestern")
    assert page.locator(".rh-error-summary").is_visible()
    assert_accessible(page)
