import datetime

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from .services import payments_export_write, payments_reconcile


@db_periodic_task(crontab(minute="*/5"))
def reconcile() -> None:
    """Ask the platform about every open or pending payment (see docs/payments.md)."""
    payments_reconcile()


@db_periodic_task(crontab(hour="1", minute="5"))
def export_booked() -> None:
    """Yesterday's booked payments per municipality as CSV and JSON for the finance system."""
    directory = getattr(settings, "RATHAUS_PAYMENT_EXPORT_DIR", None) or (
        settings.VAR_DIR / "exports" / "payments"
    )
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    payments_export_write(day=yesterday, directory=directory)
