"""A booking's status changes only here, along ``constants.ALLOWED_TRANSITIONS``."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rathaus.core.audit import audit_event_record

from ..constants import ALLOWED_TRANSITIONS, BookingStatus
from ..models import Booking


def booking_transition(
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
