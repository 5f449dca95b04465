"""The resident register as the rest of Rathaus sees it. Real towns run a register product of
their own; ``settings.RATHAUS_RESIDENT_REGISTER`` names the class that speaks to it, with the
built-in register (``BuiltinRegister``) as the default.

Every method takes the municipality (or a person of it) and answers for that town only."""

from __future__ import annotations

import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from rathaus.accounts.constants import TrustLevel, trust_satisfies

from . import selectors, services
from .constants import RegisterErrorCode
from .models import AssignmentCode, OutboxMessage, Person, Residence


class ResidentRegister(Protocol):
    def person_match(
        self, *, municipality, family_name: str, given_names: str, birth_date, entitled: bool
    ) -> Person | None: ...

    def residence_current(self, *, person: Person) -> Residence | None: ...

    def family_for_prefill(self, *, person: Person) -> list[tuple[str, Person]]: ...

    def has_auskunftssperre(self, *, person: Person) -> bool: ...

    def address_check(
        self, *, municipality, street: str, house_number: str, postal_code: str
    ) -> RegisterErrorCode | None: ...

    def street_suggestions(self, *, municipality, text: str) -> list: ...

    def street_names(self, *, municipality) -> list[str]: ...

    def move_in(
        self, *, person: Person, address, kind: str, moved_in: datetime.date, actor, case
    ) -> Residence: ...

    def person_create(self, *, municipality, data, actor, case) -> Person: ...

    # The assignment code (Zuordnungsmerkmal, §19(4) BMG) and the code letter (§23a(3) BMG).
    def assignment_code_issue(
        self, *, municipality, kind: str, address, moved_in, persons, case, actor
    ) -> AssignmentCode: ...

    def assignment_code_check(
        self, *, municipality, code, street, house_number, postal_code, moved_in, persons, case
    ) -> selectors.CodeRefusal | None: ...

    def assignment_code_take(self, *, municipality, code: str, case) -> bool: ...

    def assignment_code_used_by(self, *, case, code: str) -> bool: ...

    def assignment_code_release(self, *, case) -> int: ...

    def assignment_code_for_case(self, *, case, kind: str = "") -> AssignmentCode | None: ...

    # A child's move: the other parent with custody agrees online with a code (§1687 BGB).
    def custody_parents(self, *, child: Person) -> list[Person]: ...

    def has_custody(self, *, parent: Person, child: Person) -> bool: ...

    def consent_code_issue(
        self, *, municipality, address, moved_in, parent, case, actor
    ) -> AssignmentCode: ...

    def consent_code_check(
        self, *, municipality, code: str, given_names: str, family_name: str, birth_date
    ) -> tuple[selectors.CodeRefusal | None, AssignmentCode | None]: ...

    def consent_code_revoke(self, *, case) -> int: ...

    def code_letter_check(self, *, case, code: str) -> selectors.CodeRefusal | None: ...

    def code_letter_used(self, *, case) -> bool: ...

    # §33(1) BMG: the Rückmeldung to the office of the previous dwelling (XMeld 0202).
    def rueckmeldung_write(
        self, *, person: Person, new_address, kind: str, moved_in, previous_address, case
    ) -> OutboxMessage: ...

    def rueckmeldungen_overdue_mark(self) -> list[OutboxMessage]: ...


class BuiltinRegister:
    """Rathaus's own register (the models of this app)."""

    def person_match(self, *, municipality, family_name, given_names, birth_date, entitled):
        return selectors.person_match(
            municipality=municipality,
            family_name=family_name,
            given_names=given_names,
            birth_date=birth_date,
            entitled=entitled,
        )

    def residence_current(self, *, person):
        return selectors.residence_current(person=person)

    def family_for_prefill(self, *, person):
        return selectors.family_for_prefill(person=person)

    def has_auskunftssperre(self, *, person):
        return selectors.has_auskunftssperre(person=person)

    def address_check(self, *, municipality, street, house_number, postal_code):
        return selectors.address_check(
            municipality=municipality,
            street=street,
            house_number=house_number,
            postal_code=postal_code,
        )

    def street_suggestions(self, *, municipality, text):
        return selectors.street_suggestions(municipality=municipality, text=text)

    def street_names(self, *, municipality):
        return selectors.street_names(municipality=municipality)

    def move_in(self, *, person, address, kind, moved_in, actor, case):
        return services.residence_move_in(
            person=person, address=address, kind=kind, moved_in=moved_in, actor=actor, case=case
        )

    def person_create(self, *, municipality, data, actor, case):
        return services.person_create(municipality=municipality, data=data, actor=actor, case=case)

    def assignment_code_issue(self, *, municipality, kind, address, moved_in, persons, case, actor):
        return services.assignment_code_issue(
            municipality=municipality,
            kind=kind,
            address=address,
            moved_in=moved_in,
            persons=persons,
            case=case,
            actor=actor,
        )

    def assignment_code_check(
        self, *, municipality, code, street, house_number, postal_code, moved_in, persons, case
    ):
        return selectors.assignment_code_check(
            municipality=municipality,
            code=code,
            street=street,
            house_number=house_number,
            postal_code=postal_code,
            moved_in=moved_in,
            persons=persons,
            case=case,
        )

    def assignment_code_take(self, *, municipality, code, case):
        return services.assignment_code_take(municipality=municipality, code=code, case=case)

    def assignment_code_used_by(self, *, case, code):
        return selectors.assignment_code_used_by(case=case, code=code)

    def assignment_code_release(self, *, case):
        return services.assignment_code_release(case=case)

    def assignment_code_for_case(self, *, case, kind=""):
        return selectors.assignment_code_for_case(case=case, kind=kind)

    def custody_parents(self, *, child):
        return selectors.custody_parents(child=child)

    def has_custody(self, *, parent, child):
        return selectors.has_custody(parent=parent, child=child)

    def consent_code_issue(self, *, municipality, address, moved_in, parent, case, actor):
        return services.consent_code_issue(
            municipality=municipality,
            address=address,
            moved_in=moved_in,
            parent=parent,
            case=case,
            actor=actor,
        )

    def consent_code_revoke(self, *, case):
        return services.consent_code_revoke(case=case)

    def consent_code_check(self, *, municipality, code, given_names, family_name, birth_date):
        return selectors.consent_code_check(
            municipality=municipality,
            code=code,
            given_names=given_names,
            family_name=family_name,
            birth_date=birth_date,
        )

    def code_letter_check(self, *, case, code):
        return selectors.code_letter_check(case=case, code=code)

    def code_letter_used(self, *, case):
        return selectors.code_letter_used(case=case)

    def rueckmeldung_write(self, *, person, new_address, kind, moved_in, previous_address, case):
        return services.rueckmeldung_write(
            person=person,
            new_address=new_address,
            kind=kind,
            moved_in=moved_in,
            previous_address=previous_address,
            case=case,
        )

    def rueckmeldungen_overdue_mark(self):
        return services.rueckmeldungen_overdue_mark()


def resident_register() -> ResidentRegister:
    return import_string(settings.RATHAUS_RESIDENT_REGISTER)()


def person_of_account(*, municipality, user) -> Person | None:
    """The register's entry of the account's holder, matched exactly by the names and date of
    birth an identity provider vouched for (``User.verified_identity``: the eID's data), never by
    the profile the citizen edits. None without a verified identity, or when the register does not
    know the person, or knows them twice."""
    identity = getattr(user, "verified_identity", None)
    if identity is None or municipality is None:
        return None
    return resident_register().person_match(
        municipality=municipality,
        family_name=identity.family_name,
        given_names=identity.given_names,
        birth_date=identity.birth_date,
        entitled=True,  # the person themself
    )


class RegisterSource:
    """Pre-fill from the register: the logged-in person (``person_of_account``) and their current
    main address — only in a session at trust level "high" (a password alone does not show what
    the register knows)."""

    key = "register"

    label = _("the resident register")

    def values(self, context) -> dict:
        if not trust_satisfies(context.trust_level, TrustLevel.HIGH):
            return {}
        found = person_of_account(municipality=context.municipality, user=context.person)
        if found is None:
            return {}
        home = resident_register().residence_current(person=found)
        values = {
            "family_name": found.family_name,
            "given_names": found.given_names,
            "birth_name": found.birth_name,
            "birth_date": found.birth_date.isoformat(),
            "birth_place": found.birth_place,
            "nationalities": found.nationalities,
        }
        if home is not None:
            values.update(
                street=home.street,
                house_number=home.house_number,
                postal_code=home.postal_code,
                city=home.city,
            )
        return values
