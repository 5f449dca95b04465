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

    payment_counts = _payments_check(told.get("payments", {}))
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
        **payment_counts,
    }


def _payments_check(told: dict) -> dict:
    """Every payment's status is where its ledger's allowed transitions lead (the last one
    equals the status, ``paid_at`` set exactly when paid); none is booked twice; the amounts are
    those requested (``told``: public id → amount) at every step, the platform's record
    included; a payment whose transaction the platform reports paid is PAID, or flagged for a
    clerk with a reason; a payment whose transaction the platform settled is not left open or
    pending (the test ran the status poll before)."""
    from decimal import Decimal

    from rathaus.payments.models import DemoPlatformTransaction, Payment
    from rathaus.payments.transitions import ALLOWED_TRANSITIONS

    platform = {str(tx.transaction_id): tx for tx in DemoPlatformTransaction.objects.all()}
    counts = Counter()
    statuses = Counter()
    outcomes = Counter()
    payments = Payment.objects.prefetch_related("ledger", "platform_attempts")
    for payment in payments:
        statuses[payment.status] += 1
        status, wrong = "open", False
        transitions = [entry for entry in payment.ledger.all() if entry.kind == "transition"]
        for entry in transitions:
            if entry.from_status != status or entry.to_status not in ALLOWED_TRANSITIONS[status]:
                wrong = True
                break
            status = entry.to_status
        if status != payment.status or (status == "paid") != (payment.paid_at is not None):
            wrong = True
        counts["payments_in_a_wrong_state"] += wrong
        attempts = list(payment.platform_attempts.all())
        paid_entries = sum(1 for entry in transitions if entry.to_status == "paid")
        booked = sum(1 for attempt in attempts if attempt.booking == "booked")
        counts["payments_paid_twice"] += paid_entries > 1 or booked > 1
        expected = told.get(str(payment.public_id))
        amounts = {payment.amount}
        if payment.requested_amount is not None:
            amounts.add(payment.requested_amount)
        settled = reported_paid = False
        for attempt in attempts:
            amounts.add(attempt.requested_amount)
            tx = platform.get(attempt.provider_transaction_id)
            if tx is None:
                continue
            request = tx.payment_request
            amounts.add(Decimal(str(request.get("grosAmount", request.get("grossAmount")))))
            outcomes[tx.outcome or "none chosen"] += 1
            reported_paid |= tx.status == "PAYED"
            settled |= tx.status in ("PAYED", "FAILED", "CANCELED")
        if expected is not None:
            counts["payments_told"] += 1
            counts["payments_with_a_wrong_amount"] += amounts != {Decimal(expected)}
        if reported_paid:
            counts["payments_reported_paid"] += 1
            flagged = payment.needs_clerk_attention and payment.attention_reason
            counts["payments_reported_paid_not_booked"] += not (payment.status == "paid" or flagged)
        counts["payments_settled_but_unsettled_here"] += settled and payment.status in (
            "open",
            "pending",
        )
        counts["payments_flagged"] += payment.needs_clerk_attention
    keys = (
        "payments_in_a_wrong_state",
        "payments_paid_twice",
        "payments_told",
        "payments_with_a_wrong_amount",
        "payments_reported_paid",
        "payments_reported_paid_not_booked",
        "payments_settled_but_unsettled_here",
        "payments_flagged",
    )
    return {
        "payments": len(payments),
        **{key: counts[key] for key in keys},
        "payment_statuses": dict(sorted(statuses.items())),
        "platform_outcomes": dict(sorted(outcomes.items())),
    }


if __name__ == "__main__":
    with open(sys.argv[1]) as source:
        result = check(json.load(source))
    with open(sys.argv[2], "w") as target:
        json.dump(result, target)
