"""Who moves: the applicant as the register knows them (matched exactly by the eID's names and
date of birth), the family members from the register they chose, and the persons they entered."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from rathaus.accounts.constants import TrustLevel, trust_satisfies
from rathaus.register.interface import person_of_account, resident_register

from .rules import FAMILY_CHILD, FAMILY_SPOUSE

SELF = "self"


@dataclass
class Mover:
    given_names: str
    family_name: str
    birth_date: datetime.date | None
    relation: str
    sex: str = ""
    nationality: str = ""
    religion: str = ""
    doctorate: str = ""
    person: Any = None  # the register's entry, where known

    def as_row(self) -> dict:
        return {
            "given_names": self.given_names,
            "family_name": self.family_name,
            "doctorate": self.doctorate,
            "birth_date": self.birth_date,
        }


def _date(value) -> datetime.date | None:
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def citizen(user):
    """``user`` when a citizen acts for themself; None for a clerk or a staff system taking the
    application in (their own names are not the applicant's)."""
    if user is None or not user.is_authenticated or user.is_staff:
        return None
    return user


def applicant_in_register(*, municipality, user):
    """The register's entry of ``user``, matched exactly by the names and date of birth the eID
    vouched for (never the profile the citizen edits), or None."""
    return person_of_account(municipality=municipality, user=citizen(user))


def family_known(*, municipality, user) -> list[tuple[str, Any]]:
    """Spouse and children in the applicant's custody living with them, from the register —
    never anyone under an Auskunftssperre (§51, §23a BMG; ``family_for_prefill``)."""
    applicant = applicant_in_register(municipality=municipality, user=user)
    if applicant is None:
        return []
    return resident_register().family_for_prefill(person=applicant)


def family_choices(context) -> list[tuple[str, str]]:
    """The family offered on the page: only in a session at trust level "high" (a password alone
    shows nothing of the register)."""
    if context is None or citizen(context.person) is None or context.municipality is None:
        return []
    if not trust_satisfies(context.trust_level, TrustLevel.HIGH):
        return []
    choices = []
    for relation, person in family_known(municipality=context.municipality, user=context.person):
        role = _("child") if relation == FAMILY_CHILD else _("spouse or civil partner")
        born = person.birth_date.strftime("%d.%m.%Y")
        choices.append((f"{relation}:{person.public_id}", f"{person.full_name}, {born} ({role})"))
    return choices


def other_parents_known(context) -> list[Any]:
    """The other parents the register records with custody of every child from the register the
    applicant ticked as moving, for "who is the other parent": only in a session at trust level
    "high", never the applicant, never anyone under an Auskunftssperre (``custody_parents``)."""
    if context is None or citizen(context.person) is None or context.municipality is None:
        return []
    if not trust_satisfies(context.trust_level, TrustLevel.HIGH):
        return []
    chosen = {
        value.split(":", 1)[1]
        for value in context.answers.get("family_moving") or []
        if str(value).startswith(f"{FAMILY_CHILD}:")
    }
    if not chosen:
        return []
    applicant = applicant_in_register(municipality=context.municipality, user=context.person)
    register = resident_register()
    common: dict[int, Any] | None = None
    for relation, person in family_known(municipality=context.municipality, user=context.person):
        if relation != FAMILY_CHILD or str(person.public_id) not in chosen:
            continue
        parents = {
            parent.pk: parent
            for parent in register.custody_parents(child=person)
            if applicant is None or parent.pk != applicant.pk
        }
        common = parents if common is None else {k: v for k, v in common.items() if k in parents}
    return list((common or {}).values())


def movers(*, municipality, user, answers) -> list[Mover]:
    """Everyone the application registers, the applicant first."""
    user = citizen(user)
    applicant = applicant_in_register(municipality=municipality, user=user)
    found: list[Mover] = []
    if user is None and answers.get("applicant_family_name"):
        # Taken in without an account (the eWA service): the names as delivered.
        found.append(
            Mover(
                given_names=answers.get("applicant_given_names", ""),
                family_name=answers["applicant_family_name"],
                birth_date=_date(answers.get("applicant_birth_date")),
                relation=SELF,
                sex=answers.get("sex", ""),
                nationality=answers.get("nationality", ""),
                religion=answers.get("religion", ""),
            )
        )
    identity = getattr(user, "verified_identity", None) if user is not None else None
    if identity is not None:
        # The applicant as the eID vouched for them (the register's entry where it knows them).
        found.append(
            Mover(
                given_names=applicant.given_names if applicant else identity.given_names,
                family_name=applicant.family_name if applicant else identity.family_name,
                birth_date=applicant.birth_date if applicant else identity.birth_date,
                relation=SELF,
                sex=answers.get("sex", ""),
                nationality=answers.get("nationality", ""),
                religion=answers.get("religion", ""),
                doctorate=applicant.doctorate if applicant else "",
                person=applicant,
            )
        )
    chosen = set(answers.get("family_moving") or [])
    if chosen and applicant is not None:
        for relation, person in resident_register().family_for_prefill(person=applicant):
            if f"{relation}:{person.public_id}" in chosen:
                found.append(
                    Mover(
                        given_names=person.given_names,
                        family_name=person.family_name,
                        birth_date=person.birth_date,
                        relation=relation,
                        sex=person.sex,
                        nationality=", ".join(person.nationalities or []),
                        religion=person.religion,
                        doctorate=person.doctorate,
                        person=person,
                    )
                )
    if answers.get("others_moving") == "yes":
        for item in answers.get("movers") or []:
            if not isinstance(item, dict):
                continue
            found.append(
                Mover(
                    given_names=item.get("given_names", ""),
                    family_name=item.get("family_name", ""),
                    birth_date=_date(item.get("birth_date")),
                    relation=item.get("relation", ""),
                    sex=item.get("sex", ""),
                    nationality=item.get("nationality", ""),
                    religion=item.get("religion", ""),
                )
            )
    return found


__all__ = [
    "FAMILY_CHILD",
    "FAMILY_SPOUSE",
    "SELF",
    "Mover",
    "family_choices",
    "movers",
    "other_parents_known",
]
