"""The procedure "Abmeldung" (§17(2) BMG)."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import AnswerError, Decision, DecisionOutcome, DocumentType, Procedure
from rathaus.documents.constants import DocumentErrorCode
from rathaus.documents.errors import DocumentError
from rathaus.register import services as register_services
from rathaus.register.interface import resident_register
from rathaus.register.selectors import dwelling_digest, residences_of

from ..meldebescheinigung.subject import applicant_in_register
from .family import family_leaving
from .pages import (
    FamilyPage,
    ForeignAddressPage,
    IdentityPage,
    MoveOutPage,
    ReasonPage,
    SecondaryResidencePage,
)
from .rules import Identity, Reason


def abmeldung_person(case):
    """The person who deregisters: with the eID, the account matched exactly; with the
    alternative proof, the person named on the identity page (looked up for the clerk, who is
    entitled; the citizen learns nothing from it before the decision)."""
    answers = case.answers or {}
    if answers.get("identity") == Identity.EID:
        return applicant_in_register(municipality=case.municipality, user=case.applicant)
    if not answers.get("birth_date"):
        return None
    return resident_register().person_match(
        municipality=case.municipality,
        family_name=answers.get("family_name", ""),
        given_names=answers.get("given_names", ""),
        birth_date=datetime.date.fromisoformat(answers["birth_date"]),
        entitled=True,
    )


def residences_given_up(*, person, answers) -> list:
    """Moving abroad: every open residence in the town. A secondary residence: the open one at
    the address given."""
    open_ones = list(residences_of(person=person).filter(moved_out__isnull=True))
    if answers.get("reason") == Reason.ABROAD:
        return open_ones
    digest = dwelling_digest(
        street=answers.get("street", ""),
        house_number=answers.get("house_number", ""),
        postal_code=answers.get("postal_code", ""),
    )
    return [r for r in open_ones if r.kind == "secondary" and r.dwelling_digest == digest]


def _moved_out(answers) -> datetime.date:
    return datetime.date.fromisoformat(answers["moved_out"])


def _dwelling(residence) -> str:
    return f"{residence.street} {residence.house_number}, {residence.postal_code} {residence.city}"


def confirmation_data(case) -> dict:
    """What a confirmation of registration may show (§24(2) BMG, by analogy): names, date of
    birth, date of moving out, the dwellings given up and the new address abroad — for the
    applicant and for each family member deregistered with them (only those who have a
    residence to give up: the confirmation names nobody it did not deregister)."""
    answers = case.answers or {}
    person = abmeldung_person(case)
    residences = residences_given_up(person=person, answers=answers) if person else []
    if person is None or not residences:
        raise DocumentError(DocumentErrorCode.NO_REGISTER_ENTRY)
    rows = [
        (str(_("Name")), person.full_name),
        (str(_("Date of birth")), person.birth_date.strftime("%d.%m.%Y")),
        (str(_("Moved out")), _moved_out(answers).strftime("%d.%m.%Y")),
    ]
    for residence in residences:
        rows.append((str(residence.get_kind_display()), _dwelling(residence)))
    members, _complete = family_leaving(case=case, applicant=person)
    named = 0
    for member in members:
        given_up = residences_given_up(person=member, answers=answers)
        if not given_up:
            continue
        named += 1
        dwellings = "; ".join(f"{_dwelling(r)} ({r.get_kind_display()})" for r in given_up)
        rows.append(
            (
                str(_("Also deregistered")),
                f"{member.full_name}, {member.birth_date.strftime('%d.%m.%Y')} – {dwellings}",
            )
        )
    if answers.get("reason") == Reason.ABROAD:
        rows.append(
            (
                str(_("New address abroad")),
                f"{answers.get('foreign_address', '')}, {answers.get('country', '')}",
            )
        )
    intro = (
        _("The persons named below have deregistered from the residences listed.")
        if named
        else _("The person named below has deregistered from the residences listed.")
    )
    return {"intro": intro, "rows": rows}


CONFIRMATION = DocumentType(
    key="abmeldebestaetigung",
    title=_("Confirmation of deregistration (Abmeldung)"),
    template="documents/pdf/certificate.html",
    build=confirmation_data,
)


class Abmeldung(Procedure):
    key = "abmeldung"
    title = _("Abmeldung")
    description = _(
        "Deregister when you move abroad or give up a secondary residence (§ 17 (2) BMG), at "
        "the earliest one week before you move out."
    )
    service_slug = "abmeldung"
    pages = [
        ReasonPage,
        MoveOutPage,
        SecondaryResidencePage,
        ForeignAddressPage,
        FamilyPage,
        IdentityPage,
    ]
    account_required = True
    document_types = [CONFIRMATION]
    approval_documents = [CONFIRMATION.key]
    retention = datetime.timedelta(days=365)
    target_days = 3
    next_steps = _(
        "With the online ID card and a match in the register, you are deregistered at once and "
        "the confirmation is on your request's page. Otherwise a clerk checks your details, "
        "usually within three working days."
    )

    def applicant_name(self, answers) -> str:
        return f"{answers.get('given_names', '')} {answers.get('family_name', '')}".strip()

    def cross_check(self, context):
        answers = context.answers
        if answers.get("identity") == Identity.EID and context.trust_level != "high":
            # The eID session has ended since the first page: ask again.
            return [
                AnswerError(
                    page=ReasonPage.slug,
                    field="",
                    message=_("Please confirm this page again: your online ID login has ended."),
                )
            ]
        return []

    def decide(self, context):
        """The eID in this session, the account matched exactly in the register, the residences
        to give up found — and for every family member ticked, the member still offered by the
        register (not under an Auskunftssperre since, still living with the applicant) and
        their residences to give up found: the system deregisters. Everything else — the
        alternative proof of §23(6) BMG above all — a clerk checks."""
        case = context.case
        answers = case.answers or {}
        if answers.get("identity") != Identity.EID or context.trust_level != "high":
            return None
        person = abmeldung_person(case)
        if person is None or not residences_given_up(person=person, answers=answers):
            return None
        members, complete = family_leaving(case=case, applicant=person)
        if not complete or not all(
            residences_given_up(person=member, answers=answers) for member in members
        ):
            return None
        return Decision(DecisionOutcome.APPROVE, rule="eid-register-match")

    def on_approved(self, context) -> None:
        """The applicant's residences end, and those of each family member deregistered with
        them (abroad: every open residence in the town; a secondary residence: the one at the
        given address, only where the member has it), with the case in the register's history.
        The family is read before the applicant's residences end: it is found through the
        applicant's dwelling."""
        case = context.case
        answers = case.answers or {}
        person = abmeldung_person(case)
        if person is None:
            return
        members, _complete = family_leaving(case=case, applicant=person)
        actor = context.actor if context.actor is not None else case.applicant
        for leaving in [person, *members]:
            for residence in residences_given_up(person=leaving, answers=answers):
                register_services.residence_move_out(
                    residence=residence, moved_out=_moved_out(answers), actor=actor, case=case
                )
