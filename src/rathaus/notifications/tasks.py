import datetime as dt
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.utils import DNS_NAME
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from rathaus.core.crypto import blind_index

from .models import QueuedEmail

logger = logging.getLogger(__name__)
# Waiting e-mails handed to the worker again per minute at most (the oldest first).
RESEND_BATCH = 500
MESSAGE_ID_PURPOSE = "email-message-id"


@db_task(retries=3, retry_delay=30)
def deliver_email(*, email_id: int) -> None:
    """Send one queued e-mail, then delete it. Only its id passes through the task queue; a
    failed delivery keeps the (encrypted) row for the next retry. A mail queued with a template
    is rendered here, in the recipient's language, with every item collected until now."""
    with transaction.atomic():
        # Locked, so that an update joining a bundle waits until this mail has left.
        queued = QueuedEmail.objects.select_for_update().filter(pk=email_id).first()
        if queued is None:  # delivered by an earlier run of this task
            return
        subject, body = email_render(queued)
        message = EmailMessage(
            subject=subject,
            body=body,
            from_email=None,
            to=queued.recipients,
            headers={"Message-ID": message_id(queued)},
        )
        for filename, content, mimetype in queued.attachments or []:
            message.attach(filename, content, mimetype)
        message.send()
        queued.delete()


def message_id(queued: QueuedEmail) -> str:
    """The same Message-ID at every attempt of one queued mail. Delivery is at least once: a
    worker that dies (or loses its database connection) after the mail server took the mail and
    before the row's deletion is committed sends it again, and mail programs show a repeated
    Message-ID once. Derived from the row's random id by a keyed hash, so it names nothing."""
    digest = blind_index(str(queued.encryption_row_id), purpose=MESSAGE_ID_PURPOSE)[:40]
    return f"<{digest}@{DNS_NAME}>"


def email_render(queued: QueuedEmail) -> tuple[str, str]:
    """Subject and body of ``queued``: as stored, or rendered from its template."""
    if not queued.template:
        return queued.subject, queued.body
    context = {**(queued.context or {}), "items": queued.items or []}
    with translation.override(queued.language or settings.LANGUAGE_CODE):
        subject = render_to_string(f"{queued.template}_subject.txt", context)
        body = render_to_string(f"{queued.template}_body.txt", context)
    return " ".join(subject.split())[:255], body


@db_periodic_task(crontab(minute="*"))
def waiting_emails_resend(*, now: dt.datetime | None = None) -> int:
    """Every minute: hand each e-mail still waiting ``RATHAUS_QUEUED_EMAIL_RESEND_SECONDS`` after
    it was due (or was last handed over) to the worker again, once, without further retries of
    that task.

    The row is what guarantees delivery, not the queue: a task a worker had taken is gone when
    the worker is killed, and every task waits only in Redis's memory (no persistence needed).
    A second task for a mail that is still being sent waits for the row's lock and then finds
    the row deleted, so a mail goes out twice only when a worker dies after the mail server took
    it and before the deletion was committed."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(seconds=settings.RATHAUS_QUEUED_EMAIL_RESEND_SECONDS)
    waiting = list(
        QueuedEmail.objects.filter(
            Q(send_after__isnull=True, created_at__lt=cutoff) | Q(send_after__lt=cutoff)
        )
        .order_by("pk")
        .values_list("pk", flat=True)[:RESEND_BATCH]
    )
    # Counted from now for the next check: a mail the mail server keeps refusing is handed over
    # once per period, not every minute, until undeliverable_emails_delete removes it.
    QueuedEmail.objects.filter(pk__in=waiting).update(send_after=now)
    for email_id in waiting:
        deliver_email(email_id=email_id, retries=0)
    if waiting:
        logger.warning("handed %d waiting e-mail(s) to the worker again", len(waiting))
    return len(waiting)


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
