"""For whom a Führungszeugnis is prepared: the applicant themself, or a child of 14 to 17 in
their custody, for whom they apply as the legal guardian (§30(1) sentence 2 BZRG).

The children come from the register by the same path as the other procedures' family members
(``family_for_prefill``: children in the applicant's custody who live with them, never anyone
under an Auskunftssperre), and only in a session at trust level "high" for an applicant the
register matches exactly by the eID's data (a password alone shows nothing of the register)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.register.constants import FamilyRelation
from rathaus.register.interface import resident_register

from ..meldebescheinigung.subject import applicant_in_register
from .rules import GuardianRefusal, guardian_refusal

SELF = "self"


def for_child(answers) -> bool:
    """The case is prepared by a legal guardian for their child (not for the applicant)."""
    return str(answers.get("subject") or SELF) != SELF


def guardian_in_register(context):
    """The acting citizen's register entry, when they may act for their family online: a citizen
    (not a clerk) at trust level "high", matched exactly. None otherwise."""
    if context is None or context.municipality is None:
        return None
    user = context.person
    if user is None or user.is_staff or not trust_satisfies(context.trust_level, TrustLevel.HIGH):
        return None
    return applicant_in_register(municipality=context.municipality, user=user)


def children_in_custody(*, guardian) -> list[Any]:
    """The children the register shows in ``guardian``'s custody, as the family pages offer them."""
    return [
        person
        for relation, person in resident_register().family_for_prefill(person=guardian)
        if relation == FamilyRelation.CHILD
    ]


@dataclass(frozen=True)
class ChildOffer:
    person: Any
    refusal: GuardianRefusal | None  # None: may be chosen


def child_offers(context, *, on: datetime.date) -> list[ChildOffer]:
    """Every child in the acting citizen's custody, with the reason when they cannot be chosen
    (under 14; 18 or over)."""
    guardian = guardian_in_register(context)
    if guardian is None:
        return []
    return [
        ChildOffer(
            person=child,
            refusal=guardian_refusal(in_custody=True, birth_date=child.birth_date, on=on),
        )
        for child in children_in_custody(guardian=guardian)
    ]


@dataclass(frozen=True)
class GuardianChoice:
    guardian: Any = None
    child: Any = None
    refusal: GuardianRefusal | None = None
    identified: bool = True  # False: no eID session or not matched in the register


def guardian_choice(context, *, subject: str, on: datetime.date) -> GuardianChoice:
    """The guardian and the child ``subject`` names (a register entry's public id), or why the
    citizen may not apply for that person. A person who is not the citizen's child in their
    custody (or is under an Auskunftssperre) gets the same answer as an unknown id."""
    guardian = guardian_in_register(context)
    if guardian is None:
        return GuardianChoice(refusal=GuardianRefusal.NOT_IN_CUSTODY, identified=False)
    child = next(
        (p for p in children_in_custody(guardian=guardian) if str(p.public_id) == subject), None
    )
    if child is None:
        return GuardianChoice(guardian=guardian, refusal=GuardianRefusal.NOT_IN_CUSTODY)
    refusal = guardian_refusal(in_custody=True, birth_date=child.birth_date, on=on)
    return GuardianChoice(guardian=guardian, child=child, refusal=refusal)


def person_record(person) -> dict[str, str]:
    """The register's data of ``person`` that the application names, as the case keeps it."""
    home = resident_register().residence_current(person=person)
    return {
        "given_names": person.given_names,
        "family_name": person.family_name,
        "birth_name": person.birth_name or "",
        "birth_date": person.birth_date.isoformat(),
        "birth_place": person.birth_place or "",
        "street": home.street if home else "",
        "house_number": home.house_number if home else "",
        "postal_code": home.postal_code if home else "",
        "city": home.city if home else "",
    }


class ChildRegisterSource:
    """Pre-fill of the child's page: the register's entry of the child chosen on the page
    before, only while the guardian may choose them."""

    key = "register_child"
    label = _("the resident register (your child's entry)")

    def values(self, context) -> dict[str, str]:
        subject = str((context.answers or {}).get("subject") or SELF)
        if subject == SELF:
            return {}
        choice = guardian_choice(context, subject=subject, on=timezone.localdate())
        if choice.child is None or choice.refusal is not None:
            return {}
        return person_record(choice.child)
