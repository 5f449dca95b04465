"""Periodic tasks of the procedures (Huey). Tasks carry ids only."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .anmeldung.services import rueckmeldungen_overdue_check


@db_periodic_task(crontab(hour="6", minute="23"))
def rueckmeldungen_overdue():
    """Daily: Rückmeldungen (XMeld 0202) without their 0203 after three working days go to the
    clerk (§33(1) BMG)."""
    rueckmeldungen_overdue_check()
