"""Anmeldung and Ummeldung (§17(1), §23a BMG): whoever moves into a dwelling registers within two
weeks, online with the eID (trust level "high", from the catalogue).

The exact case — the applicant identified, every check passed, the landlord's assignment code
(§19(4) BMG) valid for this dwelling, date and persons — is decided by the system; anything else
(an uploaded confirmation, a code letter, a child's consent) goes to a clerk. Approval updates the
register in the approval's transaction and issues the free Meldebestätigung (§24(2) BMG)."""

from __future__ import annotations

import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.plugin import (
    CaseAction,
    Decision,
    DecisionOutcome,
    DocumentType,
    Procedure,
    Stage,
)
from rathaus.register.constants import ResidenceKind
from rathaus.register.selectors import fold
from rathaus.register.services import Address, PersonData

from ..addresses import address_line, town_city
from .movers import SELF, movers
from .pages import PAGES
from .rules import ConfirmationMethod, PreviousPlace, confirmation_rows

CODE_LETTER_STAGE = "code_letter_sent"
CODE_ENTERED_STAGE = "code_letter_entered"
WAITING_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)


def code_letter_awaited(case) -> bool:
    """A code letter was sent for ``case`` (§23a(3) BMG) and the registration still waits: the
    applicant may enter the letter's code on the case."""
    return case.status in WAITING_STATUSES and case.stage == CODE_LETTER_STAGE


def _moved_in(answers) -> datetime.date:
    return datetime.date.fromisoformat(answers["moved_in"])


def new_address(case) -> Address:
    answers = case.answers or {}
    return Address(
        street=answers.get("street", ""),
        house_number=answers.get("house_number", ""),
        postal_code=answers.get("postal_code", ""),
        city=town_city(case.municipality),
        addition=answers.get("address_addition", ""),
    )


def previous_address_elsewhere(case) -> Address | None:
    """The previous dwelling when it was in another German town (a Rückmeldung goes there,
    §33(1) BMG); None for a move within the town, from abroad or from no dwelling."""
    answers = case.answers or {}
    if answers.get("previous_place") != PreviousPlace.GERMANY:
        return None
    if fold(answers.get("prev_city", "")) == fold(town_city(case.municipality)):
        return None
    return Address(
        street=answers.get("prev_street", ""),
        house_number=answers.get("prev_house_number", ""),
        postal_code=answers.get("prev_postal_code", ""),
        city=answers.get("prev_city", ""),
    )


def case_movers(case):
    return movers(municipality=case.municipality, user=case.applicant, answers=case.answers or {})


def meldebestaetigung_data(case) -> dict:
    """§24(2) BMG: names, doctorate, date of birth, the date of moving in, the date of
    registration, the address and the kind of residence — nothing else."""
    answers = case.answers or {}
    registered = timezone.localtime(case.decided_at or timezone.now()).date()
    return {
        "intro": _(
            "The persons named below have registered their move with the registration office "
            "(§24(2) BMG). This confirmation is free of charge."
        ),
        "rows": confirmation_rows(
            persons=[mover.as_row() for mover in case_movers(case)],
            address=address_line({**answers, "city": town_city(case.municipality)}),
            kind_label=str(ResidenceKind(answers.get("kind", ResidenceKind.MAIN)).label),
            moved_in=_moved_in(answers),
            registered_on=registered,
        ),
    }


MELDEBESTAETIGUNG = DocumentType(
    key="meldebestaetigung",
    title=_("Confirmation of registration (Meldebestätigung)"),
    template="documents/pdf/certificate.html",
    build=meldebestaetigung_data,
)


class Anmeldung(Procedure):
    key = "anmeldung"
    title = _("Anmeldung")
    description = _(
        "Register your new dwelling (§17 BMG), for yourself, your spouse and your children, with "
        "your landlord's assignment code."
    )
    service_slug = "anmeldung"
    pages = PAGES
    account_required = True
    document_types = [MELDEBESTAETIGUNG]
    approval_documents = ["meldebestaetigung"]
    retention = datetime.timedelta(days=365)
    target_days = 5
    # §23a(3) BMG: the clerk sends a code letter to the new address (``services.code_letter_issue``
    # moves the case here as the system, so the stage is never set without a letter).
    # The applicant enters the letter's code on the waiting case (``services.code_letter_redeem``,
    # the system's move again); the registration then completes as the exact case.
    # A Rückmeldung without its 0203 answer after three working days is marked for the clerk
    # (``services.rueckmeldungen_overdue_check``, daily), who clears it once followed up.
    stages = [
        Stage(CODE_LETTER_STAGE, _("Code letter sent")),
        Stage(CODE_ENTERED_STAGE, _("Code from the letter entered")),
        Stage("rueckmeldung_overdue", _("Rückmeldung unanswered")),
        Stage("rueckmeldung_followed_up", _("Rückmeldung followed up")),
    ]
    stage_transitions = {
        "": {
            "code_letter_sent": frozenset({ActorRole.SYSTEM}),
            "rueckmeldung_overdue": frozenset({ActorRole.SYSTEM}),
        },
        "code_letter_sent": {
            "code_letter_entered": frozenset({ActorRole.SYSTEM}),
            "rueckmeldung_overdue": frozenset({ActorRole.SYSTEM}),
        },
        "code_letter_entered": {"rueckmeldung_overdue": frozenset({ActorRole.SYSTEM})},
        "rueckmeldung_overdue": {"rueckmeldung_followed_up": frozenset({ActorRole.STAFF})},
    }
    next_steps = _(
        "With a valid assignment code your registration is completed at once and the "
        "Meldebestätigung is ready on your request's page. Otherwise the registration office "
        "checks your registration and tells you in your mailbox."
    )

    def on_submitted(self, context) -> None:
        """The landlord's code is taken by this registration, once (a conditional update: two
        registrations racing for one code leave it with one of them)."""
        answers = context.case.answers or {}
        if answers.get("method") == ConfirmationMethod.CODE and answers.get("code"):
            context.services.get("register").assignment_code_take(
                municipality=context.case.municipality, code=answers["code"], case=context.case
            )

    def decide(self, context):
        """The exact case: the landlord's code (§19(4) BMG) or the code of the letter the office
        sent for this case (§23a(3) BMG) is this case's, no consent to be looked at, the
        applicant identified and nobody moving under an Auskunftssperre."""
        case = context.case
        answers = case.answers or {}
        register = context.services.get("register")
        if case.applicant_id is None or answers.get("custody"):
            return None
        by_letter = register.code_letter_used(case=case)
        if not by_letter and not (
            answers.get("method") == ConfirmationMethod.CODE
            and register.assignment_code_used_by(case=case, code=answers.get("code", ""))
        ):
            return None
        persons = case_movers(case)
        if not persons or persons[0].relation != SELF:  # no identity the eID vouched for
            return None
        if any(
            mover.person is not None and register.has_auskunftssperre(person=mover.person)
            for mover in persons
        ):
            return None
        rule = "code-letter-exact" if by_letter else "landlord-code-exact"
        return Decision(DecisionOutcome.APPROVE, rule=rule)

    def case_actions(self, context) -> list[CaseAction]:
        case = context.case
        if case is None or not code_letter_awaited(case):
            return []
        return [
            CaseAction(
                label=_("Enter the code from the letter"),
                url=reverse("procedures:code_letter_enter", args=[case.reference]),
                hint=_(
                    "We have sent a letter with a code to your new address (§23a(3) BMG). "
                    "Enter the code here to complete this registration; you do not need to "
                    "register again."
                ),
            )
        ]

    def on_approved(self, context) -> None:
        """Every person moves into the new dwelling, in the approval's transaction: a new main
        residence ends the old one (an Ummeldung within the town, §21 BMG). A move from another
        German town writes a Rückmeldung per person to the outbox (§33(1) BMG)."""
        case = context.case
        answers = case.answers or {}
        register = context.services.get("register")
        address = new_address(case)
        previous = previous_address_elsewhere(case)
        actor = context.actor
        for mover in case_movers(case):
            person = mover.person
            if person is None and mover.birth_date is not None:
                person = register.person_match(
                    municipality=case.municipality,
                    family_name=mover.family_name,
                    given_names=mover.given_names,
                    birth_date=mover.birth_date,
                    entitled=True,
                )
            if person is None:
                person = register.person_create(
                    municipality=case.municipality,
                    data=PersonData(
                        family_name=mover.family_name,
                        given_names=mover.given_names,
                        birth_date=mover.birth_date,
                        sex=mover.sex or "x",
                        nationalities=[
                            part.strip() for part in mover.nationality.split(",") if part.strip()
                        ],
                        religion=mover.religion,
                    ),
                    actor=actor,
                    case=case,
                )
            register.move_in(
                person=person,
                address=address,
                kind=answers.get("kind", ResidenceKind.MAIN),
                moved_in=_moved_in(answers),
                actor=actor,
                case=case,
            )
            if previous is not None:
                register.rueckmeldung_write(
                    person=person,
                    new_address=address,
                    kind=answers.get("kind", ResidenceKind.MAIN),
                    moved_in=_moved_in(answers),
                    previous_address=previous,
                    case=case,
                )

    def on_rejected(self, context) -> None:
        context.services.get("register").assignment_code_release(case=context.case)

    def on_withdrawn(self, context) -> None:
        context.services.get("register").assignment_code_release(case=context.case)


class Ummeldung(Anmeldung):
    """A move within the town: the same registration (§17(1) BMG), the previous address from
    the register; the old main residence ends the day before moving in."""

    key = "ummeldung"
    title = _("Ummeldung")
    description = _("Register your move to another dwelling in the town (§17 BMG).")
    service_slug = "ummeldung"
