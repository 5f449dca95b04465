"""Wohnungsgeberbestätigung (§19 BMG): the landlord, or the person they authorise, confirms a
move-in online. Identified by the catalogue's trust level (eID / BundID), or as the member of a
landlord organisation the town enrolled (logged in with the second factor, ``organisation``),
the confirmation is taken at once: Rathaus issues the assignment code (Zuordnungsmerkmal, §19(4)
BMG) that the tenant quotes in their Anmeldung instead of a paper confirmation, and a PDF for the
landlord."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.plugin import (
    AnswerError,
    Decision,
    DecisionOutcome,
    DocumentType,
    Procedure,
)
from rathaus.register.constants import AssignmentCodeKind
from rathaus.register.interface import resident_register
from rathaus.register.services import Address, code_display

from ..addresses import address_line, date_de, town_city
from .organisation import RULE, organisation_alternative_access, organisation_membership
from .pages import ROLES, DwellingPage, LandlordPage, OwnerPage, TenantsPage


def _persons(answers) -> list[tuple[str, str]]:
    return [
        (item.get("given_names", ""), item.get("family_name", ""))
        for item in answers.get("tenants") or []
        if isinstance(item, dict)
    ]


def _address(case) -> Address:
    answers = case.answers or {}
    return Address(
        street=answers.get("street", ""),
        house_number=answers.get("house_number", ""),
        postal_code=answers.get("postal_code", ""),
        city=town_city(case.municipality),
        addition=answers.get("address_addition", ""),
    )


def confirmation_data(case) -> dict:
    """What §19(3) BMG lists: landlord (and owner), the dwelling, the move-in date, the persons
    moving in, and the code the tenant quotes."""
    answers = case.answers or {}
    issued = resident_register().assignment_code_for_case(case=case)
    roles = dict(ROLES)
    rows = [
        (_("Confirmed by"), str(roles.get(answers.get("role"), ""))),
        (
            _("Landlord"),
            f"{answers.get('landlord_name', '')}, {answers.get('landlord_address', '')}",
        ),
    ]
    if answers.get("organisation") is not None:
        rows.append((_("Confirmed in the landlord's name by"), answers.get("confirmed_by", "")))
    if answers.get("owner_differs") == "yes":
        rows.append(
            (_("Owner"), f"{answers.get('owner_name', '')}, {answers.get('owner_address', '')}")
        )
    address = {**answers, "city": town_city(case.municipality)}
    rows += [
        (_("Dwelling"), address_line(address)),
        (_("Moved in on"), date_de(answers.get("moved_in"))),
    ]
    rows += [
        (_("Person %(number)s") % {"number": n}, f"{given} {family}")
        for n, (given, family) in enumerate(_persons(answers), 1)
    ]
    if issued is not None:
        rows += [
            (_("Assignment code (§19(4) BMG)"), code_display(issued.code)),
            (_("Valid until"), timezone.localtime(issued.expires_at).strftime("%d.%m.%Y")),
        ]
    return {
        "intro": _(
            "The landlord has confirmed the move-in electronically (§19 BMG). The persons "
            "moving in quote the assignment code in their Anmeldung; it serves only them, only "
            "this dwelling and this date, and only once."
        ),
        "rows": rows,
    }


WOHNUNGSGEBERBESTAETIGUNG = DocumentType(
    key="wohnungsgeberbestaetigung",
    title=_("Landlord's confirmation (Wohnungsgeberbestätigung)"),
    template="documents/pdf/certificate.html",
    build=confirmation_data,
)


class Wohnungsgeberbestaetigung(Procedure):
    key = "wohnungsgeberbestaetigung"
    title = _("Wohnungsgeberbestätigung")
    description = _(
        "Landlords confirm a tenant's move-in online (§19 BMG) and receive the assignment code "
        "the tenant quotes when registering."
    )
    service_slug = "wohnungsgeberbestaetigung"
    pages = [LandlordPage, OwnerPage, DwellingPage, TenantsPage]
    account_required = True
    document_types = [WOHNUNGSGEBERBESTAETIGUNG]
    approval_documents = ["wohnungsgeberbestaetigung"]
    retention = datetime.timedelta(days=365)
    next_steps = _(
        "Your confirmation with the assignment code is ready at once on your request's page. "
        "Give the code to the persons moving in; they enter it in their Anmeldung."
    )

    def applicant_name(self, answers) -> str:
        return str(answers.get("landlord_name", "")).strip()

    def on_submitted(self, context) -> None:
        """The code is issued with the confirmation (§19(4) BMG), bound to the dwelling, the
        move-in date and the persons named."""
        case = context.case
        answers = case.answers or {}
        context.services.get("register").assignment_code_issue(
            municipality=case.municipality,
            kind=AssignmentCodeKind.LANDLORD,
            address=_address(case),
            moved_in=datetime.date.fromisoformat(answers["moved_in"]),
            persons=_persons(answers),
            case=case,
            actor=context.actor,
        )

    def alternative_access(self, *, actor, municipality):
        return organisation_alternative_access(actor=actor, municipality=municipality)

    def cross_check(self, context):
        """The landlord page's answers fit who submits: the organisation (as enrolled now) for
        its member, nobody's organisation for a person confirming in their own name."""
        answers = context.answers
        if "organisation" not in answers:
            return []
        membership = organisation_membership(
            actor=context.person, municipality=context.municipality
        )
        expected = None
        if membership is not None:
            organisation = membership.organisation
            expected = (organisation.pk, organisation.name, organisation.address)
        given = answers.get("organisation")
        if given is not None:
            given = (given, answers.get("landlord_name"), answers.get("landlord_address"))
        if given == expected:
            return []
        return [
            AnswerError(
                page=LandlordPage.slug,
                field="",
                message=_("Please check again who confirms the move-in, and save that page."),
            )
        ]

    def decide(self, context):
        """The dwelling exists in the street directory (checked on its page) and the landlord is
        identified: at the catalogue's trust level (``landlord-identified``), or as the member
        of the landlord organisation named in the answers, logged in with the second factor
        (``landlord-organisation``). Then the confirmation is taken at once; an organisation's
        confirmation whose member is not (or no longer) authorised waits for a clerk."""
        case = context.case
        if case.applicant_id is None:
            return None
        organisation_id = (case.answers or {}).get("organisation")
        if organisation_id is None:
            return Decision(DecisionOutcome.APPROVE, rule="landlord-identified")
        actor = context.person
        membership = organisation_membership(actor=actor, municipality=case.municipality)
        if (
            membership is not None
            and membership.organisation_id == organisation_id
            and case.applicant_id == actor.pk
        ):
            return Decision(DecisionOutcome.APPROVE, rule=RULE)
        return None

    def on_rejected(self, context) -> None:
        context.services.get("register").assignment_code_release(case=context.case)

    def on_withdrawn(self, context) -> None:
        context.services.get("register").assignment_code_release(case=context.case)
