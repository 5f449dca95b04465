from django.db import models
from django.utils.translation import gettext_lazy as _

LEIKA_PREFIX = "urn:de:fim:leika:leistung:"
LEIKA_DIGITS = 14


class DeliveryMode(models.TextChoices):
    """How a citizen gets the service done."""

    ONLINE = "online", _("online")
    APPOINTMENT = "appointment", _("with an appointment")
    BOTH = "both", _("online or with an appointment")


class FeeKind(models.TextChoices):
    FREE = "free", _("free of charge")
    FIXED = "fixed", _("fixed amount")
    AGE_BANDS = "age_bands", _("depends on age")


# Municipality-independent search stop words (German and English) that never decide a match.
SEARCH_STOP_WORDS = frozenset(
    {
        "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einer", "und", "oder",
        "fur", "fuer", "mit", "von", "zu", "zum", "zur", "im", "in", "ich", "mein", "meine",
        "beantragen", "antrag", "online", "the", "a", "an", "of", "for", "to", "my", "apply",
    }
)  # fmt: skip
