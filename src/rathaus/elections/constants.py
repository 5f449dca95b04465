"""Choices, limits and error codes of elections and the postal vote."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .rules import Ground  # noqa: F401  (public through constants)

MAX_VOTERS_PER_PROXY = 4  # §27(3) BWO
# Similarity (difflib ratio of folded names) from which a register entry is a near match.
NEAR_MATCH_RATIO = 0.8
STATUS_LOOKUPS_PER_WINDOW = 10
STATUS_LOOKUP_WINDOW_SECONDS = 15 * 60
# The polling card's QR code opens /briefwahl/<election>/antrag/?wvz=<voter number>.
VOTER_NUMBER_PARAM = "wvz"
POLLING_CARDS_PER_FILE = 50  # WeasyPrint: ~0.4 s per card on the loaded benchmark machine


class ElectionKind(models.TextChoices):
    FEDERAL = "federal", _("Bundestag election")
    EU = "eu", _("European Parliament election")
    LAND = "land", _("Landtag election")
    MUNICIPAL = "municipal", _("municipal election")


# Federal and EU elections: the times are fixed by the BWO and EuWO; a rule set may not change them.
FIXED_RULE_KINDS = (ElectionKind.FEDERAL, ElectionKind.EU)


class Delivery(models.TextChoices):
    REGISTERED = "registered", _("to my registered address")
    OTHER = "other", _("to another address")
    PICKUP = "pickup", _("I will pick them up at the election office")


class ApplicationStatus(models.TextChoices):
    REVIEW = "review", _("being checked by the election office")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class MatchKind(models.TextChoices):
    EXACT = "exact", _("exact match in the voter register")
    NEAR = "near", _("near match: a clerk checks")


class Basis(models.TextChoices):
    """On what a Wahlschein is issued: the voter is in the register (§25(1) BWO) or not (§25(2))."""

    SECTION_25_1 = "25_1", _("§25(1) BWO: entered in the voter register")
    SECTION_25_2 = "25_2", _("§25(2) BWO: not entered in the voter register")


class ElectionErrorCode(models.TextChoices):
    DEADLINE_PASSED = "deadline_passed", _("The deadline for this application has passed.")
    NOT_IN_REGISTER = "not_in_register", _("We could not find you in the voter register.")
    ALREADY_APPLIED = "already_applied", _("An application for this voter exists already.")
    PROXY_LIMIT = "proxy_limit", _("One person may apply for at most four voters.")
    LISTS_NOT_APPROVED = (
        "lists_not_approved",
        _("No Wahlschein can be issued before the candidate lists are approved."),
    )
    NOT_ISSUABLE = "not_issuable", _("This application cannot be given a Wahlschein.")
    ALREADY_INVALID = "already_invalid", _("This Wahlschein is invalid already.")
    WRONG_VOTER = "wrong_voter", _("This entry is not in this election's voter register.")
