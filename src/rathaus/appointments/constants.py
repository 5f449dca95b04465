"""Public constants of the appointments app: statuses, transitions and stable error codes."""

from django.db import models
from django.utils.translation import gettext_lazy as _

BERLIN = "Europe/Berlin"

# Purpose string of the e-mail blind index, so booking digests never collide with account digests.
EMAIL_DIGEST_PURPOSE = "appointments-email"


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class NameGender(models.TextChoices):
    """The grammatical gender of an office's name, for sentences that need its article."""

    NEUTER = "n", _("neuter (das Bürgerbüro)")
    MASCULINE = "m", _("masculine (der Bürgerservice)")
    FEMININE = "f", _("feminine (die Stadtverwaltung)")
    PLURAL = "p", _("plural (die Bürgerdienste)")


class BookingStatus(models.TextChoices):
    HELD = "held", _("held, awaiting e-mail confirmation")
    CONFIRMED = "confirmed", _("confirmed")
    CANCELLED = "cancelled", _("cancelled")
    EXPIRED = "expired", _("expired")
    NO_SHOW = "no_show", _("over, never checked in")


# The only status changes a booking may go through (see services.status.booking_transition).
ALLOWED_TRANSITIONS: dict[str, frozenset[str]] = {
    BookingStatus.HELD: frozenset(
        {BookingStatus.CONFIRMED, BookingStatus.EXPIRED, BookingStatus.CANCELLED}
    ),
    BookingStatus.CONFIRMED: frozenset({BookingStatus.CANCELLED, BookingStatus.NO_SHOW}),
    BookingStatus.CANCELLED: frozenset(),
    BookingStatus.EXPIRED: frozenset(),
    BookingStatus.NO_SHOW: frozenset(),
}


class HoldState(models.TextChoices):
    """Life of the capacity a hold occupies. Only ``RELEASED`` gives the units back to the slots."""

    ACTIVE = "active", _("active (expires unless confirmed)")
    BOOKED = "booked", _("booked (kept until the appointment)")
    QUARANTINE = "quarantine", _("cancelled, in quarantine")
    RELEASED = "released", _("released")


class ErrorCode(models.TextChoices):
    """Stable error codes; the API returns them as ``code``."""

    SLOT_UNAVAILABLE = "slot_unavailable", _("The chosen time is no longer available.")
    OUTSIDE_BOOKING_WINDOW = (
        "outside_booking_window",
        _("The chosen time cannot be booked (too early, too late or not yet released)."),
    )
    SERVICE_NOT_OFFERED = "service_not_offered", _("This office does not offer the chosen service.")
    HOLD_NOT_FOUND = "hold_not_found", _("The reservation does not exist.")
    HOLD_EXPIRED = "hold_expired", _("The reservation has expired. Please choose a time again.")
    HOLD_ALREADY_USED = "hold_already_used", _("The reservation has already been used.")
    EMAIL_LIMIT_REACHED = (
        "email_limit_reached",
        _("This e-mail address already has the maximum number of open appointments."),
    )
    IDENTITY_LIMIT_REACHED = (
        "identity_limit_reached",
        _("You already have the maximum number of open appointments for your verified identity."),
    )
    INVALID_TOKEN = "invalid_token", _("The link is invalid or has expired.")
    ALREADY_CONFIRMED = "already_confirmed", _("The appointment has already been confirmed.")
    NOT_CANCELLABLE = "not_cancellable", _("The appointment cannot be cancelled any more.")
    NOT_MOVABLE = "not_movable", _("The appointment cannot be moved any more.")
    CHECK_IN_REFUSED = (
        "check_in_refused",
        _("Check-in is not possible for this booking code here and now."),
    )
    TICKET_STATE = "ticket_state", _("This action is not possible for the ticket now.")
    QUEUE_EMPTY = "queue_empty", _("Nobody is waiting.")
    CHALLENGE_INVALID = "challenge_invalid", _("The security check failed. Please try again.")
    CHALLENGE_REUSED = "challenge_reused", _("The security check has already been used.")


class TicketKind(models.TextChoices):
    APPOINTMENT = "appointment", _("appointment")
    WALK_IN = "walk_in", _("walk-in")


# Ticket numbers start with a letter by kind, e.g. T012 for an appointment, W007 for a walk-in.
TICKET_PREFIX = {TicketKind.APPOINTMENT: "T", TicketKind.WALK_IN: "W"}


class TicketStatus(models.TextChoices):
    WAITING = "waiting", _("waiting")
    CALLED = "called", _("called")
    PARKED = "parked", _("parked")
    DONE = "done", _("done")
    NO_SHOW = "no_show", _("did not come")


TICKET_TRANSITIONS: dict[str, frozenset[str]] = {
    TicketStatus.WAITING: frozenset({TicketStatus.CALLED}),
    # Transfer to another counter puts a called ticket back in the queue for that counter.
    TicketStatus.CALLED: frozenset(
        {
            TicketStatus.CALLED,
            TicketStatus.DONE,
            TicketStatus.NO_SHOW,
            TicketStatus.PARKED,
            TicketStatus.WAITING,
        }
    ),
    TicketStatus.PARKED: frozenset({TicketStatus.WAITING}),
    TicketStatus.DONE: frozenset(),
    TicketStatus.NO_SHOW: frozenset(),
}

# Appointments are called from this many minutes before their start; walk-ins fill the gaps.
CALL_AHEAD_MINUTES = 5
# Check-in is possible from this long before the appointment until this long after its start.
CHECK_IN_EARLY_MINUTES = 60
CHECK_IN_LATE_MINUTES = 15
