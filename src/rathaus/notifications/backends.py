from django.core.mail.backends.base import BaseEmailBackend


class OutboxBackend(BaseEmailBackend):
    """Stores mail in the database so the demo outbox page (and tests) can read it."""

    def send_messages(self, email_messages):
        from .models import OutboxMessage

        for message in email_messages:
            OutboxMessage.objects.create(
                recipients=", ".join(message.to), subject=message.subject, body=message.body
            )
        return len(email_messages)
