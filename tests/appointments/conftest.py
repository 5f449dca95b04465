import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from rathaus.appointments import services
from rathaus.appointments.models import (
    BookingPolicy,
    Counter,
    Office,
    OfficeService,
    OpeningHours,
)

TZ = ZoneInfo("Europe/Berlin")
# "Now" in the tests: Monday 8 June 2026, 09:00; appointments are booked for Tuesday.
NOW = dt.datetime(2026, 6, 8, 9, 0, tzinfo=TZ)
TUESDAY = dt.date(2026, 6, 9)
ANMELDUNG = "anmeldung"
AUSWEIS = "personalausweis"


def at(day, hour, minute=0):
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=TZ)


def office_make(municipality, *, slug="rathaus", counters=1, **policy):
    office = Office.objects.create(
        municipality=municipality,
        name=f"Bürgerbüro {municipality.name}",
        slug=slug,
        street="Rathausallee 50",
        postal_code="22846",
        city=municipality.name,
        accessibility_notes="Stufenloser Zugang, Aufzug.",
    )
    for number in range(1, counters + 1):
        Counter.objects.create(municipality=municipality, office=office, name=f"Schalter {number}")
    for weekday in range(5):
        OpeningHours.objects.create(
            municipality=municipality,
            office=office,
            weekday=weekday,
            opens=dt.time(8),
            closes=dt.time(12),
        )
        OpeningHours.objects.create(
            municipality=municipality,
            office=office,
            weekday=weekday,
            opens=dt.time(13),
            closes=dt.time(15),
        )
    OfficeService.objects.create(
        municipality=municipality, office=office, service_slug=ANMELDUNG, duration_minutes=10
    )
    OfficeService.objects.create(
        municipality=municipality, office=office, service_slug=AUSWEIS, duration_minutes=20
    )
    defaults = {
        "slot_minutes": 10,
        "min_days_ahead": 0,
        "max_weeks_ahead": 6,
        "min_notice_minutes": 60,
        "daily_release_time": dt.time(0, 0),
        "hold_minutes": 10,
        "quarantine_minutes": 60,
        "max_bookings_per_email": 2,
    }
    defaults.update(policy)
    BookingPolicy.objects.create(municipality=municipality, office=office, **defaults)
    services.slots_materialise(office=office, first_day=TUESDAY, last_day=TUESDAY)
    return office


@pytest.fixture
def office(norderstedt):
    return office_make(norderstedt)


@pytest.fixture
def rei_office(reinbek):
    return office_make(reinbek, slug="buergerbuero")
