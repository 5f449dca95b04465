"""Periodic work of the booking engine (Huey)."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from . import services
from .challenge import used_challenges_purge


@db_periodic_task(crontab(minute="*"))
def holds_expire_task() -> int:
    """Unconfirmed reservations whose time is up give their slots back."""
    return services.holds_expire_due()


@db_periodic_task(crontab(minute="*"))
def quarantine_release_task() -> int:
    """Cancelled appointments give their slots back once the quarantine is over."""
    return services.holds_release_quarantined()


@db_periodic_task(crontab(minute="5", hour="*"))
def slots_materialise_task() -> int:
    """Keep every active office's slots written up to the end of its booking window."""
    return services.slots_materialise_all()


@db_periodic_task(crontab(minute="0", hour="16"))
def booking_reminders_task() -> int:
    """Reminder e-mails for the next day's appointments, once a day in the afternoon."""
    return services.booking_reminders_send()


@db_periodic_task(crontab(minute="*/15"))
def bookings_no_show_task() -> int:
    """Appointments that are over and were never checked in become "no-show"."""
    return services.bookings_mark_no_show()


@db_periodic_task(crontab(minute="17", hour="*"))
def used_challenges_purge_task() -> int:

    return used_challenges_purge()
