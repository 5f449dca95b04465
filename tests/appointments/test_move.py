"""Moving an appointment by its signed link: the new time is held first, then the old one leaves."""

import datetime as dt
import re

import pytest
from django.test import TestCase
from django.utils import timezone

from rathaus.appointments import services
from rathaus.appointments.constants import BookingStatus, ErrorCode, HoldState
from rathaus.appointments.models import Booking, Hold
from rathaus.appointments.services import AppointmentError
from rathaus.notifications.models import OutboxMessage

from .conftest import AUSWEIS, NOW, TUESDAY, at
from .test_services import finalised, hold, link_token, taken

pytestmark = pytest.mark.django_db


def move_token(booking):
    return link_token("verschieben/" + booking.code)


def move(booking, token, start, now=NOW):
    with TestCase.captureOnCommitCallbacks(execute=True):
        return services.booking_move(
            municipality=booking.municipality, code=booking.code, token=token, start=start, now=now
        )


def test_move_takes_the_new_time_and_quarantines_the_old_one(office):
    booking = finalised(office, at(TUESDAY, 9))
    token = move_token(booking)
    moved = move(booking, token, at(TUESDAY, 10))
    assert moved.start == at(TUESDAY, 10)
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED and booking.start == at(TUESDAY, 10)
    assert booking.hold.state == HoldState.BOOKED
    old = Hold.objects.get(office=office, start=at(TUESDAY, 9))
    assert old.state == HoldState.QUARANTINE
    # The old slot is not free for resale before its quarantine ends; the new one is taken.
    assert taken(office, at(TUESDAY, 9), at(TUESDAY, 10)) == [1, 1]
    assert services.holds_release_quarantined(now=NOW + dt.timedelta(minutes=60)) == 1
    assert taken(office, at(TUESDAY, 9), at(TUESDAY, 10)) == [0, 1]
    mail = OutboxMessage.objects.order_by("-pk").first()
    assert "10:00" in mail.body and booking.code in mail.subject
    # The link keeps working for a second move; the cancel link still fits the booking.
    move(booking, token, at(TUESDAY, 11))
    assert taken(office, at(TUESDAY, 10), at(TUESDAY, 11)) == [1, 1]


def test_a_full_new_time_leaves_the_appointment_untouched(office):
    booking = finalised(office, at(TUESDAY, 9))
    other = hold(office, at(TUESDAY, 10))
    assert other.state == HoldState.ACTIVE
    with pytest.raises(AppointmentError) as refused:
        move(booking, move_token(booking), at(TUESDAY, 10))
    assert refused.value.code == ErrorCode.SLOT_UNAVAILABLE
    booking.refresh_from_db()
    assert booking.start == at(TUESDAY, 9) and booking.hold.state == HoldState.BOOKED
    assert taken(office, at(TUESDAY, 9), at(TUESDAY, 10)) == [1, 1]
    assert Hold.objects.filter(office=office).count() == 2


def test_a_multi_slot_move_is_all_or_nothing(office):
    booking = finalised(office, at(TUESDAY, 9))
    hold(office, at(TUESDAY, 10, 10))  # the second of the two slots a 20-minute case needs
    token = move_token(booking)
    Booking.objects.filter(pk=booking.pk).update()  # nothing else changes the booking
    booking.hold.services = [[AUSWEIS, 1]]
    booking.hold.save(update_fields=["services"])
    with pytest.raises(AppointmentError):
        move(booking, token, at(TUESDAY, 10))
    assert taken(office, at(TUESDAY, 10), at(TUESDAY, 10, 10)) == [0, 1]
    booking.refresh_from_db()
    assert booking.start == at(TUESDAY, 9)


def test_forged_foreign_and_cancel_tokens_do_not_move(office):
    first = finalised(office, at(TUESDAY, 9))
    first_token = move_token(first)
    cancel_token = link_token("absagen/" + first.code)
    second = finalised(office, at(TUESDAY, 10), email="max@example.org")
    for booking, token in (
        (first, first_token + "x"),
        (second, first_token),
        (first, cancel_token),
    ):
        with pytest.raises(AppointmentError) as refused:
            move(booking, token, at(TUESDAY, 11))
        assert refused.value.code == ErrorCode.INVALID_TOKEN
    assert taken(office, at(TUESDAY, 11)) == [0]


def test_a_cancelled_or_past_appointment_cannot_be_moved(office):
    booking = finalised(office, at(TUESDAY, 9))
    token = move_token(booking)
    with pytest.raises(AppointmentError) as late:
        move(booking, token, at(TUESDAY, 11), now=at(TUESDAY, 9, 30))
    assert late.value.code == ErrorCode.NOT_MOVABLE
    services.booking_cancel(
        municipality=office.municipality,
        code=booking.code,
        token=link_token("absagen/" + booking.code),
        now=NOW,
    )
    with pytest.raises(AppointmentError) as cancelled:
        move(booking, token, at(TUESDAY, 11))
    assert cancelled.value.code == ErrorCode.NOT_MOVABLE
    assert taken(office, at(TUESDAY, 11)) == [0]


def test_move_pages_day_then_time(nor_client, office, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: NOW)
    booking = finalised(office, at(TUESDAY, 9))
    url = f"/termine/verschieben/{booking.code}/{move_token(booking)}/"
    page = nor_client.get(url)
    assert page.status_code == 200
    assert TUESDAY.isoformat() in dict(page.context["form"].fields["choice"].choices)
    empty = nor_client.post(url, {})
    assert empty.status_code == 200 and empty.context["form"].errors
    chosen = nor_client.post(url, {"choice": TUESDAY.isoformat()})
    assert chosen.status_code == 302 and chosen["Location"].endswith(f"?tag={TUESDAY}")
    times = nor_client.get(chosen["Location"])
    values = dict(times.context["form"].fields["choice"].choices)
    ten = at(TUESDAY, 10).astimezone(dt.UTC).isoformat()
    assert values[ten] == "10:00"
    with TestCase.captureOnCommitCallbacks(execute=True):
        done = nor_client.post(chosen["Location"], {"choice": ten})
    assert done.status_code == 200 and done.context["done"]
    booking.refresh_from_db()
    assert booking.start == at(TUESDAY, 10)
    assert re.search(
        r"/termine/verschieben/\w+/\S+/", OutboxMessage.objects.order_by("-pk").first().body
    )


def test_move_page_refuses_a_forged_link_and_other_towns(nor_client, rei_client, office):
    booking = finalised(office, at(TUESDAY, 9))
    token = move_token(booking)
    assert nor_client.get(f"/termine/verschieben/{booking.code}/{token}x/").status_code == 404
    assert rei_client.get(f"/termine/verschieben/{booking.code}/{token}/").status_code == 404
