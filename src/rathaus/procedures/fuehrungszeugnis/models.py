"""The outbox of applications to the federal register (Bundeszentralregister): one row per
message, written when the clerk sends the application, with its transmission and the register's
confirmation of receipt. Kept small and on its own so that it can later join a shared outbox."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.core.fields import EncryptedTextField, EncryptionRowIdField


class BzrMessageStatus(models.TextChoices):
    WRITTEN = "written", _("written")
    CONFIRMED = "confirmed", _("receipt confirmed")


class BzrOutboxMessage(models.Model):
    public_id = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    encryption_row_id = EncryptionRowIdField()
    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    # Kept when the case is deleted after its retention: the row then documents the transmission.
    case = models.ForeignKey(
        "cases.Case", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    message_type = models.CharField(_("message type"), max_length=40, default="bzr.antrag")
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=BzrMessageStatus.choices,
        default=BzrMessageStatus.WRITTEN,
    )
    content = EncryptedTextField(_("XML message"))
    connector = models.CharField(_("connector"), max_length=200)
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)
    transmitted_at = models.DateTimeField(_("transmitted at"), null=True, blank=True)
    transmission_id = models.CharField(_("transmission id"), max_length=100, blank=True)
    confirmed_at = models.DateTimeField(_("receipt confirmed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("message to the federal register")
        verbose_name_plural = _("outbox to the federal register")
        ordering = ["created_at", "pk"]
        constraints = [
            # One application message per case: a second approval cannot send it twice.
            models.UniqueConstraint(
                fields=["case", "message_type"], name="fz_outbox_one_message_per_case"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | models.Q(confirmed_at__isnull=False),
                name="fz_outbox_confirmed_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.message_type} {self.public_id}"
