"""Services (writes) of the booking engine.

Capacity is decided by the database, never by a read followed by a write:

* ``hold_create`` takes ``units`` from each of N consecutive slots with one conditional
  ``UPDATE slot SET taken = taken + units WHERE … AND taken + units <= capacity RETURNING id``
  inside one transaction (multi-slot appointments lock their slots in start order first). If
  fewer than N rows were updated, the units are given back before the transaction ends and the
  hold is refused, so an appointment gets all its slots or none. The check constraint
  ``taken <= capacity`` backs this up.
* A hold's ``state`` changes only through conditional updates (``… WHERE state = 'active'``), so
  expiry, confirmation and cancellation of the same hold cannot both succeed; exactly the one that
  wins gives the units back (``_hold_release``).
* The per-e-mail limit is checked while holding a row lock on the address's ``EmailBookingLock``
  row, so parallel requests with one address are counted one after the other.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core import signing
from django.db import connection, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.core.audit import audit_event_record
from rathaus.core.crypto import blind_index
from rathaus.notifications.services import email_send
from rathaus.tenants.selectors import municipality_absolute_url

from . import slots as slot_rules
from .constants import (
    ALLOWED_TRANSITIONS,
    CHECK_IN_LATE_MINUTES,
    EMAIL_DIGEST_PURPOSE,
    BookingStatus,
    ErrorCode,
    HoldState,
)
from .ics import booking_ics_attachment
from .models import (
    AccountBookingLock,
    Booking,
    BookingPolicy,
    BookingService,
    ClosureDay,
    Counter,
    EmailBookingLock,
    Hold,
    Office,
    OfficeService,
    OpeningHours,
    Slot,
    StaffAbsence,
)

CONFIRM_SALT = "rathaus.appointments.confirm"
CANCEL_SALT = "rathaus.appointments.cancel"
MOVE_SALT = "rathaus.appointments.move"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at a counter
CODE_LENGTH = 8


class AppointmentError(Exception):
    """A refusal with a stable code (``constants.ErrorCode``)."""

    def __init__(self, code: ErrorCode, details: dict[str, Any] | None = None):
        self.code = ErrorCode(code)
        self.details = details or {}
        super().__init__(self.code.value)

    @property
    def message(self) -> str:
        return str(self.code.label)


# --- helpers -------------------------------------------------------------------------------------
def email_digest(email: str) -> str:
    return blind_index(email, purpose=EMAIL_DIGEST_PURPOSE)


def policy_for(office: Office) -> BookingPolicy:
    """The office's policy, or the defaults when none has been set up yet (unsaved).

    Uses the row loaded with the office (``select_related("policy")``) when there is one.
    """
    if Office.policy.is_cached(office):
        policy = Office.policy.related.get_cached_value(office)
    else:
        policy = BookingPolicy.objects.filter(office=office).first()
    return policy or BookingPolicy(municipality_id=office.municipality_id, office=office)


def window_for(policy: BookingPolicy, now: dt.datetime) -> slot_rules.BookingWindow:
    return slot_rules.booking_window(
        now=now,
        min_days_ahead=policy.min_days_ahead,
        max_weeks_ahead=policy.max_weeks_ahead,
        min_notice_minutes=policy.min_notice_minutes,
        daily_release_time=policy.daily_release_time,
    )


def calendar_rules(*, office: Office, slot_minutes: int) -> slot_rules.CalendarRules:
    """Read an office's calendar set-up into the pure rules of ``slots.py``."""
    opening: dict[int, list[tuple[dt.time, dt.time]]] = {}
    for row in OpeningHours.objects.filter(municipality_id=office.municipality_id, office=office):
        opening.setdefault(row.weekday, []).append((row.opens, row.closes))
    closures = [
        slot_rules.Closure(date=row.date, starts=row.starts, ends=row.ends)
        for row in ClosureDay.objects.filter(municipality_id=office.municipality_id).filter(
            Q(office=office) | Q(office__isnull=True)
        )
    ]
    absences = [
        slot_rules.Absence(starts_at=row.starts_at, ends_at=row.ends_at, counters=row.counters)
        for row in StaffAbsence.objects.filter(
            municipality_id=office.municipality_id, office=office
        )
    ]
    counters = Counter.objects.filter(
        municipality_id=office.municipality_id, office=office, is_active=True
    ).count()
    return slot_rules.CalendarRules(
        opening=opening,
        counters=counters,
        slot_minutes=slot_minutes,
        state=office.municipality.state,
        closures=closures,
        absences=absences,
    )


def resolve_services(
    *,
    office: Office,
    services: Sequence[tuple[str, int]],
    offered: Mapping[str, OfficeService] | None = None,
) -> list[tuple[OfficeService, int]]:
    """The office's service rows for the chosen (slug, count) pairs; refuses unknown services.

    ``offered``: the office's active service rows by slug when the caller has them already
    (``selectors.office_for_hold``); otherwise they are read here.
    """
    counts: dict[str, int] = {}
    for slug, count in services:
        counts[slug] = counts.get(slug, 0) + int(count)
    if not counts:
        raise AppointmentError(ErrorCode.SERVICE_NOT_OFFERED)
    if offered is not None:
        rows = {slug: row for slug, row in offered.items() if row.office_id == office.pk}
    else:
        rows = {
            row.service_slug: row
            for row in OfficeService.objects.filter(
                municipality_id=office.municipality_id,
                office=office,
                is_active=True,
                service_slug__in=counts,
            )
        }
    resolved = []
    for slug, count in counts.items():
        row = rows.get(slug)
        if row is None or not 1 <= count <= row.max_count:
            raise AppointmentError(ErrorCode.SERVICE_NOT_OFFERED, {"service": slug})
        resolved.append((row, count))
    return resolved


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def confirm_token_make(booking: Booking) -> str:
    return signing.dumps({"c": booking.code, "h": booking.hold_id}, salt=CONFIRM_SALT)


def cancel_token_make(booking: Booking) -> str:
    return signing.dumps({"c": booking.code, "b": booking.pk}, salt=CANCEL_SALT)


def move_token_make(booking: Booking) -> str:
    return signing.dumps({"c": booking.code, "b": booking.pk}, salt=MOVE_SALT)


def move_token_valid(*, booking: Booking, token: str) -> bool:
    return cancel_token_valid(booking=booking, token=token, salt=MOVE_SALT)


def cancel_token_valid(*, booking: Booking, token: str, salt: str = CANCEL_SALT) -> bool:
    try:
        payload = signing.loads(token, salt=salt)
    except signing.BadSignature:
        return False
    return (
        isinstance(payload, dict)
        and payload.get("c") == booking.code
        and payload.get("b") == booking.pk
    )


def _booking_mail_context(booking: Booking) -> dict:
    """What the booking e-mails say: time, place, services, what to bring, code and the signed
    links; not the name."""
    # The selectors import this module (its errors): a top-level import would be a circle.
    from .selectors import booking_services_shown

    municipality = booking.municipality
    kwargs = {"code": booking.code, "token": cancel_token_make(booking)}
    office = booking.office
    return {
        "municipality_name": municipality.name,
        "office_name": office.name,
        "office_at": office.name_at,
        "office_address": ", ".join(
            part for part in (office.street, f"{office.postal_code} {office.city}".strip()) if part
        ),
        "start": booking.start.astimezone(slot_rules.TZ),
        "services": booking_services_shown(municipality=municipality, booking=booking),
        "code": booking.code,
        "booking_url": municipality_absolute_url(
            municipality, reverse("appointments:booking", kwargs=kwargs)
        ),
        "cancel_url": municipality_absolute_url(
            municipality, reverse("appointments:cancel", kwargs=kwargs)
        ),
        "calendar_url": municipality_absolute_url(
            municipality, reverse("appointments:calendar", kwargs=kwargs)
        ),
        "move_url": municipality_absolute_url(
            municipality,
            reverse(
                "appointments:move",
                kwargs={"code": booking.code, "token": move_token_make(booking)},
            ),
        ),
    }


def _booking_transition(
    *, booking: Booking, to: BookingStatus, now: dt.datetime, extra: dict | None = None
) -> bool:
    """Change the status only along ``ALLOWED_TRANSITIONS`` and only from the status read."""
    if to not in ALLOWED_TRANSITIONS[booking.status]:
        return False
    values: dict[str, Any] = {"status": to, **(extra or {})}
    won = Booking.objects.filter(pk=booking.pk, status=booking.status).update(**values)
    if won:
        audit_event_record(
            action=f"appointments.booking.{to}",
            municipality=booking.municipality,
            target=booking,
            data={"from": booking.status, "to": str(to)},
        )
        for key, value in values.items():
            setattr(booking, key, value)
    return bool(won)


# --- slots ---------------------------------------------------------------------------------------
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


# --- holds ---------------------------------------------------------------------------------------
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
    # One INSERT for the links (``hold.slots.add`` would first read which links exist).
    link = Hold.slots.through
    link.objects.bulk_create(link(hold=hold, slot_id=slot_id) for slot_id in slot_ids)
    return hold


def _hold_lock(*, municipality, hold_id: int) -> None:
    """Lock a hold row; every service locks the hold before its booking, so none deadlock."""
    locked = Hold.objects.select_for_update().filter(pk=hold_id, municipality=municipality)
    if not list(locked.values_list("pk", flat=True)):
        raise AppointmentError(ErrorCode.INVALID_TOKEN)


def _hold_release(*, hold: Hold, from_state: HoldState, now: dt.datetime, **conditions) -> bool:
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
        if not _hold_release(hold=hold, from_state=HoldState.ACTIVE, now=now, expires_at__lte=now):
            return False
        booking = Booking.objects.filter(hold=hold).first()
        if booking is not None:
            _booking_transition(booking=booking, to=BookingStatus.EXPIRED, now=now)
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
            if _hold_release(
                hold=hold, from_state=HoldState.QUARANTINE, now=now, release_after__lte=now
            ):
                released += 1
                audit_event_record(
                    action="appointments.hold.released",
                    municipality=hold.municipality,
                    target=hold,
                )
    return released


# --- bookings ------------------------------------------------------------------------------------
def booking_confirm(
    *,
    municipality,
    hold_token: str,
    name: str,
    email: str,
    phone: str = "",
    citizen=None,
    trust_level: str | None = None,
    now: dt.datetime | None = None,
) -> Booking:
    """Attach the person to a hold and send the double-opt-in e-mail.

    A citizen logged in with a verified identity (``trust_level`` substantial or high) is also
    held to the policy's limit per identity (``_identity_limit_check``), whatever address is given.

    The booking stays ``held`` until the link in the e-mail is followed (``booking_finalise``);
    the hold's time is renewed once here so the citizen has ``hold_minutes`` to click.
    """
    now = now or timezone.now()
    name, email, phone = name.strip(), email.strip(), phone.strip()
    digest = email_digest(email)
    with transaction.atomic():
        hold = (
            Hold.objects.select_for_update(of=("self",))
            .select_related("office")
            .filter(municipality=municipality, token=hold_token)
            .first()
        )
        if hold is None:
            raise AppointmentError(ErrorCode.HOLD_NOT_FOUND)
        if Booking.objects.filter(hold=hold).exists():
            raise AppointmentError(ErrorCode.HOLD_ALREADY_USED)
        if hold.state != HoldState.ACTIVE or hold.expires_at <= now:
            raise AppointmentError(ErrorCode.HOLD_EXPIRED)
        policy = policy_for(hold.office)

        EmailBookingLock.objects.bulk_create(
            [EmailBookingLock(municipality=municipality, email_digest=digest)],
            ignore_conflicts=True,
        )
        EmailBookingLock.objects.select_for_update().get(
            municipality=municipality, email_digest=digest
        )
        open_bookings = Booking.objects.filter(
            municipality=municipality,
            email_digest=digest,
            status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED],
            end__gt=now,
        ).count()
        if open_bookings >= policy.max_bookings_per_email:
            raise AppointmentError(
                ErrorCode.EMAIL_LIMIT_REACHED, {"limit": policy.max_bookings_per_email}
            )
        _identity_limit_check(
            municipality=municipality,
            citizen=citizen,
            trust_level=trust_level,
            limit=policy.max_bookings_per_identity,
            now=now,
        )

        booking = Booking(
            municipality=municipality,
            office=hold.office,
            hold=hold,
            code=_new_code(),
            start=hold.start,
            end=hold.end,
            name=name,
            email=email,
            email_digest=digest,
            phone=phone,
            citizen=citizen if citizen is not None and citizen.is_authenticated else None,
        )
        booking.full_clean(exclude=["hold", "code", "email_digest"])
        booking.save()
        durations = dict(
            OfficeService.objects.filter(office=hold.office).values_list(
                "service_slug", "duration_minutes"
            )
        )
        BookingService.objects.bulk_create(
            BookingService(
                booking=booking,
                service_slug=slug,
                count=count,
                duration_minutes=durations.get(slug, 0),
            )
            for slug, count in hold.services
        )
        Hold.objects.filter(pk=hold.pk).update(
            expires_at=now + dt.timedelta(minutes=policy.hold_minutes)
        )
        audit_event_record(
            action="appointments.booking.held", municipality=municipality, target=booking
        )
        path = reverse("appointments:finalise", kwargs={"token": confirm_token_make(booking)})
        email_send(
            to=email,
            template="appointments/email/confirm",
            context={
                "municipality_name": municipality.name,
                "office_name": hold.office.name,
                "office_at": hold.office.name_at,
                "start": hold.start.astimezone(slot_rules.TZ),
                "minutes": policy.hold_minutes,
                "url": municipality_absolute_url(municipality, path),
            },
        )
    return booking


def _identity_limit_check(
    *, municipality, citizen, trust_level: str | None, limit: int, now: dt.datetime
) -> None:
    """Refuse a verified citizen's booking beyond the limit per identity. Inside a transaction.

    The account's ``AccountBookingLock`` row is locked first, so parallel confirmations by one
    citizen count one after the other (as with the per-e-mail limit).
    """
    if citizen is None or not citizen.is_authenticated:
        return
    if not trust_satisfies(trust_level, TrustLevel.SUBSTANTIAL):
        return
    AccountBookingLock.objects.bulk_create(
        [AccountBookingLock(municipality=municipality, account=citizen)], ignore_conflicts=True
    )
    AccountBookingLock.objects.select_for_update().get(municipality=municipality, account=citizen)
    open_bookings = Booking.objects.filter(
        municipality=municipality,
        citizen=citizen,
        status__in=[BookingStatus.HELD, BookingStatus.CONFIRMED],
        end__gt=now,
    ).count()
    if open_bookings >= limit:
        raise AppointmentError(ErrorCode.IDENTITY_LIMIT_REACHED, {"limit": limit})


def booking_finalise(*, municipality, token: str, now: dt.datetime | None = None) -> Booking:
    """Make a held booking final (the e-mail link was followed). Each link works once."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=CONFIRM_SALT)
        code, hold_id = str(payload["c"]), int(payload["h"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise AppointmentError(ErrorCode.INVALID_TOKEN) from exc
    with transaction.atomic():
        # Lock order everywhere: hold, then booking (expiry updates them in that order too).
        _hold_lock(municipality=municipality, hold_id=hold_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("office", "municipality")
            .filter(municipality=municipality, code=code, hold_id=hold_id)
            .first()
        )
        if booking is None:
            raise AppointmentError(ErrorCode.INVALID_TOKEN)
        if booking.status == BookingStatus.CONFIRMED:
            raise AppointmentError(ErrorCode.ALREADY_CONFIRMED)
        won = Hold.objects.filter(pk=hold_id, state=HoldState.ACTIVE, expires_at__gt=now).update(
            state=HoldState.BOOKED
        )
        if not won or not _booking_transition(
            booking=booking, to=BookingStatus.CONFIRMED, now=now, extra={"confirmed_at": now}
        ):
            raise AppointmentError(ErrorCode.HOLD_EXPIRED)
        email_send(
            to=booking.email,
            template="appointments/email/booked",
            context=_booking_mail_context(booking),
            attachments=[booking_ics_attachment(booking)],
        )
    return booking


def booking_cancel(
    *, municipality, code: str, token: str, now: dt.datetime | None = None
) -> Booking:
    """Cancel by booking code and the signed cancel token from the e-mail.

    The slots return to the pool only after the office's quarantine, so a cancelled slot cannot
    be handed to a waiting buyer at a time only the seller knows.
    """
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=CANCEL_SALT)
        signed_code, booking_id = str(payload["c"]), int(payload["b"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise AppointmentError(ErrorCode.INVALID_TOKEN) from exc
    if not secrets.compare_digest(signed_code, code):
        raise AppointmentError(ErrorCode.INVALID_TOKEN)
    hold_id = (
        Booking.objects.filter(municipality=municipality, code=code, pk=booking_id)
        .values_list("hold_id", flat=True)
        .first()
    )
    if hold_id is None:
        raise AppointmentError(ErrorCode.INVALID_TOKEN)
    with transaction.atomic():
        _hold_lock(municipality=municipality, hold_id=hold_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("office", "municipality")
            .get(pk=booking_id)
        )
        if booking.start <= now or booking.status not in (
            BookingStatus.HELD,
            BookingStatus.CONFIRMED,
        ):
            raise AppointmentError(ErrorCode.NOT_CANCELLABLE)
        policy = policy_for(booking.office)
        release_after = now + dt.timedelta(minutes=policy.quarantine_minutes)
        won = Hold.objects.filter(
            pk=booking.hold_id, state__in=[HoldState.ACTIVE, HoldState.BOOKED]
        ).update(state=HoldState.QUARANTINE, release_after=release_after)
        if not won or not _booking_transition(
            booking=booking, to=BookingStatus.CANCELLED, now=now, extra={"cancelled_at": now}
        ):
            raise AppointmentError(ErrorCode.NOT_CANCELLABLE)
        if policy.quarantine_minutes == 0:
            _hold_release(hold=booking.hold, from_state=HoldState.QUARANTINE, now=now)
    return booking


def booking_move(
    *,
    municipality,
    code: str,
    token: str,
    start: dt.datetime,
    now: dt.datetime | None = None,
) -> Booking:
    """Move a confirmed appointment to another time of the same office, all or nothing.

    The new time is held first (``hold_create``: the same services and units, the same
    conditional updates); only if that succeeds does the old hold leave, through quarantine like a
    cancellation, so moving cannot hand a slot to someone waiting for it. Any refusal rolls the
    whole transaction back and the appointment stays where it was.
    """
    now = now or timezone.now()
    booking = (
        Booking.objects.select_related("office", "hold")
        .filter(municipality=municipality, code=code)
        .first()
    )
    if booking is None or not move_token_valid(booking=booking, token=token):
        raise AppointmentError(ErrorCode.INVALID_TOKEN)
    with transaction.atomic():
        _hold_lock(municipality=municipality, hold_id=booking.hold_id)
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .select_related("office", "hold", "municipality")
            .get(pk=booking.pk)
        )
        old_hold = booking.hold
        if (
            booking.status != BookingStatus.CONFIRMED
            or booking.start <= now
            or old_hold.state != HoldState.BOOKED
        ):
            raise AppointmentError(ErrorCode.NOT_MOVABLE)
        new_hold = hold_create(
            municipality=municipality,
            office=booking.office,
            services=[(slug, int(count)) for slug, count in old_hold.services],
            start=start,
            units=old_hold.units,
            now=now,
        )
        Hold.objects.filter(pk=new_hold.pk, state=HoldState.ACTIVE).update(state=HoldState.BOOKED)
        policy = policy_for(booking.office)
        moved_away = Hold.objects.filter(pk=old_hold.pk, state=HoldState.BOOKED).update(
            state=HoldState.QUARANTINE,
            release_after=now + dt.timedelta(minutes=policy.quarantine_minutes),
        )
        if not moved_away:
            raise AppointmentError(ErrorCode.NOT_MOVABLE)
        if policy.quarantine_minutes == 0:
            _hold_release(hold=old_hold, from_state=HoldState.QUARANTINE, now=now)
        previous = booking.start
        Booking.objects.filter(pk=booking.pk).update(
            hold=new_hold, start=new_hold.start, end=new_hold.end, reminder_sent_at=None
        )
        booking.hold, booking.start, booking.end = new_hold, new_hold.start, new_hold.end
        audit_event_record(
            action="appointments.booking.moved",
            municipality=municipality,
            target=booking,
            data={"from": previous.isoformat(), "to": new_hold.start.isoformat()},
        )
        email_send(
            to=booking.email,
            template="appointments/email/moved",
            context=_booking_mail_context(booking),
            attachments=[booking_ics_attachment(booking)],
        )
    return booking


def slots_materialise_all(*, now: dt.datetime | None = None) -> int:
    """Write the slots of every active office from today to the end of its booking window."""
    now = now or timezone.now()
    written = 0
    for office in Office.objects.filter(is_active=True).select_related("municipality"):
        window = window_for(policy_for(office), now)
        today = now.astimezone(slot_rules.TZ).date()
        written += slots_materialise(office=office, first_day=today, last_day=window.last_day)
    return written


def booking_reminders_send(*, now: dt.datetime | None = None) -> int:
    """E-mail a reminder for every confirmed appointment of the next day, once each, with the
    calendar file attached (same UID as before, so a calendar keeps one event)."""
    now = now or timezone.now()
    tomorrow = now.astimezone(slot_rules.TZ).date() + dt.timedelta(days=1)
    day_start = dt.datetime.combine(tomorrow, dt.time(0), tzinfo=slot_rules.TZ)
    # The next local midnight, not start + 24 h: a day has 23 or 25 hours at the DST changes.
    day_end = dt.datetime.combine(tomorrow + dt.timedelta(days=1), dt.time(0), tzinfo=slot_rules.TZ)
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        reminder_sent_at__isnull=True,
        start__gte=day_start,
        start__lt=day_end,
    ).select_related("office", "municipality")
    sent = 0
    for booking in due:
        with transaction.atomic():
            claimed = Booking.objects.filter(
                pk=booking.pk, status=BookingStatus.CONFIRMED, reminder_sent_at__isnull=True
            ).update(reminder_sent_at=now)
            if claimed:
                email_send(
                    to=booking.email,
                    template="appointments/email/reminder",
                    context=_booking_mail_context(booking),
                    attachments=[booking_ics_attachment(booking)],
                )
                sent += 1
    return sent


def bookings_mark_no_show(*, now: dt.datetime | None = None) -> int:
    """Confirmed appointments that are over and were never checked in become ``no_show``.

    Periodic task. "Over" means both the appointment's end and the last check-in minute have
    passed, so nobody who could still check in is marked. Each booking changes through the
    transition table with its own audit event.
    """
    now = now or timezone.now()
    due = Booking.objects.filter(
        status=BookingStatus.CONFIRMED,
        end__lte=now,
        start__lte=now - dt.timedelta(minutes=CHECK_IN_LATE_MINUTES),
        ticket__isnull=True,
    ).select_related("municipality")
    marked = 0
    for booking in due:
        with transaction.atomic():
            marked += _booking_transition(booking=booking, to=BookingStatus.NO_SHOW, now=now)
    return marked
