from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A staff API token of one municipality.

    The clear token (``rth_<prefix>_<secret>``) is shown once when the token is created; only the
    SHA-256 digest of its secret is stored. A token acts as its ``acting_user``, a staff member of
    the same municipality: the case engine's rules for staff apply to everything it does.
    Create and revoke through ``services.api_token_create`` / ``services.api_token_revoke``.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is used for."))
    acting_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="api_tokens",
        verbose_name=_("acts as"),
        help_text=_(
            "A staff member of this municipality. Case history and audit events name this "
            "person for everything the token does."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    prefix = models.CharField(_("token prefix"), max_length=32, unique=True, editable=False)
    secret_hash = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked = models.BooleanField(_("revoked"), default=False)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["municipality", "revoked"])]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"
