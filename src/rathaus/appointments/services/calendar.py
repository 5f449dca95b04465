"""The slot rows of an office's calendar (materialised from its opening hours, closures and
absences)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .. import slots as slot_rules
from ..models import Office, Slot
from .policy import calendar_rules, policy_for, window_for


def slots_materialise(*, office: Office, first_day: dt.date, last_day: dt.date) -> int:
    """Create or update the ``Slot`` rows of an office for a date range; returns rows written.

    A slot that no longer exists in the calendar (new closure, absence) keeps its row with the
    capacity lowered to what is already taken, so nothing new can be booked there and existing
    bookings stay valid; they are for staff to move.
    """
    policy = policy_for(office)
    rules = calendar_rules(office=office, slot_minutes=policy.slot_minutes)
    specs = {
        spec.start: spec.capacity for spec in slot_rules.compute_slots(rules, first_day, last_day)
    }
    tz = slot_rules.TZ
    range_start = dt.datetime.combine(first_day, dt.time(0), tzinfo=tz)
    range_end = dt.datetime.combine(last_day + dt.timedelta(days=1), dt.time(0), tzinfo=tz)
    written = 0
    with transaction.atomic():
        existing = {
            slot.start: slot
            for slot in Slot.objects.select_for_update().filter(
                municipality_id=office.municipality_id,
                office=office,
                start__gte=range_start,
                start__lt=range_end,
            )
        }
        new_rows = []
        for start, capacity in specs.items():
            slot = existing.get(start)
            if slot is None:
                new_rows.append(
                    Slot(
                        municipality_id=office.municipality_id,
                        office=office,
                        start=start,
                        capacity=capacity,
                    )
                )
            elif slot.capacity != max(capacity, slot.taken):
                Slot.objects.filter(pk=slot.pk).update(capacity=max(capacity, F("taken")))
                written += 1
        for start, slot in existing.items():
            if start not in specs and slot.capacity != slot.taken:
                Slot.objects.filter(pk=slot.pk).update(capacity=F("taken"))
                written += 1
        Slot.objects.bulk_create(new_rows, ignore_conflicts=True)
        written += len(new_rows)
    return written


def slots_materialise_all(*, now: dt.datetime | None = None) -> int:
    """Write the slots of every active office from today to the end of its booking window."""
    now = now or timezone.now()
    written = 0
    for office in Office.objects.filter(is_active=True).select_related("municipality"):
        window = window_for(policy_for(office), now)
        today = now.astimezone(slot_rules.TZ).date()
        written += slots_materialise(office=office, first_day=today, last_day=window.last_day)
    return written
