"""Holds: slots reserved for an appointment before the person confirms it.

Capacity is decided by the database, never by a read followed by a write:

* ``hold_create`` takes ``units`` from each of N consecutive slots with one conditional
  ``UPDATE slot SET taken = taken + units WHERE … AND taken + units <= capacity RETURNING id``
  inside one transaction (multi-slot appointments lock their slots in start order first). If
  fewer than N rows were updated, the units are given back before the transaction ends and the
  hold is refused, so an appointment gets all its slots or none. The check constraint
  ``taken <= capacity`` backs this up.
* A hold's ``state`` changes only through conditional updates (``… WHERE state = 'active'``), so
  expiry, confirmation and cancellation of the same hold cannot both succeed; exactly the one that
  wins gives the units back (``hold_release``).
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from rathaus.core.audit import audit_event_record

from .. import slots as slot_rules
from ..constants import BookingStatus, ErrorCode, HoldState
from ..errors import AppointmentError
from ..models import Booking, Hold, Office, OfficeService, Slot
from .policy import policy_for, resolve_services, window_for
from .status import booking_transition


def hold_create(
    *,
    municipality,
    office: Office,
    services: Sequence[tuple[str, int]],
    start: dt.datetime,
    units: int = 1,
    now: dt.datetime | None = None,
) -> Hold:
    """Reserve the consecutive slots an appointment needs, all or none.

    Raises ``AppointmentError`` with ``SLOT_UNAVAILABLE`` when any slot is missing or full.
    """
    with transaction.atomic():
        return hold_take(
            municipality=municipality,
            office=office,
            services=services,
            start=start,
            units=units,
            now=now,
        )


def _slots_take(*, municipality, office: Office, wanted: list[dt.datetime], units: int) -> list:
    """Take ``units`` from every slot starting at ``wanted``: all of them, or change nothing.

    One conditional ``UPDATE … WHERE taken + units <= capacity RETURNING id`` (PostgreSQL and
    SQLite alike): the database decides, on the current row under its write lock, so no two
    requests can both take the last unit. The ORM's ``update()`` cannot say which rows it
    changed, hence the SQL. A multi-slot appointment first locks its slots in start order (as
    every such hold does, so two of them cannot deadlock); if not every slot had room, the units
    this statement took are given back in the same transaction before anyone else can see them.
    """
    if len(wanted) > 1:
        locked = list(
            Slot.objects.select_for_update()
            .filter(municipality=municipality, office=office, start__in=wanted)
            .order_by("start")
            .values_list("pk", flat=True)
        )
        if len(locked) != len(wanted):
            return []
    adapt = connection.ops.adapt_datetimefield_value
    starts = ", ".join(["%s"] * len(wanted))  # placeholders only, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE appointments_slot SET taken = taken + %s"  # noqa: S608
            f" WHERE municipality_id = %s AND office_id = %s AND start IN ({starts})"
            " AND taken + %s <= capacity RETURNING id",
            [units, municipality.pk, office.pk, *(adapt(start) for start in wanted), units],
        )
        taken = [row[0] for row in cursor.fetchall()]
    if len(taken) == len(wanted):
        return taken
    if taken:
        Slot.objects.filter(pk__in=taken).update(taken=F("taken") - units)
    return []


@dataclass(frozen=True)
class HoldPlan:
    """What a hold will take and write, once its request has been checked (``hold_plan``)."""

    municipality: Any
    office: Office
    wanted: list[dt.datetime]  # the starts of the consecutive slots, UTC
    units: int
    values: dict[str, Any]  # the hold's own columns: start, end, services, expires_at


def hold_plan(
    *,
    municipality,
    office: Office,
    services: Sequence[tuple[str, int]],
    start: dt.datetime,
    units: int = 1,
    now: dt.datetime | None = None,
    offered: Mapping[str, OfficeService] | None = None,
) -> HoldPlan:
    """Check a hold request (office, services, booking window) without touching the database
    beyond the office's set-up; raises ``AppointmentError``."""
    now = now or timezone.now()
    if timezone.is_naive(start):
        start = start.replace(tzinfo=slot_rules.TZ)  # a time without offset is Berlin time
    if office.municipality_id != municipality.pk or not office.is_active:
        raise AppointmentError(ErrorCode.SLOT_UNAVAILABLE)
    if units < 1:
        raise AppointmentError(ErrorCode.SLOT_UNAVAILABLE)
    policy = policy_for(office)
    resolved = resolve_services(office=office, services=services, offered=offered)
    duration = slot_rules.appointment_duration(
        (row.duration_minutes, count) for row, count in resolved
    )
    needed = slot_rules.slots_needed(duration, policy.slot_minutes)
    if not slot_rules.within_window(start, window_for(policy, now)):
        raise AppointmentError(ErrorCode.OUTSIDE_BOOKING_WINDOW)
    first = start.astimezone(dt.UTC)
    step = dt.timedelta(minutes=policy.slot_minutes)
    return HoldPlan(
        municipality=municipality,
        office=office,
        wanted=[first + i * step for i in range(needed)],
        units=units,
        values={
            "start": first,
            "end": first + dt.timedelta(minutes=duration),
            "services": [[row.service_slug, count] for row, count in resolved],
            "expires_at": now + dt.timedelta(minutes=policy.hold_minutes),
        },
    )


def hold_take(**request) -> Hold:
    """``hold_create`` inside the caller's transaction: ``hold_plan(**request)``, then
    ``hold_write``.

    A refusal (``AppointmentError``) leaves the transaction without any change of this call, so
    the caller may commit its own work (e.g. the spent proof-of-work solution) all the same.
    """
    return hold_write(hold_plan(**request))


def hold_write(plan: HoldPlan) -> Hold:
    """Take the plan's slots, all or none, and write the hold; inside the caller's transaction.

    Raises ``SLOT_UNAVAILABLE`` having changed nothing when any slot is missing or full. No
    audit event: a hold carries no personal data and its row is its record (created, expires,
    released); what a person does with it (confirm, cancel, move) is audited.
    """
    slot_ids = _slots_take(
        municipality=plan.municipality, office=plan.office, wanted=plan.wanted, units=plan.units
    )
    if len(slot_ids) != len(plan.wanted):
        raise AppointmentError(ErrorCode.SLOT_UNAVAILABLE)
    hold = Hold.objects.create(
        municipality=plan.municipality,
        office=plan.office,
        token=secrets.token_urlsafe(32),
        units=plan.units,
        **plan.values,
    )
    # One plain INSERT for the links: ``hold.slots.add`` would first read which links exist, and
    # the ORM's bulk_create costs more in Python than the statement itself
    # (docs/adr/0008-plain-inserts-on-the-hold-path.md).
    rows = ", ".join(["(%s, %s)"] * len(slot_ids))  # placeholders only, values are parameters
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Hold.slots.through._meta.db_table} (hold_id, slot_id)"  # noqa: S608
            f" VALUES {rows}",
            [value for slot_id in slot_ids for value in (hold.pk, slot_id)],
        )
    return hold


def hold_lock(*, municipality, hold_id: int) -> None:
    """Lock a hold row; every service locks the hold before its booking, so none deadlock."""
    locked = Hold.objects.select_for_update().filter(pk=hold_id, municipality=municipality)
    if not list(locked.values_list("pk", flat=True)):
        raise AppointmentError(ErrorCode.INVALID_TOKEN)


def hold_release(*, hold: Hold, from_state: HoldState, now: dt.datetime, **conditions) -> bool:
    """Give a hold's units back to its slots, once. Must run inside a transaction."""
    won = Hold.objects.filter(pk=hold.pk, state=from_state, **conditions).update(
        state=HoldState.RELEASED, released_at=now
    )
    if not won:
        return False
    slot_ids = hold.slots.order_by("start").values_list("pk", flat=True)
    for slot_id in slot_ids:
        Slot.objects.filter(pk=slot_id).update(taken=F("taken") - hold.units)
    return True


def hold_expire(*, hold: Hold, now: dt.datetime | None = None) -> bool:
    """Expire one unconfirmed hold whose time is up; its slots return at once. True if it did."""
    now = now or timezone.now()
    with transaction.atomic():
        if not hold_release(hold=hold, from_state=HoldState.ACTIVE, now=now, expires_at__lte=now):
            return False
        booking = Booking.objects.filter(hold=hold).first()
        if booking is not None:
            booking_transition(booking=booking, to=BookingStatus.EXPIRED, now=now)
        audit_event_record(
            action="appointments.hold.expired", municipality=hold.municipality, target=hold
        )
    return True


def holds_expire_due(*, now: dt.datetime | None = None) -> int:
    """Expire every hold that is due (periodic task). Returns the number expired."""
    now = now or timezone.now()
    due = Hold.objects.filter(state=HoldState.ACTIVE, expires_at__lte=now).select_related(
        "municipality"
    )
    return sum(hold_expire(hold=hold, now=now) for hold in due)


def holds_release_quarantined(*, now: dt.datetime | None = None) -> int:
    """Return the slots of cancelled bookings whose quarantine is over (periodic task)."""
    now = now or timezone.now()
    released = 0
    due = Hold.objects.filter(state=HoldState.QUARANTINE, release_after__lte=now)
    for hold in due.select_related("municipality"):
        with transaction.atomic():
            if hold_release(
                hold=hold, from_state=HoldState.QUARANTINE, now=now, release_after__lte=now
            ):
                released += 1
                audit_event_record(
                    action="appointments.hold.released",
                    municipality=hold.municipality,
                    target=hold,
                )
    return released
