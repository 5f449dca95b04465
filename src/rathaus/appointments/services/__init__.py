"""Services (writes) of the booking engine, one module per concern:

* ``policy``: an office's set-up as the services read it (policy, booking window, calendar
  rules, the services it offers);
* ``calendar``: the slot rows materialised from that set-up;
* ``holds``: slots reserved for an appointment, all or none, by conditional updates the
  database decides (see the module for why no two requests can take the last unit);
* ``bookings``: a person attached to a hold, confirmed by e-mail, cancelled, moved, reminded;
* ``status``: a booking's one status-change function; ``tokens``: codes and signed links.

Other modules and apps import from ``rathaus.appointments.services`` only; what is listed here
is the public face.
"""

from ..errors import AppointmentError
from .bookings import (
    booking_cancel,
    booking_confirm,
    booking_finalise,
    booking_move,
    booking_reminders_send,
    bookings_mark_no_show,
)
from .calendar import slots_materialise, slots_materialise_all
from .holds import (
    HoldPlan,
    hold_create,
    hold_expire,
    hold_plan,
    hold_take,
    hold_write,
    holds_expire_due,
    holds_release_quarantined,
)
from .policy import calendar_rules, email_digest, policy_for, resolve_services, window_for
from .tokens import (
    CANCEL_SALT,
    CONFIRM_SALT,
    MOVE_SALT,
    cancel_token_make,
    cancel_token_valid,
    confirm_token_make,
    move_token_make,
    move_token_valid,
)

__all__ = [
    "CANCEL_SALT",
    "CONFIRM_SALT",
    "MOVE_SALT",
    "AppointmentError",
    "HoldPlan",
    "booking_cancel",
    "booking_confirm",
    "booking_finalise",
    "booking_move",
    "booking_reminders_send",
    "bookings_mark_no_show",
    "calendar_rules",
    "cancel_token_make",
    "cancel_token_valid",
    "confirm_token_make",
    "email_digest",
    "hold_create",
    "hold_expire",
    "hold_plan",
    "hold_take",
    "hold_write",
    "holds_expire_due",
    "holds_release_quarantined",
    "move_token_make",
    "move_token_valid",
    "policy_for",
    "resolve_services",
    "slots_materialise",
    "slots_materialise_all",
    "window_for",
]
