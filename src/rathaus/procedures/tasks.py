"""Periodic tasks of the procedures (found by Huey's autodiscovery of ``<app>.tasks``).
Tasks carry ids only."""

from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .anmeldung.reminders import consent_reminder_send, consent_reminders_due
from .anmeldung.services import rueckmeldungen_overdue_check
from .auskunftssperre.reminders import reminder_send, reminders_due


@db_periodic_task(crontab(hour="6", minute="23"))
def auskunftssperre_reminders() -> None:
    """Daily: a reminder before an Auskunftssperre ends (§51(4) BMG), one task per block."""
    for block_id in reminders_due(today=timezone.localdate()):
        auskunftssperre_reminder(block_id=block_id)


@db_task()
def auskunftssperre_reminder(*, block_id: int) -> None:
    reminder_send(block_id=block_id, today=timezone.localdate())


@db_periodic_task(crontab(hour="6", minute="29"))
def rueckmeldungen_overdue() -> None:
    """Daily: Rückmeldungen (XMeld 0202) without their 0203 after three working days go to the
    clerk (§33(1) BMG)."""
    rueckmeldungen_overdue_check()


@db_periodic_task(crontab(minute="41"))
def custody_consent_reminders() -> None:
    """Hourly: one reminder to the other parent a few days before a consent code ends, one task
    per code (its id only)."""
    for code_id in consent_reminders_due(now=timezone.now()):
        custody_consent_reminder(code_id=code_id)


@db_task()
def custody_consent_reminder(*, code_id: int) -> None:
    consent_reminder_send(code_id=code_id)
