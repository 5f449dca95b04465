from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import (
    EncryptedCharField,
    EncryptedJSONField,
    EncryptedTextField,
    EncryptionRowIdField,
)


class QueuedEmail(models.Model):
    """An e-mail waiting for the worker, encrypted; the queued task carries only its id.

    Either ready (``subject`` and ``body`` rendered when it was queued) or built by the worker:
    ``template`` with the JSON ``context`` and the collected ``items``, rendered in
    ``language``. A mail with a ``bundle_key`` collects the items queued for the same recipient
    and bundle until ``send_after``. The row is deleted once the mail is handed to the mail
    server, so neither the task queue nor this table keeps an address, a link or a body after
    delivery."""

    encryption_row_id = EncryptionRowIdField()
    recipients = EncryptedJSONField(_("recipients"))
    subject = EncryptedCharField(_("subject"), max_length=255, blank=True)
    body = EncryptedTextField(_("body"), blank=True)
    attachments = EncryptedJSONField(_("attachments"), null=True, blank=True)
    template = models.CharField(max_length=200, blank=True, default="")
    context = EncryptedJSONField(null=True, blank=True)
    items = EncryptedJSONField(null=True, blank=True)
    language = models.CharField(max_length=8, blank=True, default="")
    # Keyed hash of the bundle and the recipient (never the address itself).
    bundle_key = models.CharField(max_length=64, blank=True, default="", db_index=True)
    send_after = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("queued e-mail")
        verbose_name_plural = _("queued e-mails")

    def __str__(self) -> str:
        return f"#{self.pk}"


class OutboxMessage(models.Model):
    """A sent e-mail as the demo outbox shows it (demo and test settings only)."""

    encryption_row_id = EncryptionRowIdField()
    recipients = EncryptedTextField(_("recipients"))
    subject = EncryptedCharField(_("subject"), max_length=255)
    body = EncryptedTextField(_("body"))
    sent_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("sent e-mail")
        verbose_name_plural = _("sent e-mails")

    def __str__(self) -> str:
        return self.subject


class OutboxAttachment(models.Model):
    """A file attached to a sent e-mail in the demo outbox (e.g. the appointment's ``.ics``)."""

    message = models.ForeignKey(OutboxMessage, on_delete=models.CASCADE, related_name="attachments")
    encryption_row_id = EncryptionRowIdField()
    filename = EncryptedCharField(_("file name"), max_length=255)
    content = EncryptedTextField(_("content"))
    mimetype = models.CharField(_("media type"), max_length=100)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("e-mail attachment")
        verbose_name_plural = _("e-mail attachments")

    def __str__(self) -> str:
        return self.filename
