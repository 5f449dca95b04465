"""Bookings: a person attached to a hold, confirmed by e-mail, cancelled, moved, reminded.

The per-e-mail limit is checked while holding a row lock on the address's ``EmailBookingLock``
row, so parallel requests with one address are counted one after the other; the per-identity
limit likewise on ``AccountBookingLock``. Every service locks the hold before its booking.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.core.audit import audit_event_record
from rathaus.core.language import language_supported
from rathaus.notifications.services import email_send
from rathaus.tenants.selectors import municipality_absolute_url

from .. import slots as slot_rules
from ..constants import CHECK_IN_LATE_MINUTES, BookingStatus, ErrorCode, HoldState
from ..errors import AppointmentError
from ..ics import booking_ics_attachment
from ..models import (
    AccountBookingLock,
    Booking,
    BookingService,
    EmailBookingLock,
    Hold,
    OfficeService,
)
from .holds import hold_create, hold_lock, hold_release
from .policy import email_digest, policy_for
from .status import booking_transition
from .tokens import (
    CANCEL_SALT,
    CONFIRM_SALT,
    booking_code_make,
    cancel_token_make,
    confirm_token_make,
    move_token_make,
    move_token_valid,
)


def _booking_mail_context(booking: Booking) -> dict:
    """What the booking e-mails say: time, place, services, what to bring, code and the signed
    links; not the name."""
    # The selectors import the services' policy helpers: a top-level import would be a circle.
    from ..selectors import booking_services_shown

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
            code=booking_code_make(),
            start=hold.start,
            end=hold.end,
            name=name,
            email=email,
            email_digest=digest,
            phone=phone,
            citizen=citizen if citizen is not None and citizen.is_authenticated else None,
            # Later mails (reminder, a move by the office) go out in the language booked in.
            language=language_supported(translation.get_language()),
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
        hold_lock(municipality=municipality, hold_id=hold_id)
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
        if not won or not booking_transition(
            booking=booking, to=BookingStatus.CONFIRMED, now=now, extra={"confirmed_at": now}
        ):
            raise AppointmentError(ErrorCode.HOLD_EXPIRED)
        email_send(
            to=booking.email,
            template="appointments/email/booked",
            language=booking.language,
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
        hold_lock(municipality=municipality, hold_id=hold_id)
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
        if not won or not booking_transition(
            booking=booking, to=BookingStatus.CANCELLED, now=now, extra={"cancelled_at": now}
        ):
            raise AppointmentError(ErrorCode.NOT_CANCELLABLE)
        if policy.quarantine_minutes == 0:
            hold_release(hold=booking.hold, from_state=HoldState.QUARANTINE, now=now)
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
        hold_lock(municipality=municipality, hold_id=booking.hold_id)
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
            hold_release(hold=old_hold, from_state=HoldState.QUARANTINE, now=now)
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
            language=booking.language,
            context=_booking_mail_context(booking),
            attachments=[booking_ics_attachment(booking)],
        )
    return booking


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
                    language=booking.language,
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
            marked += booking_transition(booking=booking, to=BookingStatus.NO_SHOW, now=now)
    return marked
