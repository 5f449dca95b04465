"""Booking codes and the signed links of the booking e-mails (confirm, cancel, move)."""

from __future__ import annotations

import secrets

from django.core import signing

from ..models import Booking

CONFIRM_SALT = "rathaus.appointments.confirm"
CANCEL_SALT = "rathaus.appointments.cancel"
MOVE_SALT = "rathaus.appointments.move"
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read out at a counter
CODE_LENGTH = 8


def booking_code_make() -> str:
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
