"""The appointment a case's journey booked: the case engine's "booking" journey service.

The engine sits below this app, so it reaches bookings only through this object, registered
when Django starts (``apps.AppointmentsConfig.ready``): a procedure ties the booking it made to
its case, the case page shows it, and withdrawing or rejecting the case cancels it. A booking
that is moved stays the same booking, so it stays with its case.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from rathaus.core.audit import audit_event_record

from .constants import BookingStatus
from .errors import AppointmentError
from .models import Booking
from .services import booking_cancel, cancel_token_make

ACTIVE = (BookingStatus.HELD, BookingStatus.CONFIRMED)


@dataclass(frozen=True)
class CaseBooking:
    label: str
    url: str
    status: str
    start: datetime.datetime


class CaseBookings:
    name = "booking"

    @transaction.atomic
    def attach(self, *, case, booking: Booking) -> Booking:
        """Tie ``booking`` (of the case's town) to ``case``."""
        if booking.municipality_id != case.municipality_id:
            raise ValueError("a booking belongs to a case of its own town only")
        Booking.objects.filter(pk=booking.pk, municipality=case.municipality_id).update(case=case)
        booking.case = case
        audit_event_record(
            action="appointments.booking.case_attached",
            municipality=case.municipality,
            target=booking,
            data={"case": case.pk},
        )
        return booking

    def book_url(self, *, case) -> str:
        """Where the case's applicant books the appointment it needs."""
        return reverse("appointments:book_for_case", args=[case.reference])

    def for_case(self, *, case) -> list[CaseBooking]:
        """The case's active appointments, as its page lists them."""
        bookings = Booking.objects.filter(
            municipality=case.municipality_id, case=case, status__in=ACTIVE
        ).select_related("office")
        return [
            CaseBooking(
                label=f"{booking.office.name}, "
                f"{date_format(timezone.localtime(booking.start), 'SHORT_DATETIME_FORMAT')}",
                url=reverse(
                    "appointments:booking", args=[booking.code, cancel_token_make(booking)]
                ),
                status=booking.status,
                start=booking.start,
            )
            for booking in bookings
        ]

    def case_closed(self, *, case, now=None) -> None:
        """The case was withdrawn or rejected: its future appointments are cancelled (the slots go
        back to the pool after the office's quarantine, as with any cancellation)."""
        now = now or timezone.now()
        bookings = Booking.objects.filter(
            municipality=case.municipality_id, case=case, status__in=ACTIVE, start__gt=now
        )
        for booking in bookings:
            try:
                booking_cancel(
                    municipality=case.municipality,
                    code=booking.code,
                    token=cancel_token_make(booking),
                    now=now,
                )
            except AppointmentError:  # it began meanwhile: nothing left to cancel
                continue
