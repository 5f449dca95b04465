"""The queue at the office: check-in, walk-in tickets, calling and the call display.

Services here write; ``call_display`` and ``queue_for_office`` read. Ticket status changes go
through ``_ticket_transition`` (table ``TICKET_TRANSITIONS``) as conditional updates, so two clerks
pressing "call next" at once never get the same ticket: the one whose update matches first wins,
the other takes the next ticket.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone

from rathaus.accounts.models import StaffMembership
from rathaus.core.audit import audit_event_record

from .challenge import challenge_verify
from .constants import (
    CALL_AHEAD_MINUTES,
    CHECK_IN_EARLY_MINUTES,
    CHECK_IN_LATE_MINUTES,
    TICKET_PREFIX,
    TICKET_TRANSITIONS,
    BookingStatus,
    ErrorCode,
    TicketKind,
    TicketStatus,
)
from .errors import AppointmentError
from .models import Booking, BookingService, Counter, Office, TicketSequence, WaitTicket
from .selectors import bookings_for_office_day, catalogue_names, slot_occupancy
from .slots import TZ

DISPLAY_LENGTH = 8


def _require_staff(*, actor, municipality) -> None:
    if not (
        actor is not None
        and actor.is_authenticated
        and actor.is_staff
        and StaffMembership.objects.filter(user=actor, municipality=municipality).exists()
    ):
        raise Http404


def _office(*, municipality, office_slug: str) -> Office:
    office = Office.objects.filter(municipality=municipality, slug=office_slug).first()
    if office is None:
        raise Http404
    return office


def _counter(*, municipality, office: Office, counter_id: int) -> Counter:
    counter = Counter.objects.filter(
        municipality=municipality, office=office, pk=counter_id, is_active=True
    ).first()
    if counter is None:
        raise Http404
    return counter


def _next_number(*, municipality, office: Office, day: dt.date, kind: TicketKind) -> str:
    """Draw the day's next number for the kind; the sequence row stays locked until commit."""
    prefix = TICKET_PREFIX[kind]
    TicketSequence.objects.bulk_create(
        [TicketSequence(municipality=municipality, office=office, day=day, prefix=prefix)],
        ignore_conflicts=True,
    )
    sequence = TicketSequence.objects.select_for_update().get(office=office, day=day, prefix=prefix)
    sequence.last += 1
    sequence.save(update_fields=["last"])
    return f"{prefix}{sequence.last:03d}"


def ticket_check_in(
    *, municipality, office_slug: str, code: str, now: dt.datetime | None = None
) -> WaitTicket:
    """Check in a confirmed booking at its office on its day (kiosk or reception).

    Checking in twice gives the same ticket; one booking has at most one ticket (unique key).
    """
    now = now or timezone.now()
    office = _office(municipality=municipality, office_slug=office_slug)
    with transaction.atomic():
        booking = (
            Booking.objects.select_for_update(of=("self",))
            .filter(municipality=municipality, office=office, code=code.strip().upper())
            .first()
        )
        if booking is None or booking.status != BookingStatus.CONFIRMED:
            raise AppointmentError(ErrorCode.CHECK_IN_REFUSED)
        existing = WaitTicket.objects.filter(booking=booking).first()
        if existing is not None:
            return existing
        earliest = booking.start - dt.timedelta(minutes=CHECK_IN_EARLY_MINUTES)
        latest = booking.start + dt.timedelta(minutes=CHECK_IN_LATE_MINUTES)
        if not earliest <= now <= latest:
            raise AppointmentError(ErrorCode.CHECK_IN_REFUSED)
        day = now.astimezone(TZ).date()
        ticket = WaitTicket.objects.create(
            municipality=municipality,
            office=office,
            day=day,
            number=_next_number(
                municipality=municipality, office=office, day=day, kind=TicketKind.APPOINTMENT
            ),
            kind=TicketKind.APPOINTMENT,
            booking=booking,
            queue_at=booking.start,
            created_at=now,
        )
        audit_event_record(
            action="appointments.ticket.checked_in", municipality=municipality, target=ticket
        )
    return ticket


def ticket_walk_in(*, municipality, office_slug: str, now: dt.datetime | None = None) -> WaitTicket:
    """A Wartenummer for someone without an appointment (kiosk or online)."""
    now = now or timezone.now()
    office = _office(municipality=municipality, office_slug=office_slug)
    day = now.astimezone(TZ).date()
    with transaction.atomic():
        ticket = WaitTicket.objects.create(
            municipality=municipality,
            office=office,
            day=day,
            number=_next_number(
                municipality=municipality, office=office, day=day, kind=TicketKind.WALK_IN
            ),
            kind=TicketKind.WALK_IN,
            queue_at=now,
            created_at=now,
        )
        audit_event_record(
            action="appointments.ticket.walk_in", municipality=municipality, target=ticket
        )
    return ticket


def _ticket_transition(
    *, ticket: WaitTicket, to: TicketStatus, values: dict[str, Any] | None = None
) -> bool:
    if to not in TICKET_TRANSITIONS[ticket.status]:
        return False
    fields = {"status": to, **(values or {})}
    won = WaitTicket.objects.filter(pk=ticket.pk, status=ticket.status).update(**fields)
    if won:
        for key, value in fields.items():
            setattr(ticket, key, value)
    return bool(won)


def _waiting_order(office: Office, counter: Counter, now: dt.datetime) -> QuerySet[WaitTicket]:
    """Transfers to this counter first, then appointments that are due, then walk-ins in order
    of arrival, then appointments that are early (when nobody else waits)."""
    due_until = now + dt.timedelta(minutes=CALL_AHEAD_MINUTES)
    waiting = WaitTicket.objects.filter(
        office=office, day=now.astimezone(TZ).date(), status=TicketStatus.WAITING
    ).filter(Q(transferred_to__isnull=True) | Q(transferred_to=counter))
    served = list(counter.services.values_list("service_slug", flat=True))
    if served:
        # A counter with chosen services gets only appointments it can serve completely. Walk-ins
        # carry no services and tickets transferred here by a colleague are a person's decision,
        # so both still come.
        cannot_serve = BookingService.objects.filter(booking=OuterRef("booking_id")).exclude(
            service_slug__in=served
        )
        waiting = waiting.exclude(
            Q(kind=TicketKind.APPOINTMENT) & ~Q(transferred_to=counter) & Exists(cannot_serve)
        )
    return waiting.annotate(
        rank=Case(
            When(transferred_to=counter, then=Value(0)),
            When(kind=TicketKind.APPOINTMENT, queue_at__lte=due_until, then=Value(1)),
            When(kind=TicketKind.WALK_IN, then=Value(2)),
            default=Value(3),
            output_field=IntegerField(),
        )
    ).order_by("rank", "queue_at", "pk")


def ticket_call_next(
    *, actor, municipality, office_slug: str, counter_id: int, now: dt.datetime | None = None
) -> WaitTicket:
    """Call the next ticket to a counter; ``queue_empty`` when nobody waits."""
    now = now or timezone.now()
    _require_staff(actor=actor, municipality=municipality)
    office = _office(municipality=municipality, office_slug=office_slug)
    counter = _counter(municipality=municipality, office=office, counter_id=counter_id)
    for candidate in _waiting_order(office, counter, now)[:20]:
        with transaction.atomic():
            if _ticket_transition(
                ticket=candidate,
                to=TicketStatus.CALLED,
                values={
                    "counter": counter,
                    "transferred_to": None,
                    "called_by": actor,
                    "called_at": now,
                    "call_count": candidate.call_count + 1,
                },
            ):
                audit_event_record(
                    action="appointments.ticket.called",
                    actor=actor,
                    municipality=municipality,
                    target=candidate,
                    data={"counter": counter.name},
                )
                return candidate
    raise AppointmentError(ErrorCode.QUEUE_EMPTY)


def _ticket_for_staff(*, actor, municipality, ticket_id: int) -> WaitTicket:
    _require_staff(actor=actor, municipality=municipality)
    ticket = WaitTicket.objects.filter(municipality=municipality, pk=ticket_id).first()
    if ticket is None:
        raise Http404
    return ticket


def ticket_act(
    *,
    actor,
    municipality,
    ticket_id: int,
    action: str,
    to_counter_id: int | None = None,
    now: dt.datetime | None = None,
) -> WaitTicket:
    """The counter screen's buttons: call_again, no_show, park, resume, finish, transfer."""
    now = now or timezone.now()
    ticket = _ticket_for_staff(actor=actor, municipality=municipality, ticket_id=ticket_id)
    changes: dict[str, tuple[TicketStatus, dict[str, Any]]] = {
        "call_again": (
            TicketStatus.CALLED,
            {"called_at": now, "call_count": ticket.call_count + 1},
        ),
        "no_show": (TicketStatus.NO_SHOW, {"finished_at": now}),
        "park": (TicketStatus.PARKED, {}),
        "resume": (TicketStatus.WAITING, {"counter": None}),
        "finish": (TicketStatus.DONE, {"finished_at": now}),
    }
    if action == "transfer":
        office = ticket.office
        target = _counter(municipality=municipality, office=office, counter_id=to_counter_id or 0)
        to, values = TicketStatus.WAITING, {"transferred_to": target, "counter": None}
        if ticket.status != TicketStatus.CALLED:
            raise AppointmentError(ErrorCode.TICKET_STATE)
    elif action in changes:
        to, values = changes[action]
        required = {"call_again": TicketStatus.CALLED, "resume": TicketStatus.PARKED}
        if action in required and ticket.status != required[action]:
            raise AppointmentError(ErrorCode.TICKET_STATE)
    else:
        raise AppointmentError(ErrorCode.TICKET_STATE, {"action": action})
    with transaction.atomic():
        if not _ticket_transition(ticket=ticket, to=to, values=values):
            raise AppointmentError(ErrorCode.TICKET_STATE)
        audit_event_record(
            action=f"appointments.ticket.{action}",
            actor=actor,
            municipality=municipality,
            target=ticket,
        )
    return ticket


# --- reads ---------------------------------------------------------------------------------------
def call_display(
    *, municipality, office_slug: str, now: dt.datetime | None = None
) -> list[dict[str, str]]:
    """The waiting room's screen: the latest calls, newest first ("T012 → Schalter 4").

    Public and free of personal data: numbers and counter names only.
    """
    now = now or timezone.now()
    office = _office(municipality=municipality, office_slug=office_slug)
    rows = (
        WaitTicket.objects.filter(
            municipality=municipality,
            office=office,
            day=now.astimezone(TZ).date(),
            status=TicketStatus.CALLED,
        )
        .select_related("counter")
        .order_by("-called_at")[:DISPLAY_LENGTH]
    )
    return [
        {
            "number": row.number,
            "counter": row.counter.name if row.counter else "",
            "called_at": row.called_at.isoformat() if row.called_at else "",
            "call_count": str(row.call_count),
        }
        for row in rows
    ]


def queue_for_office(
    *, actor, municipality, office_slug: str, now: dt.datetime | None = None
) -> QuerySet[WaitTicket]:
    """Today's tickets of an office, for its clerks."""
    now = now or timezone.now()
    _require_staff(actor=actor, municipality=municipality)
    office = _office(municipality=municipality, office_slug=office_slug)
    return WaitTicket.objects.filter(
        municipality=municipality, office=office, day=now.astimezone(TZ).date()
    ).select_related("counter", "booking")


def ticket_case_reference(*, municipality, ticket: WaitTicket) -> str:
    """The reference of the submitted case whose journey booked the ticket's appointment, so
    the clerk who called it opens the prepared application; "" for a walk-in or a booking
    without a case."""
    if ticket.booking_id is None or ticket.municipality_id != municipality.pk:
        return ""
    reference = (
        Booking.objects.filter(
            pk=ticket.booking_id, municipality=municipality, case__municipality=municipality
        )
        .exclude(case__reference="")
        .values_list("case__reference", flat=True)
        .first()
    )
    return reference or ""


def waiting_estimate(*, municipality, office_slug: str, now: dt.datetime | None = None) -> dict:
    """People waiting and a rough wait in minutes, from today's finished service times."""
    now = now or timezone.now()
    office = _office(municipality=municipality, office_slug=office_slug)
    today = WaitTicket.objects.filter(office=office, day=now.astimezone(TZ).date())
    waiting = today.filter(status=TicketStatus.WAITING).count()
    durations = [
        (t.finished_at - t.called_at).total_seconds() / 60
        for t in today.filter(status=TicketStatus.DONE, called_at__isnull=False)
        if t.finished_at
    ]
    per_person = sum(durations) / len(durations) if durations else 10.0
    counters = max(1, Counter.objects.filter(office=office, is_active=True).count())
    return {"waiting": waiting, "minutes": round(waiting * per_person / counters)}


def office_day_statistics(*, actor, municipality, office_slug: str, day: dt.date) -> dict:
    """Bookings, no-shows, waiting and service times of one office and day, for its staff.

    Waiting time runs from arrival (or the appointment's start, if the person came early) to the
    first call; service time from the call to "finish".
    """
    _require_staff(actor=actor, municipality=municipality)
    office = _office(municipality=municipality, office_slug=office_slug)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=TZ)
    end = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=TZ)
    bookings = Booking.objects.filter(
        municipality=municipality, office=office, start__gte=start, start__lt=end
    )
    tickets = list(WaitTicket.objects.filter(municipality=municipality, office=office, day=day))
    waits = [
        (t.called_at - max(t.created_at, t.queue_at)).total_seconds() / 60
        for t in tickets
        if t.called_at
    ]
    services_ = [
        (t.finished_at - t.called_at).total_seconds() / 60
        for t in tickets
        if t.status == TicketStatus.DONE and t.called_at and t.finished_at
    ]

    def mean(values: list[float]) -> float | None:
        return round(sum(values) / len(values), 1) if values else None

    return {
        "bookings": bookings.filter(
            status__in=[BookingStatus.CONFIRMED, BookingStatus.NO_SHOW]
        ).count(),
        "cancelled": bookings.filter(status=BookingStatus.CANCELLED).count(),
        "checked_in": sum(1 for t in tickets if t.kind == TicketKind.APPOINTMENT),
        "walk_ins": sum(1 for t in tickets if t.kind == TicketKind.WALK_IN),
        "no_shows": sum(1 for t in tickets if t.status == TicketStatus.NO_SHOW)
        # Appointments that are over without a check-in count as no-shows too, whether or not
        # the periodic task (services.bookings_mark_no_show) has marked them yet.
        + bookings.filter(
            Q(status=BookingStatus.NO_SHOW)
            | Q(status=BookingStatus.CONFIRMED, ticket__isnull=True, end__lt=timezone.now())
        ).count(),
        "served": len(services_),
        "mean_wait_minutes": mean(waits),
        "mean_service_minutes": mean(services_),
    }


def ticket_walk_in_with_challenge(*, municipality, office_slug: str, payload: str) -> WaitTicket:
    """An online wait ticket: spend a solved proof-of-work first, so tickets cannot be hoarded."""
    challenge_verify(municipality=municipality, payload=payload)
    return ticket_walk_in(municipality=municipality, office_slug=office_slug)


def office_day_bookings(*, actor, municipality, office_slug: str, day: dt.date) -> dict:
    """The day view for the town's staff: each slot time with its occupancy and the bookings
    that start then (services, code, status, check-in state, the name decrypted).

    Staff reading people's bookings is recorded as an audit event with counts only: who looked at
    which office and day, never the names.
    """
    bookings = list(
        bookings_for_office_day(
            actor=actor, municipality=municipality, office_slug=office_slug, day=day
        ).exclude(status=BookingStatus.EXPIRED)
    )
    slots = list(
        slot_occupancy(actor=actor, municipality=municipality, office_slug=office_slug, day=day)
    )
    tickets = {
        ticket.booking_id: ticket
        for ticket in WaitTicket.objects.filter(
            municipality=municipality, booking__in=[b.pk for b in bookings]
        )
    }
    names = catalogue_names(municipality=municipality)
    rows: dict[dt.datetime, dict[str, Any]] = {
        slot.start: {
            "start": slot.start,
            "capacity": slot.capacity,
            "taken": slot.taken,
            "bookings": [],
        }
        for slot in slots
    }
    for booking in bookings:
        row = rows.setdefault(
            booking.start, {"start": booking.start, "capacity": None, "taken": None, "bookings": []}
        )
        row["bookings"].append(
            {
                "booking": booking,
                "services": [
                    (names.get(item.service_slug, item.service_slug), item.count)
                    for item in booking.items.all()
                ],
                "ticket": tickets.get(booking.pk),
            }
        )
    with transaction.atomic():
        audit_event_record(
            action="appointments.day_view.read",
            actor=actor,
            municipality=municipality,
            data={
                "office": office_slug,
                "day": day.isoformat(),
                "bookings": len(bookings),
            },
        )
    return {
        "rows": [rows[start] for start in sorted(rows)],
        "bookings": len(bookings),
        "capacity": sum(slot.capacity for slot in slots),
        "taken": sum(slot.taken for slot in slots),
    }
