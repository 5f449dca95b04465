"""Demo offices for the two demo towns, with opening hours, services and materialised slots."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from rathaus.tenants.models import Municipality

from . import services
from .models import BookingPolicy, Counter, Office, OfficeService, OpeningHours

# slug of the town → (office slug, office name, counters)
DEMO_OFFICES = {
    "norderstedt": ("buergerbuero", "Bürgerbüro im Rathaus", 4),
    "reinbek": ("buergerbuero", "Bürgerbüro Reinbek", 2),
}
# Catalogue service slug → minutes per case.
DEMO_SERVICES = {
    "anmeldung": 10,
    "ummeldung": 10,
    "abmeldung": 10,
    "meldebescheinigung": 5,
    "fuehrungszeugnis": 10,
    "personalausweis": 20,
    "lichtbild": 5,
}
# Monday–Friday; Thursday with a long afternoon, Friday mornings only.
DEMO_HOURS = {
    0: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(15))],
    1: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(15))],
    2: [(dt.time(8), dt.time(12))],
    3: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(18))],
    4: [(dt.time(8), dt.time(12))],
}


def load(*, stdout=None) -> list[Office]:
    offices = []
    for town in Municipality.objects.filter(slug__in=DEMO_OFFICES):
        slug, name, counters = DEMO_OFFICES[town.slug]
        with transaction.atomic():
            office, _ = Office.objects.update_or_create(
                municipality=town,
                slug=slug,
                defaults={
                    "name": name,
                    "street": town.street,
                    "postal_code": town.postal_code,
                    "city": town.city,
                    "accessibility_notes": "Stufenloser Zugang über den Haupteingang, Aufzug, "
                    "barrierefreies WC im Erdgeschoss.",
                },
            )
            for number in range(1, counters + 1):
                Counter.objects.get_or_create(
                    municipality=town, office=office, name=f"Schalter {number}"
                )
            for service_slug, minutes in DEMO_SERVICES.items():
                OfficeService.objects.update_or_create(
                    municipality=town,
                    office=office,
                    service_slug=service_slug,
                    defaults={"duration_minutes": minutes},
                )
            if not OpeningHours.objects.filter(office=office).exists():
                OpeningHours.objects.bulk_create(
                    OpeningHours(
                        municipality=town, office=office, weekday=day, opens=opens, closes=closes
                    )
                    for day, intervals in DEMO_HOURS.items()
                    for opens, closes in intervals
                )
            BookingPolicy.objects.get_or_create(
                municipality=town,
                office=office,
                defaults={"slot_minutes": 10, "min_days_ahead": 1, "max_weeks_ahead": 6},
            )
        offices.append(office)
    written = services.slots_materialise_all()
    if stdout is not None:
        stdout.write(f"appointments: {len(offices)} offices, {written} slots written\n")
    return offices


def login_lines(*, host: str, port: str) -> list[str]:
    base = f"http://norderstedt.localhost:{port}"
    return [
        "Appointments (Norderstedt):",
        f"  Book          {base}/termine/",
        f"  Check-in      {base}/termine/einchecken/buergerbuero/",
        f"  Wait ticket   {base}/termine/wartenummer/buergerbuero/",
        f"  Call display  {base}/termine/anzeige/buergerbuero/",
        f"  Counter       {base}/termine/schalter/buergerbuero/  (staff login)",
    ]
