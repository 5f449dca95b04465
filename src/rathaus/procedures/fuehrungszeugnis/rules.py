"""The Führungszeugnis's rules as pure functions (BZRG §30–30c): who may apply, which types
need what, and what the town collects. Amounts come from the catalogue's fee rule."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _

from rathaus.catalogue.fees import FeeRule, age_on, fee_for

# §30(1) BZRG: a certificate is issued to persons of 14 and over.
MIN_AGE = 14
ADULT_AGE = 18
# The catalogue fee rule's option for the European certificate (§30b BZRG).
EUROPEAN_OPTION = "european"


class CertificateType(models.TextChoices):
    """The Belegart as the federal register names it; "EU" is the European certificate."""

    N = "N", _("Private certificate (N), sent to you")
    NE = "NE", _("Extended private certificate (NE), sent to you")
    O = "O", _("Certificate for an authority (O), sent straight to the authority")  # noqa: E741
    OE = "OE", _("Extended certificate for an authority (OE), sent straight to the authority")
    P = "P", _("Certificate for an authority, shown to you first at a local court (P)")
    EU = "EU", _("European certificate (§ 30b BZRG), sent to you")


class FeeBasis(models.TextChoices):
    PAY = "pay", _("I pay the fee online now")
    VOLUNTEER = "volunteer", _("I need it for voluntary work and upload the proof (no fee)")
    REDUCTION = (
        "reduction",
        _("I ask the Federal Office of Justice to waive or reduce the fee because of a low income"),
    )


def needs_authority(kind: str) -> bool:
    """Certificates that go to an authority (O, OE) or to a local court for it (P) name it."""
    return kind in {CertificateType.O, CertificateType.OE, CertificateType.P}


def is_extended(kind: str) -> bool:
    """§30a BZRG: the extended certificate needs the requesting body's written request."""
    return kind in {CertificateType.NE, CertificateType.OE}


def too_young(birth_date: datetime.date, *, on: datetime.date) -> bool:
    return age_on(birth_date, on) < MIN_AGE


def is_minor(birth_date: datetime.date, *, on: datetime.date) -> bool:
    """14 to 17: may apply themself, and so may the legal guardian (§30(1) sentence 2 BZRG)."""
    return MIN_AGE <= age_on(birth_date, on) < ADULT_AGE


class GuardianRefusal(models.TextChoices):
    """Why a citizen may not apply for a person as their legal guardian."""

    NOT_IN_CUSTODY = "not_in_custody", _("not the applicant's child in their custody")
    TOO_YOUNG = "too_young", _("under 14")
    ADULT = "adult", _("18 or over")


def guardian_refusal(
    *, in_custody: bool, birth_date: datetime.date, on: datetime.date
) -> GuardianRefusal | None:
    """§30(1) sentence 2 BZRG: the legal guardian of a person from 14 may apply for them. Online
    Rathaus knows a guardian as a parent with custody of the child in the register; from 18
    the person applies themself (no other proxy)."""
    if not in_custody:
        return GuardianRefusal.NOT_IN_CUSTODY
    if too_young(birth_date, on=on):
        return GuardianRefusal.TOO_YOUNG
    if not is_minor(birth_date, on=on):
        return GuardianRefusal.ADULT
    return None


def fee_due(*, rule: FeeRule, kind: str, basis: str) -> Decimal | None:
    """What the town collects online: nothing for volunteers with proof, nothing while the
    Federal Office of Justice decides on a reduction; otherwise the catalogue's fee (the
    European certificate its own option)."""
    if basis in {FeeBasis.VOLUNTEER, FeeBasis.REDUCTION}:
        return None
    if rule.is_free:
        return None
    if kind == CertificateType.EU:
        return rule.option(EUROPEAN_OPTION)
    return fee_for(rule)


# The person data an application names, for the person concerned and for a guardian applying
# for them (the answers hold the child's under a ``child_`` prefix).
PERSON_FIELDS = (
    "given_names",
    "family_name",
    "birth_name",
    "birth_date",
    "birth_place",
    "street",
    "house_number",
    "postal_code",
    "city",
)
