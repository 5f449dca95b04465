"""Background tasks of the Führungszeugnis (ids only)."""

from django.conf import settings
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .services import bzr_demo_receipts_overdue, bzr_receipt_confirm

# How long after its due time a demo confirmation counts as lost rather than late.
DEMO_RECEIPT_GRACE_SECONDS = 60


@db_task()
def bzr_demo_receipt(*, message_id: int) -> None:
    """The demo connector's stand-in for the federal register's confirmation of receipt."""
    bzr_receipt_confirm(message_id=message_id)


@db_periodic_task(crontab(minute="*"))
def bzr_demo_receipts_overdue_confirm() -> None:
    """Confirms the demo connector's messages whose confirmation was never scheduled or was lost
    (a confirmation is idempotent, so one that is only late does no harm)."""
    overdue = bzr_demo_receipts_overdue(
        now=timezone.now(),
        seconds=settings.RATHAUS_BZR_DEMO_CONFIRM_SECONDS + DEMO_RECEIPT_GRACE_SECONDS,
    )
    for message_id in overdue:
        bzr_receipt_confirm(message_id=message_id)
