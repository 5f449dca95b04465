from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel
from rathaus.core.models import TimeStampedModel
from rathaus.core.translated import in_english, translated

from .constants import DeliveryMode
from .fees import FeeRule, fee_rule_from_json, validate_fee_rule
from .validators import validate_leika_key

FEE_RULE_HELP = _(
    'JSON, one of: {"kind": "free"} · {"kind": "fixed", "amount": "13.00"} · '
    '{"kind": "age_bands", "bands": [{"min_age": 0, "amount": "27.60"}, '
    '{"min_age": 24, "amount": "46.00"}]}'
)


def default_fee_rule() -> dict:
    return {"kind": "free"}


class LifeSituation(models.Model):
    """A citizen's situation that groups services (Lebenslage), e.g. "Umzug"."""

    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=80)
    name_en = models.CharField(_("name (English)"), max_length=80, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=100)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("life situation")
        verbose_name_plural = _("life situations")

    def __str__(self) -> str:
        return self.name

    @property
    def name_shown(self) -> str:
        return translated(self, "name")


class Service(TimeStampedModel):
    """An entry of the installation-wide catalogue (Leistung); towns enable it separately."""

    leika_key = models.CharField(
        _("LeiKa key"),
        max_length=40,
        blank=True,
        validators=[validate_leika_key],
        help_text=_("urn:de:fim:leika:leistung: followed by 14 digits; empty if there is none."),
    )
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=120)
    keywords = models.CharField(
        _("keywords and synonyms"),
        max_length=500,
        blank=True,
        help_text=_("Comma separated; used by the search."),
    )
    summary = models.CharField(_("short description"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    who_may_apply = models.TextField(_("who may apply"), blank=True)
    required_documents = models.TextField(
        _("required documents"), blank=True, help_text=_("One document per line.")
    )
    legal_basis = models.TextField(_("legal basis"), blank=True, help_text=_("One per line."))
    delivery_mode = models.CharField(
        _("how it is done"), max_length=20, choices=DeliveryMode.choices
    )
    trust_level = models.CharField(
        _("required identity trust level"),
        max_length=20,
        choices=TrustLevel.choices,
        default=TrustLevel.BASIC,
    )
    processing_time = models.CharField(_("typical processing time"), max_length=120, blank=True)
    life_situations = models.ManyToManyField(
        LifeSituation, blank=True, related_name="services", verbose_name=_("life situations")
    )
    fee_rule = models.JSONField(
        _("fee rule"), default=default_fee_rule, validators=[validate_fee_rule],
        help_text=FEE_RULE_HELP,
    )  # fmt: skip
    fee_note = models.CharField(_("note on the fee"), max_length=300, blank=True)
    # The same texts in English; empty ones show the German text (rathaus.core.translated).
    name_en = models.CharField(_("name (English)"), max_length=120, blank=True)
    summary_en = models.CharField(_("short description (English)"), max_length=300, blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    who_may_apply_en = models.TextField(_("who may apply (English)"), blank=True)
    required_documents_en = models.TextField(
        _("required documents (English)"), blank=True, help_text=_("One document per line.")
    )
    legal_basis_en = models.TextField(
        _("legal basis (English)"), blank=True, help_text=_("One per line.")
    )
    processing_time_en = models.CharField(
        _("typical processing time (English)"), max_length=120, blank=True
    )
    fee_note_en = models.CharField(_("note on the fee (English)"), max_length=300, blank=True)
    popular_rank = models.PositiveSmallIntegerField(
        _("popularity rank"),
        null=True,
        blank=True,
        help_text=_("1 is the most used service; empty if it is not shown on the start page."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.UniqueConstraint(
                fields=["leika_key"],
                condition=~Q(leika_key=""),
                name="catalogue_service_unique_leika_key",
                violation_error_message=_("A service with this LeiKa key already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("catalogue:service_detail", kwargs={"slug": self.slug})

    @property
    def fee(self) -> FeeRule:
        return fee_rule_from_json(self.fee_rule)


class MunicipalityService(TimeStampedModel):
    """A service as one municipality offers it, with optional local overrides."""

    municipality = models.ForeignKey(
        "tenants.Municipality",
        on_delete=models.CASCADE,
        related_name="services",
        verbose_name=_("municipality"),
    )
    service = models.ForeignKey(
        Service, on_delete=models.CASCADE, related_name="offerings", verbose_name=_("service")
    )
    is_enabled = models.BooleanField(_("enabled"), default=True)
    fee_override = models.JSONField(
        _("local fee rule"),
        null=True,
        blank=True,
        validators=[validate_fee_rule],
        help_text=_("Leave empty to use the catalogue's fee rule."),
    )
    name_override = models.CharField(_("local name"), max_length=120, blank=True)
    summary_override = models.CharField(_("local short description"), max_length=300, blank=True)
    description_override = models.TextField(_("local description"), blank=True)
    name_override_en = models.CharField(_("local name (English)"), max_length=120, blank=True)
    summary_override_en = models.CharField(
        _("local short description (English)"), max_length=300, blank=True
    )
    description_override_en = models.TextField(_("local description (English)"), blank=True)

    class Meta:
        ordering = ["service__name"]
        verbose_name = _("service of the municipality")
        verbose_name_plural = _("services of the municipality")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "service"], name="catalogue_one_offering_per_town"
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return self.service.get_absolute_url()

    # What citizens see: the local text where there is one, otherwise the catalogue's; on English
    # pages the English ones first (rathaus.core.translated).
    def _shown(self, field: str) -> str:
        if in_english():
            english = getattr(self, f"{field}_override_en") or getattr(self.service, f"{field}_en")
            if english:
                return english
        return getattr(self, f"{field}_override") or getattr(self.service, field)

    @property
    def name(self) -> str:
        return self._shown("name")

    @property
    def summary(self) -> str:
        return self._shown("summary")

    @property
    def description(self) -> str:
        return self._shown("description")

    @property
    def slug(self) -> str:
        return self.service.slug

    @property
    def fee(self) -> FeeRule:
        if self.fee_override is not None:
            return fee_rule_from_json(self.fee_override)
        return self.service.fee
