"""A case may hold the appointment booked in its journey: shown on the case, kept when the
appointment is moved, cancelled when the case is withdrawn or rejected."""

import datetime as dt

import pytest
from django.utils import timezone

from rathaus.appointments import services
from rathaus.appointments.constants import BookingStatus
from rathaus.appointments.models import Booking
from rathaus.cases import services as case_services
from rathaus.cases.constants import CaseStatus
from rathaus.cases.plugin import journey_services
from tests.cases.conftest import submitted_make, user_make

from .conftest import ANMELDUNG, TZ, office_make


def _next_weekday(days_ahead: int) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _book(office, day, hour):
    services.slots_materialise(office=office, first_day=day, last_day=day)
    hold = services.hold_create(
        municipality=office.municipality,
        office=office,
        services=[(ANMELDUNG, 1)],
        start=dt.datetime.combine(day, dt.time(hour), tzinfo=TZ),
    )
    booking = services.booking_confirm(
        municipality=office.municipality,
        hold_token=hold.token,
        name="Erika Mustermann",
        email="erika@example.org",
    )
    return services.booking_finalise(
        municipality=office.municipality, token=services.confirm_token_make(booking)
    )


@pytest.fixture
def citizen(db):
    return user_make("erika@example.org")


def test_the_booking_of_a_journey_follows_its_case(norderstedt, reinbek, citizen, nor_client):
    office = office_make(norderstedt)
    day = _next_weekday(3)
    case = submitted_make(municipality=norderstedt, actor=citizen)
    provider = journey_services.get("booking")
    booking = provider.attach(case=case, booking=_book(office, day, 9))

    # Shown on the citizen's case page, with a link to the appointment.
    nor_client.force_login(citizen)
    page = nor_client.get(f"/anliegen/meine/{case.reference}/").content.decode()
    assert office.name in page and f"/termine/termin/{booking.code}/" in page

    # Moved: the same booking, still the case's.
    moved = services.booking_move(
        municipality=norderstedt,
        code=booking.code,
        token=services.move_token_make(booking),
        start=dt.datetime.combine(day, dt.time(10), tzinfo=TZ),
    )
    assert Booking.objects.get(pk=moved.pk).case_id == case.pk

    # Withdrawn: the appointment is cancelled in the same transaction.
    case_services.case_withdraw(case=case, actor=citizen)
    assert case.status == CaseStatus.WITHDRAWN
    assert Booking.objects.get(pk=booking.pk).status == BookingStatus.CANCELLED
    assert provider.for_case(case=case) == []


def test_a_booking_of_another_town_cannot_be_tied_to_a_case(norderstedt, reinbek, citizen):
    office = office_make(reinbek, slug="buergerbuero")
    case = submitted_make(municipality=norderstedt, actor=citizen)
    booking = _book(office, _next_weekday(3), 9)
    with pytest.raises(ValueError):
        journey_services.get("booking").attach(case=case, booking=booking)
    assert Booking.objects.get(pk=booking.pk).case_id is None
