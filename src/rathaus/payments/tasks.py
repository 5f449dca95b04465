from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import payments_reconcile


@db_periodic_task(crontab(minute="*/5"))
def reconcile() -> None:
    """Ask the platform about every open or pending payment (see docs/payments.md)."""
    payments_reconcile()
