from django.db import models
from django.utils.translation import gettext_lazy as _


class Terminal(models.Model):
    """A Bürgerterminal: one browser in a town hall, made a terminal by a one-time code.

    The browser keeps a random device token in a signed cookie; only its keyed hash is stored,
    bound to the municipality. A revoked terminal's browser is an ordinary visitor again.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="terminals"
    )
    name = models.CharField(_("name"), max_length=120, help_text=_("Where it stands."))
    office = models.ForeignKey(
        "appointments.Office",
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="terminals",
        help_text=_("Where booked appointments are checked in and wait numbers are drawn."),
    )
    device_token_digest = models.CharField(max_length=64, blank=True, editable=False)
    enrolment_code_digest = models.CharField(max_length=64, blank=True, editable=False)
    enrolment_code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    enrolled_at = models.DateTimeField(_("enrolled"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("last activity"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("public terminal")
        verbose_name_plural = _("public terminals")
        ordering = ["municipality", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["device_token_digest"],
                condition=~models.Q(device_token_digest=""),
                name="kiosk_terminal_device_token_unique",
            ),
            models.UniqueConstraint(
                fields=["enrolment_code_digest"],
                condition=~models.Q(enrolment_code_digest=""),
                name="kiosk_terminal_enrolment_code_unique",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and bool(self.device_token_digest)
