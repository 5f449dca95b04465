"""Data, release and database check for the appointment release storm (scenario release_storm).

Run inside the benchmark server's environment (its database and keys)::

    python -m bench.lib.release_storm_seed seed --details-file var/bench/release_storm.json
    python -m bench.lib.release_storm_seed release --at 2026-11-25T14:03:07+01:00 \
        --details-file var/bench/release_storm.json
    python -m bench.lib.release_storm_seed verify

``seed`` sets up two offices of Norderstedt through the application's own models and services:

* ``sturm``: one counter, open every day 08:00–18:00, 3-minute slots, one service of 3 minutes,
  booking window of one week. The day one week ahead is materialised (200 slots of capacity 1)
  but is not bookable yet: the daily release time is set to the end of the day.
* ``dauer``: one counter, open every day 07:00–19:00, 2-minute slots, window of 22 weeks,
  released already; at least 50,000 free slots are materialised.

``release`` moves the storm office's daily release time to the given instant: from then on the
booking window includes the storm day, exactly as it does each morning in production. The storm
day is the one the window reaches at that instant, a week after the instant's day in Berlin; when
midnight passed since the seed (or the instant is after the next midnight), the storm office's
200 slots move to that day and the details file is updated, so the storm may run at any time of
day, across midnight too.

``verify`` counts from the database, independently of the ``taken`` counter: for every slot the
units of the live holds (active, booked, quarantine) that cover it, against its capacity.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys

STORM_OFFICE = "sturm"
STORM_SERVICE = "personalausweis"
STORM_SLOTS = 200
SUSTAINED_OFFICE = "dauer"
SUSTAINED_SERVICE = "anmeldung"
SUSTAINED_SLOTS = 50_000
TOWN = "norderstedt"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()


def _office(town, *, slug, name, opens, closes, slot_minutes, service, weeks, release):
    from rathaus.appointments.models import (
        BookingPolicy,
        Counter,
        Office,
        OfficeService,
        OpeningHours,
    )

    office = Office.objects.create(municipality=town, name=name, slug=slug, city=town.name)
    Counter.objects.create(municipality=town, office=office, name="Schalter 1")
    for weekday in range(7):
        OpeningHours.objects.create(
            municipality=town, office=office, weekday=weekday, opens=opens, closes=closes
        )
    OfficeService.objects.create(
        municipality=town, office=office, service_slug=service, duration_minutes=slot_minutes
    )
    BookingPolicy.objects.create(
        municipality=town,
        office=office,
        slot_minutes=slot_minutes,
        min_days_ahead=0,
        max_weeks_ahead=weeks,
        min_notice_minutes=0,
        daily_release_time=release,
        hold_minutes=60,
        quarantine_minutes=60,
    )
    return office


def seed(details_file: str, sustained_days: int = 145) -> dict:
    _setup()
    from django.db import transaction
    from django.utils import timezone

    from rathaus.appointments.models import Slot
    from rathaus.appointments.services import slots_materialise
    from rathaus.appointments.slots import TZ
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug=TOWN)
    today = timezone.now().astimezone(TZ).date()
    storm_day = today + dt.timedelta(weeks=1)
    with transaction.atomic():
        storm = _office(
            town,
            slug=STORM_OFFICE,
            name="Bürgerbüro Sturm",
            opens=dt.time(8),
            closes=dt.time(18),
            slot_minutes=3,
            service=STORM_SERVICE,
            weeks=1,
            release=dt.time(23, 59, 59),
        )
        slots_materialise(office=storm, first_day=storm_day, last_day=storm_day)
        sustained = _office(
            town,
            slug=SUSTAINED_OFFICE,
            name="Bürgerbüro Dauerlast",
            opens=dt.time(7),
            closes=dt.time(19),
            slot_minutes=2,
            service=SUSTAINED_SERVICE,
            weeks=22,
            release=dt.time(0),
        )
        first = today + dt.timedelta(days=1)
        # 360 slots a day; a few more days for the public holidays of Schleswig-Holstein.
        last = first + dt.timedelta(sustained_days)
        slots_materialise(office=sustained, first_day=first, last_day=last)
    storm_starts = [
        s.astimezone(TZ).isoformat()
        for s in Slot.objects.filter(office=storm).values_list("start", flat=True)
    ]
    if len(storm_starts) != STORM_SLOTS:
        raise SystemExit(f"storm day {storm_day} has {len(storm_starts)} slots, not {STORM_SLOTS}")
    sustained_starts = [
        s.astimezone(TZ).isoformat()
        for s in Slot.objects.filter(office=sustained)
        .order_by("start")
        .values_list("start", flat=True)
    ]
    if sustained_days == 145 and len(sustained_starts) < SUSTAINED_SLOTS:
        raise SystemExit(f"only {len(sustained_starts)} sustained slots")
    details = {
        "storm": {
            "office": STORM_OFFICE,
            "service": STORM_SERVICE,
            "day": storm_day.isoformat(),
            "starts": storm_starts,
        },
        "sustained": {
            "office": SUSTAINED_OFFICE,
            "service": SUSTAINED_SERVICE,
            "first_day": first.isoformat(),
            "starts": sustained_starts,
        },
    }
    with open(details_file, "w") as handle:
        json.dump(details, handle)
    print(
        f"seeded {len(storm_starts)} storm slots on {storm_day} (not yet released) and "
        f"{len(sustained_starts)} free slots for the sustained phase"
    )
    return details


def release(at: str, details_file: str | None = None) -> None:
    """Make the storm day bookable from ``at`` on (same clock as the server), with the storm day
    one week after ``at``'s day (see the module's docstring)."""
    _setup()
    from django.db import transaction

    from rathaus.appointments.models import BookingPolicy, Office, Slot
    from rathaus.appointments.services import slots_materialise
    from rathaus.appointments.slots import TZ

    moment = dt.datetime.fromisoformat(at).astimezone(TZ)
    storm_day = moment.date() + dt.timedelta(weeks=1)
    office = Office.objects.filter(slug=STORM_OFFICE, municipality__slug=TOWN).first()
    if office is None:
        raise SystemExit("storm office not found")
    slots = Slot.objects.filter(office=office, municipality_id=office.municipality_id)
    with transaction.atomic():
        BookingPolicy.objects.filter(office=office).update(
            daily_release_time=moment.time().replace(microsecond=0)
        )
        days = {start.astimezone(TZ).date() for start in slots.values_list("start", flat=True)}
        if days != {storm_day}:
            if slots.filter(taken__gt=0).exists():
                raise SystemExit("the storm office's slots are taken already")
            slots.delete()
            slots_materialise(office=office, first_day=storm_day, last_day=storm_day)
    starts = [
        start.astimezone(TZ).isoformat()
        for start in slots.order_by("start").values_list("start", flat=True)
    ]
    if len(starts) != STORM_SLOTS:
        raise SystemExit(f"storm day {storm_day} has {len(starts)} slots, not {STORM_SLOTS}")
    if details_file:
        with open(details_file) as handle:
            details = json.load(handle)
        details["storm"].update(day=storm_day.isoformat(), starts=starts)
        with open(details_file, "w") as handle:
            json.dump(details, handle)


VERIFY_SQL = """
SELECT s.capacity, s.taken, COALESCE(SUM(h.units), 0) AS held
FROM appointments_slot s
JOIN appointments_office o ON o.id = s.office_id
LEFT JOIN appointments_hold_slots hs ON hs.slot_id = s.id
LEFT JOIN appointments_hold h ON h.id = hs.hold_id AND h.state IN ('active', 'booked', 'quarantine')
WHERE o.slug = %s AND s.municipality_id = o.municipality_id AND o.municipality_id = %s
GROUP BY s.id, s.capacity, s.taken
"""


def verify() -> dict:
    _setup()
    from django.db import connection

    from rathaus.appointments.models import Hold
    from rathaus.tenants.models import Municipality

    town = Municipality.objects.get(slug=TOWN)
    report = {}
    for slug in (STORM_OFFICE, SUSTAINED_OFFICE):
        with connection.cursor() as cursor:
            cursor.execute(VERIFY_SQL, [slug, town.pk])
            rows = cursor.fetchall()
        report[slug] = {
            "slots": len(rows),
            "capacity": sum(r[0] for r in rows),
            "sum_taken": sum(r[1] for r in rows),
            "units_held_by_live_holds": sum(r[2] for r in rows),
            "oversold_units": sum(max(0, r[2] - r[0]) for r in rows),
            "slots_where_taken_differs_from_holds": sum(1 for r in rows if r[1] != r[2]),
            "holds": Hold.objects.filter(
                municipality=town, office__slug=slug, state__in=["active", "booked", "quarantine"]
            ).count(),
        }
    print(json.dumps(report))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    seed_parser = sub.add_parser("seed")
    seed_parser.add_argument("--details-file", required=True)
    # Fewer days for a smaller calendar (tests/system needs a few thousand slots, not 50,000).
    seed_parser.add_argument("--sustained-days", type=int, default=145)
    release_parser = sub.add_parser("release")
    release_parser.add_argument("--at", required=True)
    release_parser.add_argument("--details-file", help="updated with the storm day and its slots")
    sub.add_parser("verify")
    args = parser.parse_args(argv)
    if args.command == "seed":
        seed(args.details_file, args.sustained_days)
    elif args.command == "release":
        release(args.at, args.details_file)
    else:
        verify()
    return 0


if __name__ == "__main__":
    sys.exit(main())
