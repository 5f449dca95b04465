from django.core.mail import EmailMessage
from huey.contrib.djhuey import db_task


@db_task(retries=3, retry_delay=30)
def deliver_email(
    *, to: list[str], subject: str, body: str, attachments: list[list[str]] | None = None
) -> None:
    """Send one e-mail. ``attachments`` holds ``[filename, text, media type]`` triples (strings,
    so the task's arguments stay JSON-serialisable)."""
    message = EmailMessage(subject=subject, body=body, from_email=None, to=to)
    for filename, content, mimetype in attachments or []:
        message.attach(filename, content, mimetype)
    message.send()
