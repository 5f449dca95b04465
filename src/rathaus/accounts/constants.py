from django.db import models
from django.utils.translation import gettext_lazy as _


class TrustLevel(models.TextChoices):
    """Identity trust levels as BundID names them (eIDAS: low / substantial / high)."""

    BASIC = "basic", _("basic")
    SUBSTANTIAL = "substantial", _("substantial")
    HIGH = "high", _("high")


TRUST_ORDER = {TrustLevel.BASIC: 1, TrustLevel.SUBSTANTIAL: 2, TrustLevel.HIGH: 3}


def trust_satisfies(actual: str | None, required: str) -> bool:
    return TRUST_ORDER.get(actual or "", 0) >= TRUST_ORDER[TrustLevel(required)]


class StaffRole(models.TextChoices):
    CLERK = "clerk", _("clerk")
    TEAM_LEAD = "team_lead", _("team lead")
    ADMIN = "admin", _("municipality admin")


# Session keys
SESSION_TRUST_LEVEL = "rathaus_trust_level"
SESSION_IDENTITY_PROVIDER = "rathaus_identity_provider"
SESSION_LAST_SEEN = "rathaus_last_seen"
