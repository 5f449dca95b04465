import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class IssuedDocument(models.Model):
    """A PDF the town issued for a case (e.g. a reply letter), verifiable at ``/pruefen/<code>/``.

    The PDF bytes are stored encrypted on disk (``storage_name``); ``sha256`` is the hash of exactly
    those bytes, which the public verification page compares an uploaded file against.
    """

    municipality = models.ForeignKey(
        "tenants.Municipality", on_delete=models.PROTECT, related_name="+"
    )
    case = models.ForeignKey(
        "cases.Case", on_delete=models.CASCADE, related_name="issued_documents"
    )
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    document_type = models.CharField(_("document type"), max_length=60)
    # The title as printed on the document, in the language it was issued in.
    title = models.CharField(_("title"), max_length=200, blank=True)
    verification_code = models.CharField(_("verification code"), max_length=16, unique=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=80, unique=True, editable=False)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    issued_at = models.DateTimeField(_("issued"))

    class Meta:
        ordering = ["issued_at", "pk"]
        indexes = [models.Index(fields=["municipality", "case"])]
        verbose_name = _("issued document")
        verbose_name_plural = _("issued documents")

    def __str__(self) -> str:
        return f"{self.document_type} {self.verification_code}"
