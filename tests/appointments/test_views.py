"""The pages behind the e-mail links: GET only asks, POST acts; other towns get nothing."""

import pytest
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from rathaus.appointments import services
from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking, Slot

from .conftest import ANMELDUNG, NOW, TUESDAY, at

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_booking(office, monkeypatch):
    hold = services.hold_create(
        municipality=office.municipality,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=at(TUESDAY, 9),
        now=NOW,
    )
    booking = services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name="Erika Mustermann",
        email="erika@example.org",
        now=NOW,
    )
    # The real clock is past the test calendar's day; pin the services' clock to NOW.
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    return booking


def test_confirmation_page_asks_first_and_confirms_on_post(nor_client, held_booking):
    url = reverse("appointments:finalise", args=[services.confirm_token_make(held_booking)])
    page = nor_client.get(url)
    assert page.status_code == 200
    assert b"<form" in page.content and b"kern-btn" in page.content
    assert Booking.objects.get().status == BookingStatus.HELD

    with TestCase.captureOnCommitCallbacks(execute=True):
        done = nor_client.post(url)
    assert done.status_code == 200
    assert held_booking.code.encode() in done.content
    assert Booking.objects.get().status == BookingStatus.CONFIRMED

    again = nor_client.post(url)
    assert again.status_code == 400
    assert b"kern-alert--danger" in again.content


def test_a_forged_confirmation_link_is_refused(nor_client, held_booking):
    url = reverse("appointments:finalise", args=["forged-token"])
    assert nor_client.post(url).status_code == 400
    assert Booking.objects.get().status == BookingStatus.HELD


def test_the_other_town_cannot_use_the_links(rei_client, held_booking):
    confirm_url = reverse("appointments:finalise", args=[services.confirm_token_make(held_booking)])
    assert rei_client.post(confirm_url).status_code == 400
    cancel_url = reverse(
        "appointments:cancel",
        args=[held_booking.code, services.cancel_token_make(held_booking)],
    )
    assert rei_client.post(cancel_url).status_code == 400
    assert Booking.objects.get().status == BookingStatus.HELD


def test_cancel_page_cancels_on_post_only(nor_client, held_booking):
    url = reverse(
        "appointments:cancel", args=[held_booking.code, services.cancel_token_make(held_booking)]
    )
    assert nor_client.get(url).status_code == 200
    assert Booking.objects.get().status == BookingStatus.HELD
    response = nor_client.post(url)
    assert response.status_code == 200
    assert b"kern-alert--success" in response.content
    assert Booking.objects.get().status == BookingStatus.CANCELLED
    assert Slot.objects.get(start=at(TUESDAY, 9)).taken == 1  # quarantine
    assert nor_client.post(url).status_code == 400


def test_pages_are_german_by_default(nor_client, held_booking):
    url = reverse("appointments:finalise", args=[services.confirm_token_make(held_booking)])
    assert "Termin bestätigen" in nor_client.get(url).content.decode()


def test_the_german_catalogue_is_complete():
    from pathlib import Path

    import polib

    import rathaus.appointments

    path = Path(rathaus.appointments.__file__).parent / "locale/de/LC_MESSAGES/django.po"
    catalogue = polib.pofile(str(path))
    assert len(catalogue) > 50
    assert catalogue.untranslated_entries() == []
    assert catalogue.fuzzy_entries() == []


def test_calendar_file_needs_the_signed_token(nor_client, held_booking):
    token = services.cancel_token_make(held_booking)
    url = reverse("appointments:calendar", args=[held_booking.code, token])
    response = nor_client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert text.startswith("BEGIN:VCALENDAR\r\n")
    assert "DTSTART:20260609T070000Z\r\n" in text  # 09:00 in Berlin summer time
    assert "DTEND:20260609T071000Z\r\n" in text
    assert "Erika" not in text and "example.org" not in text
    forged = reverse("appointments:calendar", args=[held_booking.code, token + "x"])
    assert nor_client.get(forged).status_code == 404
