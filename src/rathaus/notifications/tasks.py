import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.utils import timezone
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from .models import QueuedEmail

logger = logging.getLogger(__name__)


@db_task(retries=3, retry_delay=30)
def deliver_email(*, email_id: int) -> None:
    """Send one queued e-mail, then delete it. Only its id passes through the task queue; a
    failed delivery keeps the (encrypted) row for the next retry."""
    queued = QueuedEmail.objects.filter(pk=email_id).first()
    if queued is None:  # delivered by an earlier run of this task
        return
    message = EmailMessage(
        subject=queued.subject, body=queued.body, from_email=None, to=queued.recipients
    )
    for filename, content, mimetype in queued.attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
    queued.delete()


@db_periodic_task(crontab(hour="4", minute="23"))
def undeliverable_emails_delete(*, now: dt.datetime | None = None) -> int:
    """Daily: delete queued e-mails still undelivered ``RATHAUS_QUEUED_EMAIL_DAYS`` after they
    were queued. The delivery task's retries are long spent by then; the mail server refused or
    was unreachable. The log names how many, never a recipient."""
    days = settings.RATHAUS_QUEUED_EMAIL_DAYS
    cutoff = (now or timezone.now()) - dt.timedelta(days=days)
    count, _ = QueuedEmail.objects.filter(created_at__lt=cutoff).delete()
    if count:
        logger.warning("deleted %d e-mail(s) undelivered after %d days", count, days)
    return count
