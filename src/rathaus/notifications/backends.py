from email.mime.base import MIMEBase

from django.core.mail.backends.base import BaseEmailBackend

from .models import OutboxAttachment, OutboxMessage


def _attachment_parts(message) -> list[tuple[str, str, str]]:
    """(filename, text, media type) of each attachment, whether given as a tuple or a MIME part."""
    parts = []
    for attachment in message.attachments:
        if isinstance(attachment, MIMEBase):
            payload = attachment.get_payload(decode=True) or b""
            filename = attachment.get_filename() or ""
            mimetype = attachment.get_content_type()
            content = payload
        else:
            filename, content, mimetype = attachment
        if isinstance(content, bytes):
            content = content.decode("utf-8", errors="replace")
        parts.append((filename or "", content, mimetype or "application/octet-stream"))
    return parts


class OutboxBackend(BaseEmailBackend):
    """Stores mail in the database so the demo outbox page (and tests) can read it."""

    def send_messages(self, email_messages):

        for message in email_messages:
            stored = OutboxMessage.objects.create(
                recipients=", ".join(message.to), subject=message.subject, body=message.body
            )
            OutboxAttachment.objects.bulk_create(
                OutboxAttachment(message=stored, filename=name, content=content, mimetype=kind)
                for name, content, kind in _attachment_parts(message)
            )
        return len(email_messages)
