"""Anmeldung and Ummeldung (§17(1), §23a BMG): whoever moves into a dwelling registers within two
weeks, online with the eID (trust level "high", from the catalogue).

The exact case — the applicant identified, every check passed, the landlord's assignment code
(§19(4) BMG) valid for this dwelling, date and persons — is decided by the system; so is a child's
move the other parent agreed to online where the register records that parent's custody. Anything
else (an uploaded confirmation, an uploaded consent, sole custody, a refusal) goes to a clerk.
Approval updates the register in the approval's transaction and issues the free Meldebestätigung
(§24(2) BMG)."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rathaus.cases.constants import ActorRole, CaseStatus
from rathaus.cases.plugin import (
    CaseAction,
    Decision,
    DecisionOutcome,
    DocumentType,
    Note,
    Procedure,
    Stage,
)
from rathaus.cases.selectors import case_events
from rathaus.cases.services import case_stage_set
from rathaus.register.constants import AssignmentCodeKind, ResidenceKind
from rathaus.register.selectors import fold
from rathaus.register.services import Address, PersonData, code_display
from rathaus.tenants.selectors import municipality_absolute_url

from ..addresses import address_line, town_city
from .movers import FAMILY_CHILD, SELF, movers
from .pages import PAGES
from .rules import (
    CONSENT_ROUTE_SYSTEM,
    ConfirmationMethod,
    Custody,
    PreviousPlace,
    confirmation_rows,
    consent_route,
)

CODE_LETTER_STAGE = "code_letter_sent"
CODE_ENTERED_STAGE = "code_letter_entered"
CONSENT_AWAITED_STAGE = "consent_awaited"
CONSENT_GIVEN_STAGE = "consent_given"
CONSENT_REFUSED_STAGE = "consent_refused"
WAITING_STATUSES = (CaseStatus.SUBMITTED, CaseStatus.IN_REVIEW, CaseStatus.INFO_REQUESTED)


def consent_awaited(case) -> bool:
    """The registration waits for the other parent's consent online."""
    return case.status in WAITING_STATUSES and case.stage == CONSENT_AWAITED_STAGE


def consent_given(case) -> bool:
    """The other parent agreed online to this registration (its history says so)."""
    return case_events(case=case).filter(to_stage=CONSENT_GIVEN_STAGE).exists()


def consent_url(code: str = "") -> str:
    """The page on which the other parent answers; with the code, the link to pass on."""
    url = reverse("procedures:custody_consent")
    return f"{url}?{urlencode({'code': code_display(code)})}" if code else url


def other_parent(answers) -> tuple[str, str, datetime.date] | None:
    """(given names, family name, date of birth) of the parent asked to agree online."""
    born = answers.get("other_parent_birth_date")
    if answers.get("custody") != Custody.ONLINE or not born:
        return None
    return (
        answers.get("other_parent_given_names", ""),
        answers.get("other_parent_family_name", ""),
        datetime.date.fromisoformat(born),
    )


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


def _registered(register, case, mover):
    """The register's entry of a person entered by hand, matched exactly, or None."""
    if mover.birth_date is None:
        return None
    return register.person_match(
        municipality=case.municipality,
        family_name=mover.family_name,
        given_names=mover.given_names,
        birth_date=mover.birth_date,
        entitled=True,
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
    # A child moving with one parent, the other agreeing online: the registration waits at
    # "consent awaited" from submitting (``on_submitted``) until that parent answers
    # (``services.custody_consent_answer``, the system's move with the parent's name as the
    # reason): "consent given" or "consent refused". A code letter follows the answer, never
    # crosses it (``services.code_letter_offered``).
    stages = [
        Stage(CONSENT_AWAITED_STAGE, _("Waiting for the other parent's consent")),
        Stage(CONSENT_GIVEN_STAGE, _("The other parent has agreed")),
        Stage(CONSENT_REFUSED_STAGE, _("The other parent has refused")),
        Stage(CODE_LETTER_STAGE, _("Code letter sent")),
        Stage(CODE_ENTERED_STAGE, _("Code from the letter entered")),
        Stage("rueckmeldung_overdue", _("Rückmeldung unanswered")),
        Stage("rueckmeldung_followed_up", _("Rückmeldung followed up")),
    ]
    stage_transitions = {
        "": {
            CONSENT_AWAITED_STAGE: frozenset({ActorRole.SYSTEM}),
            "code_letter_sent": frozenset({ActorRole.SYSTEM}),
            "rueckmeldung_overdue": frozenset({ActorRole.SYSTEM}),
        },
        CONSENT_AWAITED_STAGE: {
            # A new consent code (``services.custody_consent_code_renew``): the wait starts again.
            CONSENT_AWAITED_STAGE: frozenset({ActorRole.SYSTEM}),
            CONSENT_GIVEN_STAGE: frozenset({ActorRole.SYSTEM}),
            CONSENT_REFUSED_STAGE: frozenset({ActorRole.SYSTEM}),
        },
        CONSENT_GIVEN_STAGE: {
            "code_letter_sent": frozenset({ActorRole.SYSTEM}),
            "rueckmeldung_overdue": frozenset({ActorRole.SYSTEM}),
        },
        CONSENT_REFUSED_STAGE: {
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

    @property
    def stage_deadlines(self) -> dict[str, int]:  # type: ignore[override]
        """A registration still waiting for the other parent when the consent code expires is
        overdue in the back office: the clerk takes it on."""
        return {CONSENT_AWAITED_STAGE: settings.RATHAUS_CUSTODY_CONSENT_DAYS}

    next_steps = _(
        "With a valid assignment code your registration is completed at once and the "
        "Meldebestätigung is ready on your request's page. Otherwise the registration office "
        "checks your registration and tells you in your mailbox."
    )

    def on_submitted(self, context) -> None:
        """The landlord's code is taken by this registration, once (a conditional update: two
        registrations racing for one code leave it with one of them). Where the other parent is
        to agree online, their consent code is issued and the registration waits for it."""
        case = context.case
        answers = case.answers or {}
        register = context.services.get("register")
        if answers.get("method") == ConfirmationMethod.CODE and answers.get("code"):
            register.assignment_code_take(
                municipality=case.municipality, code=answers["code"], case=case
            )
        parent = other_parent(answers)
        if parent is not None:
            register.consent_code_issue(
                municipality=case.municipality,
                address=new_address(case),
                moved_in=_moved_in(answers),
                parent=parent,
                case=case,
                actor=context.actor,
            )
            # Told by the receipt (it names the stage), not by an update mail of its own.
            case_stage_set(case=case, to_stage=CONSENT_AWAITED_STAGE, actor=None, notify=False)

    def notes(self, context) -> list[Note]:
        """The other parent's consent online: before submitting, what will happen; on the
        applicant's confirmation and case page, the code and link to pass on while it waits,
        then the answer."""
        answers = context.answers or {}
        if answers.get("custody") != Custody.ONLINE:
            return []
        heading = _("Consent of the other parent")
        case = context.case
        if case is None or case.is_draft:
            return [
                Note(
                    heading,
                    [
                        _(
                            "After you submit, you receive a code for the other parent. They "
                            "open the link with the code, log in with their own online ID and "
                            "agree to the move. Your registration waits until then."
                        )
                    ],
                )
            ]
        actor = context.actor
        if actor is None or case.applicant_id != getattr(actor, "pk", None):
            return []
        if consent_awaited(case):
            issued = context.services.get("register").assignment_code_for_case(
                case=case, kind=AssignmentCodeKind.CUSTODY_CONSENT
            )
            if issued is None or issued.revoked_at is not None:
                return []
            until = timezone.localtime(issued.expires_at).strftime("%d.%m.%Y")
            link = municipality_absolute_url(case.municipality, consent_url(issued.code))
            return [
                Note(
                    heading,
                    [
                        _("Your registration waits for the consent of the other parent."),
                        _("Consent code for the other parent: %(code)s (valid until %(date)s)")
                        % {"code": code_display(issued.code), "date": until},
                        _("Link to pass on: %(link)s") % {"link": link},
                        _(
                            "Give the code or the link to the other parent yourself; we send "
                            "them only one reminder a few days before the code ends, if you "
                            "gave their e-mail address. They log in with their own online ID "
                            "(eID) and agree or refuse. Once they have agreed, your "
                            "registration goes on by itself; if they refuse or do not answer "
                            "by that date, the registration office checks it and writes to you "
                            "in your mailbox."
                        ),
                    ],
                )
            ]
        if case.stage == CONSENT_REFUSED_STAGE:
            return [
                Note(
                    heading,
                    [
                        _(
                            "The other parent has refused. The registration office checks your "
                            "registration and writes to you in your mailbox."
                        )
                    ],
                )
            ]
        if consent_given(case):
            return [Note(heading, [_("The other parent has agreed online.")])]
        return []

    def decide(self, context):
        """The exact case: the landlord's code (§19(4) BMG) or the code of the letter the office
        sent for this case (§23a(3) BMG) is this case's, no consent to be looked at, the
        applicant identified and nobody moving under an Auskunftssperre."""
        case = context.case
        answers = case.answers or {}
        register = context.services.get("register")
        if case.applicant_id is None:
            return None
        persons = case_movers(case)
        if answers.get("custody") and not self._custody_settled(case, register, persons):
            return None
        by_letter = register.code_letter_used(case=case)
        if not by_letter and not (
            answers.get("method") == ConfirmationMethod.CODE
            and register.assignment_code_used_by(case=case, code=answers.get("code", ""))
        ):
            return None
        if not persons or persons[0].relation != SELF:  # no identity the eID vouched for
            return None
        if any(
            mover.person is not None and register.has_auskunftssperre(person=mover.person)
            for mover in persons
        ):
            return None
        rule = "code-letter-exact" if by_letter else "landlord-code-exact"
        if answers.get("custody"):
            rule += "-consent-online"
        return Decision(DecisionOutcome.APPROVE, rule=rule)

    @staticmethod
    def _custody_settled(case, register, persons) -> bool:
        """A child moves with one parent: settled for the system only where the other parent
        agreed online and the register records that parent's custody of every child moving
        (``rules.consent_route``)."""
        answers = case.answers or {}
        agreed = answers.get("custody") == Custody.ONLINE and consent_given(case)
        named = other_parent(answers) if agreed else None
        parent = None
        if named is not None:
            parent = register.person_match(
                municipality=case.municipality,
                family_name=named[1],
                given_names=named[0],
                birth_date=named[2],
                entitled=True,
            )
        children = [mover for mover in persons if mover.relation == FAMILY_CHILD]
        known = [mover.person or _registered(register, case, mover) for mover in children]
        return (
            consent_route(
                custody=answers.get("custody", ""),
                consent_given=agreed,
                children_known=all(child is not None for child in known),
                custody_confirmed=parent is not None
                and all(
                    child is not None and register.has_custody(parent=parent, child=child)
                    for child in known
                ),
            )
            == CONSENT_ROUTE_SYSTEM
        )

    def case_actions(self, context) -> list[CaseAction]:
        case = context.case
        if case is None:
            return []
        if consent_awaited(case) and other_parent(case.answers or {}) is not None:
            return [
                CaseAction(
                    label=_("Send a new consent code"),
                    url=reverse("procedures:custody_consent_code_renew", args=[case.reference]),
                    hint=_(
                        "Has the code ended, or has it got lost? Get a new code for the other "
                        "parent here. The old code stops working at once; the new one is valid "
                        "for %(days)s days."
                    )
                    % {"days": settings.RATHAUS_CUSTODY_CONSENT_DAYS},
                    method="post",
                )
            ]
        if not code_letter_awaited(case):
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
