from django.core.mail import EmailMessage
from huey.contrib.djhuey import db_task

from .models import QueuedEmail


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
