"""The system test's database check, run in the cluster's environment (its database and keys)::

    python -m tests.system.check IN.json OUT.json

IN holds what the clients were told: the hold tokens answered 201, the booking codes answered
202, the count of new voters answered with the confirmation. OUT gets the counts the test
asserts on. It also runs the benchmarks' checks: oversold slots (release_storm_seed.verify) and,
after approving the lists and issuing every Wahlschein, duplicate Wahlscheine
(briefwahl_seed.verify).
"""

from __future__ import annotations

import json
import os
import sys
from collections import Counter


def check(told: dict) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rathaus.settings.production")
    import django

    django.setup()
    from bench.lib import briefwahl_seed, release_storm_seed
    from django.db.models import Count

    from rathaus.appointments.models import Booking, Hold
    from rathaus.elections.models import Application
    from rathaus.notifications.models import QueuedEmail
    from rathaus.payments.models import Payment
    from rathaus.payments.transitions import ALLOWED_TRANSITIONS

    queued_left = QueuedEmail.objects.count()  # before the Wahlscheine are issued below
    tokens = set(told["hold_tokens"])
    codes = set(told["booking_codes"])
    found_tokens = set(Hold.objects.filter(token__in=tokens).values_list("token", flat=True))
    found_codes = set(Booking.objects.filter(code__in=codes).values_list("code", flat=True))
    offices = ("sturm", "dauer")
    # Instances: the address is encrypted, bound to its row.
    bookings = list(Booking.objects.filter(office__slug__in=offices))
    per_address = Counter(booking.email for booking in bookings)

    storm = release_storm_seed.verify()
    election = briefwahl_seed.verify()
    accepted = Application.objects.filter(
        election__title="Bundestagswahl (Last)", status="accepted"
    ).count()

    # Payments: the status is where the ledger's transitions lead, each of them allowed.
    payments_wrong = 0
    payments = Payment.objects.prefetch_related("ledger")
    for payment in payments:
        status = "open"
        for entry in payment.ledger.all():
            if entry.kind != "transition":
                continue
            if entry.from_status != status or entry.to_status not in ALLOWED_TRANSITIONS[status]:
                payments_wrong += 1
                break
            status = entry.to_status
        else:
            if status != payment.status or (status == "paid") != (payment.paid_at is not None):
                payments_wrong += 1
    return {
        "hold_tokens_told": len(tokens),
        "hold_tokens_missing": len(tokens - found_tokens),
        "booking_codes_told": len(codes),
        "booking_codes_missing": len(codes - found_codes),
        "bookings": len(bookings),
        "booking_addresses": sorted(per_address),
        "addresses_booked_twice": sum(1 for n in per_address.values() if n > 1),
        "holds_booked_twice": Booking.objects.values("hold")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .count(),
        "oversold_units": sum(storm[office]["oversold_units"] for office in offices),
        "slots_where_taken_differs_from_holds": sum(
            storm[office]["slots_where_taken_differs_from_holds"] for office in offices
        ),
        "storm_holds": storm["sturm"]["holds"],
        "storm_slots": storm["sturm"]["slots"],
        "accepted_applications": accepted,
        "new_voters_told_accepted": told["voters_accepted"],
        "voters_with_more_than_one_accepted_application": election[
            "voters_with_more_than_one_accepted_application"
        ],
        "wahlscheine_issued": election["wahlscheine_issued"],
        "voters_with_more_than_one_valid_wahlschein": election[
            "voters_with_more_than_one_valid_wahlschein"
        ],
        "queued_emails_left": queued_left,
        "payments": len(payments),
        "payments_in_a_wrong_state": payments_wrong,
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        result = check(json.load(source))
    with open(sys.argv[2], "w") as target:
        json.dump(result, target)
