"""Who a Meldebescheinigung is for: the applicant as the register knows them (matched exactly by
the eID's names and date of birth), or a family member they may act for."""

from __future__ import annotations

from django.utils.translation import gettext as _

from rathaus.register.constants import FamilyRelation
from rathaus.register.interface import person_of_account, resident_register

SELF = "self"


def applicant_in_register(*, municipality, user):
    """The register's entry of ``user`` (exact match of the names and date of birth the eID
    vouched for), or None."""
    return person_of_account(municipality=municipality, user=user)


def family_members(*, municipality, user) -> list[tuple[str, object]]:
    applicant = applicant_in_register(municipality=municipality, user=user)
    if applicant is None:
        return []
    return resident_register().family_for_prefill(person=applicant)


def subjects_for(context) -> list[tuple[str, str]]:
    """The radio choices of the subject page: the applicant, then the family they may act for."""
    user = context.person if context is not None else None
    name = user.full_name if user is not None else ""
    choices = [(SELF, _("Myself (%(name)s)") % {"name": name} if name else _("Myself"))]
    if user is None:
        return choices
    for relation, person in family_members(municipality=context.municipality, user=user):
        role = _("child") if relation == FamilyRelation.CHILD else _("spouse or civil partner")
        choices.append((str(person.public_id), f"{person.full_name} ({role})"))
    return choices


def subject_person(*, case):
    """The person the case's certificate is for, or None when the register does not know them."""
    user = case.applicant
    applicant = applicant_in_register(municipality=case.municipality, user=user)
    subject = (case.answers or {}).get("subject", SELF)
    if applicant is None or subject == SELF:
        return applicant
    for _relation, person in resident_register().family_for_prefill(person=applicant):
        if str(person.public_id) == subject:
            return person
    return None
