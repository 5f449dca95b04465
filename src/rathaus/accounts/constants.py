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


class LandlordAccess(models.TextChoices):
    """Whether a person may confirm a move-in in a landlord organisation's name (§19(1)
    sentence 2 BMG) in a municipality; the label says why not."""

    GRANTED = "granted", _("authorised by a landlord organisation")
    SECOND_FACTOR_MISSING = (
        "second_factor_missing",
        _(
            "To confirm in your landlord organisation's name, log in with your password and the "
            "code from your authenticator app. Set up the app under “Two-factor authentication” "
            "in your account first if you have not done so yet."
        ),
    )
    OTHER_MUNICIPALITY = (
        "other_municipality",
        _(
            "Your landlord organisation is enrolled with another municipality. It confirms "
            "move-ins there, not here."
        ),
    )
    REMOVED = (
        "removed",
        _(
            "Your landlord organisation no longer authorises you to confirm move-ins in its "
            "name. Please ask the organisation."
        ),
    )
    ORGANISATION_INACTIVE = (
        "organisation_inactive",
        _(
            "The municipality has deactivated the account of your landlord organisation. Please "
            "contact the municipality."
        ),
    )


# Session keys
SESSION_TRUST_LEVEL = "rathaus_trust_level"
SESSION_IDENTITY_PROVIDER = "rathaus_identity_provider"
SESSION_LAST_SEEN = "rathaus_last_seen"
SESSION_PENDING_LOGIN = "rathaus_pending_login"
SESSION_TOTP_SETUP_KEY = "rathaus_totp_setup_key"
SESSION_EXPIRED_FLAG = "rathaus_session_expired"

# A password step must be followed by its code step within this many seconds.
PENDING_LOGIN_SECONDS = 300
# E-mail confirmation links stay valid this long.
EMAIL_VERIFICATION_MAX_AGE = 3 * 24 * 60 * 60


class LoginOutcome(models.TextChoices):
    """Stable result codes of the password step."""

    OK = "ok", _("logged in")
    CODE_REQUIRED = "code_required", _("second factor required")
    INVALID = "invalid", _("wrong e-mail address or password")
    THROTTLED = "throttled", _("too many failed attempts")
    UNVERIFIED = "unverified", _("e-mail address not confirmed")
    NO_SECOND_FACTOR = "no_second_factor", _("staff account without second factor")
