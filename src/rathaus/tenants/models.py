from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .constants import AGS_STATE_MISMATCH, AGS_STATE_PREFIX, State
from .validators import validate_ags

hex_colour = RegexValidator(r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #RRGGBB."))
reference_prefix = RegexValidator(r"^[A-Z]{2,5}$", _("Two to five capital letters."))


class Municipality(models.Model):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("short name"), unique=True)
    ags = models.CharField(
        _("official municipality key (AGS)"), max_length=8, unique=True, validators=[validate_ags]
    )
    state = models.CharField(_("state"), max_length=2, choices=State.choices)
    reference_prefix = models.CharField(
        _("reference prefix"),
        max_length=5,
        unique=True,
        validators=[reference_prefix],
        help_text=_("Used in case numbers, e.g. NOR-2026-000123."),
    )
    street = models.CharField(_("street and number"), max_length=120, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True)
    city = models.CharField(_("city"), max_length=80, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    opening_hours = models.TextField(
        _("note on opening hours"),
        blank=True,
        help_text=_(
            "Shown below the offices' opening hours, e.g. closed on public holidays. The hours "
            "themselves are the offices' opening hours, which also make the appointment times."
        ),
    )
    logo = models.FileField(_("logo"), upload_to="logos/", blank=True)
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, default="#0b5394", validators=[hex_colour]
    )
    imprint = models.TextField(_("imprint"), blank=True)
    privacy_notice = models.TextField(_("privacy notice"), blank=True)
    accessibility_statement = models.TextField(_("accessibility statement"), blank=True)
    easy_language = models.TextField(_("Leichte Sprache text"), blank=True)
    # The same texts in English; empty ones show the German text (rathaus.core.translated).
    imprint_en = models.TextField(_("imprint (English)"), blank=True)
    privacy_notice_en = models.TextField(_("privacy notice (English)"), blank=True)
    accessibility_statement_en = models.TextField(
        _("accessibility statement (English)"), blank=True
    )
    opening_hours_en = models.TextField(_("note on opening hours (English)"), blank=True)
    # The page in German Sign Language (DGS): a video served by the portal itself, or a link to
    # where the town publishes it (not embedded: no request leaves for another site unasked).
    sign_language_video = models.FileField(
        _("video in German Sign Language"),
        upload_to="gebaerdensprache/",
        blank=True,
        validators=[FileExtensionValidator(["mp4", "webm"])],
        help_text=_("An MP4 or WebM file, shown on the page in German Sign Language."),
    )
    sign_language_video_url = models.URLField(
        _("link to the video in German Sign Language"),
        blank=True,
        help_text=_("Where the town publishes the video, if not uploaded here; shown as a link."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.ags and self.state and len(self.ags) == 8:
            expected = AGS_STATE_PREFIX.get(self.ags[:2])
            if expected and expected != self.state:
                raise ValidationError({"state": AGS_STATE_MISMATCH})


class MunicipalityHost(models.Model):
    """A host name under which a municipality's portal is reached (without port)."""

    municipality = models.ForeignKey(Municipality, on_delete=models.CASCADE, related_name="hosts")
    hostname = models.CharField(_("host name"), max_length=253, unique=True)
    is_primary = models.BooleanField(_("primary"), default=False)

    class Meta:
        ordering = ["-is_primary", "hostname"]
        verbose_name = _("host name")
        verbose_name_plural = _("host names")

    def __str__(self) -> str:
        return self.hostname

    def save(self, *args, **kwargs):
        self.hostname = self.hostname.strip().lower()
        super().save(*args, **kwargs)
