"""Family members who move out with the applicant and are deregistered in the same request
(§17(2), §24 BMG): the spouse or civil partner and the children in the applicant's custody who
live in the applicant's dwelling, as the register knows them — offered only to an applicant
identified with the eID and matched exactly, and never anyone under an Auskunftssperre (§51 BMG;
``family_for_prefill``)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.register.constants import FamilyRelation
from rathaus.register.interface import resident_register

from ..meldebescheinigung.subject import applicant_in_register
from .rules import Identity


def _citizen(user):
    """``user`` when a citizen acts for themself; None for a clerk (their names are not the
    applicant's)."""
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    return user


def choice_value(relation: str, person) -> str:
    return f"{relation}:{person.public_id}"


def family_choices(context) -> list[tuple[str, str]]:
    """The checkboxes of the family page: only in a session at trust level "high" for an
    applicant the register matches exactly (a password alone shows nothing of the register)."""
    if context is None or context.municipality is None:
        return []
    user = _citizen(context.person)
    if user is None or not trust_satisfies(context.trust_level, TrustLevel.HIGH):
        return []
    applicant = applicant_in_register(municipality=context.municipality, user=user)
    if applicant is None:
        return []
    choices = []
    for relation, person in resident_register().family_for_prefill(person=applicant):
        role = _("child") if relation == FamilyRelation.CHILD else _("spouse or civil partner")
        born = person.birth_date.strftime("%d.%m.%Y")
        choices.append((choice_value(relation, person), f"{person.full_name}, {born} ({role})"))
    return choices


def family_leaving(*, case, applicant) -> tuple[list[Any], bool]:
    """The register's entries of the family members chosen on the family page, as the register
    offers them now (``applicant`` still in their dwelling), and whether every one chosen was
    found: a member who is under an Auskunftssperre since, or has moved, is not found, and the
    system then leaves the case to a clerk."""
    answers = case.answers or {}
    chosen = {str(value) for value in answers.get("family_leaving") or [] if value}
    if not chosen:
        return [], True
    if applicant is None or answers.get("identity") != Identity.EID:
        return [], False
    members = [
        person
        for relation, person in resident_register().family_for_prefill(person=applicant)
        if choice_value(relation, person) in chosen
    ]
    return members, len(members) == len(chosen)
